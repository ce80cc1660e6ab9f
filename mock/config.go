package mock

import (
	"crypto/rand"
	"embed"
	"io/fs"
	"log/slog"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/fixtures"
	genfixtures "github.com/alibaba-cloud-mock/cdnmock/fixtures/generated"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/spec"
	genspec "github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

// Config says what the server serves and how. The zero value serves the
// embedded spec, scenarios and fixtures on real time.
type Config struct {
	// Spec is an OpenAPI document; SpecFile names it in messages.
	// Empty: the embedded spec/cdn-2018-05-10.yaml.
	Spec     []byte
	SpecFile string

	// Scenarios holds scenario files (*.yaml) served with the shipped ones
	// (the embedded scenarios/): a file of the same name replaces the
	// shipped one. ScenariosDir names it in messages. Nil: the shipped
	// scenarios alone.
	Scenarios    fs.FS
	ScenariosDir string

	// NoShippedScenarios leaves the shipped scenario files out: only the
	// built-in scenarios and those in Scenarios are served. A Config that
	// sets Spec leaves them out too: they name the shipped spec's
	// operations. One that sets Fixtures keeps them; a shipped scenario
	// naming a fixture it lacks is a file:line problem at startup.
	NoShippedScenarios bool

	// Fixtures holds <Action>/<name>.json files; FixturesDir names it in
	// messages. Nil: the embedded fixtures/.
	Fixtures    fs.FS
	FixturesDir string

	// GeneratedSpec is the layer under Spec: the spec generated from
	// Alibaba's API metadata (cmd/import-metadata), which serves every
	// operation Spec does not define; an operation Spec defines replaces
	// its generated twin wholesale (package contract, merge.go). GeneratedSpecFile names it
	// in messages. Nil: the embedded spec/generated/cdn-2018-05-10.yaml,
	// but only when Spec is nil too: a Config that sets Spec and not
	// GeneratedSpec serves its Spec alone.
	GeneratedSpec     []byte
	GeneratedSpecFile string

	// GeneratedFixtures holds the generated layer's <Action>/<name>.json
	// files, under Fixtures: a fixture of the same name in Fixtures shadows
	// one here, and operations Spec defines take none from here.
	// GeneratedFixturesDir names it in messages. Nil: the embedded
	// fixtures/generated/.
	GeneratedFixtures    fs.FS
	GeneratedFixturesDir string

	// NoGenerated serves Spec and Fixtures alone, without the generated layer.
	NoGenerated bool

	// Scenario is the active scenario at start. Empty: "default".
	Scenario string

	// Clock is the server's time. Nil: real time.
	Clock *Clock

	// Logger gets one line per API request (message "request", at the
	// answer's wall-clock time, without a source location). Nil: no
	// logging.
	Logger *slog.Logger

	// NewRequestID makes each response's RequestId. Nil: an upper-case UUID.
	NewRequestID func() string

	// MaxBodyBytes limits a form body. Zero: 1 MiB.
	MaxBodyBytes int64

	// MaxParams limits a call's parameters (query and form body together),
	// MaxParamBytes each name's and value's length. Zero: 500 and 64 KiB.
	MaxParams     int
	MaxParamBytes int

	// MaxDownloads bounds the export files (GET /_mock/downloads/…) made
	// at once, each streamed as it is made; one more is answered 503
	// Mock.DownloadBusy at once, never queued. Zero: 4; New refuses a
	// negative one.
	MaxDownloads int

	// Credentials turns on authentication: every API call must be signed
	// by one of these access keys and allowed by its policy (package auth).
	// LoadCredentials reads them from a file. Nil: any access key is
	// accepted and signatures are not checked.
	Credentials *Credentials

	// AdminToken, when set, is the Bearer token the admin API requires
	// (all of /_mock/ but health, the console's files and downloads).
	AdminToken string

	// Delay is added before every answer unless the request (X-Mock-Delay)
	// or the outcome sets one.
	Delay Delay

	// MaxHold bounds how long a request may be held, by a delay or by
	// fault:hang, when neither its client nor Close ends it first. The
	// cdnmock command sets its listeners' write timeout, past which no
	// answer could be written anyway. Zero: no bound; New refuses a negative one.
	MaxHold time.Duration

	// Upstream, when set, forwards every call that would get the plain
	// default answer to the real service, signed again with its own
	// access key (proxy.go). Nil: the mock answers everything.
	Upstream *UpstreamConfig

	// Record is a directory where each forwarded exchange is written,
	// redacted, as it happens. It needs Upstream. Empty: none is.
	Record string

	// Replay is a directory of recordings that answer the calls matching
	// them (before Upstream is asked). Empty: none.
	Replay string

	// DisableThrottling turns off the spec's rate limits (x-acs-rate-limit).
	DisableThrottling bool

	// JournalSize is how many requests the journal keeps, the newest.
	// Zero: 1000.
	JournalSize int

	// TaskDuration is how long an export task stays created before it
	// succeeds (or fails), by the server's clock. Zero: 90s.
	TaskDuration time.Duration

	// StatePath is a bbolt file that keeps export tasks across restarts.
	// Empty: tasks live in memory only.
	StatePath string

	// generatedIndex is the index of GeneratedSpec that lets New load its
	// operations on first use (package contract, lazy.go). Nil: the
	// embedded one, which serves only the embedded spec. Tests set their own.
	generatedIndex *genspec.Index

	// specGiven is whether the caller set Spec (withDefaults fills it in).
	specGiven bool
}

// withDefaults fills in every unset field.
func (cfg Config) withDefaults() Config {
	cfg = cfg.layerDefaults() // the generated layer, before Spec's default (below)
	if cfg.Spec != nil {
		cfg.specGiven = true
		cfg.NoShippedScenarios = true // a spec of its own may lack the operations the shipped scenarios name
	}
	if cfg.Spec == nil {
		cfg.SpecFile = "spec/" + spec.Default
		cfg.Spec = spec.DefaultYAML() // shared and only read: no copy on the heap
	}
	if cfg.SpecFile == "" {
		cfg.SpecFile = "spec"
	}
	if cfg.ScenariosDir == "" {
		cfg.ScenariosDir = "scenarios"
	}
	if cfg.Fixtures == nil {
		cfg.Fixtures, cfg.FixturesDir = fixtures.FS, "fixtures"
	}
	if cfg.FixturesDir == "" {
		cfg.FixturesDir = "fixtures"
	}
	if cfg.Clock == nil {
		cfg.Clock = NewClock()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.NewRequestID == nil {
		cfg.NewRequestID = newRequestID
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.JournalSize <= 0 {
		cfg.JournalSize = 1000
	}
	if cfg.TaskDuration <= 0 {
		cfg.TaskDuration = 90 * time.Second
	}
	return cfg
}

// newRequestID is a random (version 4) UUID in upper case, as Alibaba's
// RequestIds are, formatted without intermediate strings. The random bytes
// are read into an array on the stack (uuid.New's reader would put it on
// the heap).
func newRequestID() string {
	var id [16]byte
	_, _ = rand.Read(id[:])   // never fails (crypto/rand)
	id[6] = id[6]&0x0f | 0x40 // version 4
	id[8] = id[8]&0x3f | 0x80 // the RFC 4122 variant
	const hexDigits = "0123456789ABCDEF"
	var b [36]byte
	j := 0
	for i, c := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b[j] = '-'
			j++
		}
		b[j], b[j+1] = hexDigits[c>>4], hexDigits[c&0xF]
		j += 2
	}
	return string(b[:])
}

// layerDefaults settles which layers are served and fills in the generated
// layer's defaults.
func (cfg Config) layerDefaults() Config {
	if cfg.Spec != nil && cfg.GeneratedSpec == nil {
		cfg.NoGenerated = true // a spec of its own, served alone
	}
	if cfg.NoGenerated {
		return cfg
	}
	if cfg.GeneratedSpec == nil {
		cfg.GeneratedSpecFile = "spec/generated/" + genspec.Default
		cfg.GeneratedSpec = genspec.DefaultYAML() // shared and only read: no copy on the heap
	}
	if cfg.GeneratedSpecFile == "" {
		cfg.GeneratedSpecFile = "generated spec"
	}
	if cfg.GeneratedFixtures == nil {
		cfg.GeneratedFixtures, cfg.GeneratedFixturesDir = genfixtures.FS, "fixtures/generated"
	}
	if cfg.GeneratedFixturesDir == "" {
		cfg.GeneratedFixturesDir = "fixtures/generated"
	}
	return cfg
}

// specFiles are the spec files cfg serves. lazy lets the embedded generated
// layer load each operation on its first call, when its fixtures are the
// embedded ones too; off, every file is loaded and checked in full, as
// validate does.
func (cfg Config) specFiles(lazy bool) contract.SpecFiles {
	idx := cfg.generatedIndex
	if idx == nil {
		idx = &genspec.DefaultIndex
	}
	embedded, ok := cfg.GeneratedFixtures.(embed.FS)
	return contract.SpecFiles{
		Lazy: lazy && ok && embedded == genfixtures.FS, GeneratedIndex: idx,
		Spec: cfg.Spec, SpecFile: cfg.SpecFile,
		GeneratedSpec: cfg.GeneratedSpec, GeneratedSpecFile: cfg.GeneratedSpecFile,
		NoGenerated: cfg.NoGenerated,
	}
}

func (cfg Config) fixtureFiles() fixture.Files {
	return fixture.Files{
		Fixtures: cfg.Fixtures, FixturesDir: cfg.FixturesDir,
		GeneratedFixtures: cfg.GeneratedFixtures, GeneratedFixturesDir: cfg.GeneratedFixturesDir,
	}
}
