package mock

import (
	"cmp"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/drift"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/recording"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/upstream"
)

// Proxy mode (Config.Upstream, Config.Record, Config.Replay): a call that
// would get the plain default answer is answered from a recording, or by
// the real service, signed again; its answer is checked against the spec
// (package drift). Forced outcomes (an error, a fault, a sequence) stay
// local, and a delay is still added first.

// What the journal says of proxy mode.
type (
	// UpstreamInfo is what the upstream answered a forwarded call.
	UpstreamInfo = adminapi.Upstream
	// ReplayInfo says whether a call was replayed, or why not.
	ReplayInfo = adminapi.Replay
)

// UpstreamConfig says where and how calls are forwarded.
type UpstreamConfig struct {
	// URL is the real service, e.g. https://cdn.aliyuncs.com.
	URL string
	// AccessKeyID, AccessKeySecret and SecurityToken (for an STS token)
	// sign every forwarded call; UpstreamCredentialsFromEnv reads them
	// from ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET
	// and ALIBABA_CLOUD_SECURITY_TOKEN.
	AccessKeyID, AccessKeySecret, SecurityToken string
	// Client sends the calls. Nil: HTTPS verified against the system
	// roots (SSL_CERT_FILE adds a CA file).
	Client *http.Client
	// Throttle keeps the mock's own rate limits on; off by default, as
	// the upstream throttles.
	Throttle bool
	// MaxInFlight bounds the calls forwarded at once (0: 64; New refuses a
	// negative one); one more is answered 503 Mock.UpstreamBusy at once,
	// never queued.
	MaxInFlight int
}

// UpstreamCredentialsFromEnv fills in the access key from the standard
// variables; without an id and a secret it fails, naming them.
func UpstreamCredentialsFromEnv(u *UpstreamConfig, getenv func(string) string) error {
	c, err := upstream.CredentialsFromEnv(getenv)
	u.AccessKeyID, u.AccessKeySecret, u.SecurityToken = c.AccessKeyID, c.AccessKeySecret, c.SecurityToken
	return err
}

// The standard variables of the upstream's access key.
const (
	EnvAccessKeyID     = upstream.EnvAccessKeyID
	EnvAccessKeySecret = upstream.EnvAccessKeySecret
	EnvSecurityToken   = upstream.EnvSecurityToken
)

// HeaderDrift on an answer summarises how the upstream's answer drifted
// from the spec, within maxDriftHeader bytes.
const (
	HeaderDrift    = "X-Mock-Drift"
	maxDriftHeader = 1024
)

// proxy is the server's proxy mode; nil when off.
type proxy struct {
	fwd      *upstream.Forwarder // nil: replay only
	rec      *recording.Recorder // nil: nothing recorded
	lib      *recording.Library  // nil: nothing replayed
	throttle bool
	slots    chan struct{}                // one per forward in flight
	drift    atomic.Pointer[driftChecker] // the current spec's
	secrets  []string                     // never written to a recording
}

type driftChecker struct {
	spec *Spec
	c    *drift.Checker
}

func newProxy(cfg Config) (*proxy, error) {
	if cfg.Upstream == nil && cfg.Record == "" && cfg.Replay == "" {
		return nil, nil
	}
	p := &proxy{}
	if u := cfg.Upstream; u != nil {
		if u.MaxInFlight < 0 {
			return nil, fmt.Errorf("Config.Upstream.MaxInFlight is %d: a bound on forwards is positive, or zero for the default, %d", u.MaxInFlight, upstream.DefaultMaxInFlight)
		}
		creds := upstream.Credentials{AccessKeyID: u.AccessKeyID, AccessKeySecret: u.AccessKeySecret, SecurityToken: u.SecurityToken}
		fwd, err := upstream.New(u.URL, creds, u.Client)
		if err != nil {
			return nil, fmt.Errorf("--upstream: %w", err)
		}
		p.fwd, p.throttle = fwd, u.Throttle
		p.slots = make(chan struct{}, cmp.Or(u.MaxInFlight, upstream.DefaultMaxInFlight))
		p.secrets = []string{u.AccessKeyID, u.AccessKeySecret, u.SecurityToken}
	}
	if cfg.Record != "" {
		if p.fwd == nil {
			return nil, fmt.Errorf("--record %s: records what --upstream answers; give --upstream too", cfg.Record)
		}
		rec, err := recording.NewRecorder(cfg.Record)
		if err != nil {
			return nil, fmt.Errorf("--record: %w", err)
		}
		p.rec = rec
	}
	if cfg.Replay != "" {
		lib, err := recording.Load(cfg.Replay)
		if err != nil {
			return nil, fmt.Errorf("--replay: %w", err)
		}
		p.lib = lib
	}
	return p, nil
}

func (p *proxy) checker(sp *Spec) *drift.Checker {
	if dc := p.drift.Load(); dc != nil && dc.spec == sp {
		return dc.c
	}
	dc := &driftChecker{spec: sp, c: drift.NewChecker(sp)}
	p.drift.Store(dc)
	return dc.c
}

// throttles tells whether the mock's own rate limits apply.
func (s *Server) throttles() bool {
	return s.proxy == nil || s.proxy.fwd == nil || s.proxy.throttle
}

// relay decides, for a call whose scenario answers it with out (nil: the
// call did not reach an operation), whether it leaves the pipeline: to a
// recording, or to the upstream. mockWould is what the mock's own
// validation answers it.
func (s *Server) relay(sp *Spec, x *exchange, sc *Scenario, action string, out *Outcome, mockWould *apiError) bool {
	p := s.proxy
	if p == nil || (out != nil && (!out.Plain() || sc.Sequenced(action))) {
		return false
	}
	x.mockWould = mockWould
	if p.lib != nil {
		c := &x.call
		hit, miss := p.lib.Match(recording.KeyOf(c.Action, c.Version, c.Format, c.Params, sp.SecretParams))
		if hit != nil {
			x.replay = &ReplayInfo{Recording: hit.File, Replayed: true}
			x.replayed = hit
			return true
		}
		x.replay = &ReplayInfo{Closest: miss.Closest, Parameter: miss.Param, Reason: miss.Reason}
	}
	x.forward = p.fwd != nil
	return x.forward
}

// answerRelayed answers a relayed call: the recording, or the upstream's
// answer (or, when it could not be had, a Mock.Upstream* error).
func (s *Server) answerRelayed(c echo.Context, sp *Spec, x *exchange) int {
	if rec := x.replayed; rec != nil {
		return s.writeRaw(c, x, rec.Status, rec.ContentType, x.requestID, rec.Answer(x.requestID))
	}
	r := c.Request()
	body, err := x.call.WholeBody(r, s.cfg.MaxBodyBytes)
	if err != nil {
		x.err = err
		return s.write(c, sp, x)
	}
	select {
	case s.proxy.slots <- struct{}{}:
		defer func() { <-s.proxy.slots }()
	default:
		x.err = &apiError{Status: http.StatusServiceUnavailable, Code: upstream.CodeBusy,
			Message: fmt.Sprintf("%d calls are being forwarded already, the most at once; try again", cap(s.proxy.slots))}
		x.upstream = &UpstreamInfo{Code: upstream.CodeBusy}
		return s.write(c, sp, x)
	}
	res, ferr := s.proxy.fwd.Forward(r.Context(), r, body, x.call.ACS3)
	if ferr != nil {
		x.err = ferr
		x.upstream = &UpstreamInfo{Code: ferr.Code}
		return s.write(c, sp, x)
	}
	x.upstream = &UpstreamInfo{Status: res.Status, Code: res.Code, RequestID: res.RequestID}
	findings := s.proxy.checker(sp).Check(x.op, drift.Answer{Status: res.Status, Code: res.Code, Body: res.Body, JSON: res.JSON}, x.mockWould)
	x.drift = findings
	if len(findings) > 0 {
		c.Response().Header().Set(HeaderDrift, drift.Summary(findings, maxDriftHeader))
	}
	if s.proxy.rec != nil {
		s.recordExchange(sp, x, res)
	}
	return s.writeRaw(c, x, res.Status, res.ContentType, res.RequestID, res.Body)
}

// recordExchange writes the exchange to --record; a failure (a file that
// would hold a secret, a full disk) is journaled and logged, never answered.
func (s *Server) recordExchange(sp *Spec, x *exchange, res *upstream.Response) {
	c := &x.call
	k := recording.KeyOf(c.Action, c.Version, c.Format, c.Params, sp.SecretParams)
	rx := recording.NewExchange(k, s.cfg.Clock.Now(), res.Status, res.ContentType, res.RequestID, res.Body)
	// The client's own signature values are not among them: they never
	// reach the upstream (its parameters are not kept either), and a short
	// one (SignatureNonce=1) would refuse every recording.
	secrets := append(append([]string{}, s.proxy.secrets...), res.Signed...)
	name, err := s.proxy.rec.Write(rx, secrets)
	if err != nil {
		x.upstream.RecordError = err.Error()
		s.cfg.Logger.Error("recording", "action", c.Action, "error", err)
		return
	}
	x.upstream.Recording = name
}

// writeRaw sends an answer as is: the upstream's or a recording's.
func (s *Server) writeRaw(c echo.Context, x *exchange, status int, contentType, requestID string, body []byte) int {
	h := c.Response().Header()
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	h["X-Acs-Request-Id"] = []string{cmp.Or(requestID, x.requestID)}
	if x.scenario != "" {
		h["X-Mock-Scenario"] = []string{x.scenario}
	}
	s.answered(x, status)
	c.Response().WriteHeader(status)
	_, _ = c.Response().Write(body)
	return status
}

// mockWould is what the mock's validation answers a call that reached op:
// its first violation, else the first rule it breaks; nil for success.
func mockWould(sp *Spec, op *Operation, call *Call, vs []Violation, now time.Time) *apiError {
	for _, v := range vs {
		if v.Err != nil {
			return v.Err
		}
	}
	return sp.CheckRules(op, call.Params, now)
}
