package mock

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	genfixtures "github.com/alibaba-cloud-mock/cdnmock/fixtures/generated"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	genspec "github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

// The server serves its data in two layers:
//
//   - the generated layer: the spec cmd/import-metadata converts from
//     Alibaba's API metadata (spec/generated/, every operation of the
//     product) and one success fixture per operation (fixtures/generated/);
//   - the hand-written layer on top: spec/cdn-2018-05-10.yaml, whose
//     operations (the export family, with the mock's own rules and state)
//     replace their generated twins wholesale, and fixtures/, whose
//     <Action>/<name>.json shadows the generated file of the same name.
//
// Each spec is loaded on its own with LoadSpec, so problems keep their file
// and line, and the two are merged (mergeSpecs): same product, version and
// host; the hand file's common errors; the union of the operations. The
// generated layer is used unless Config.NoGenerated, and only when
// Config.Spec is nil (the embedded hand-written spec) or Config.GeneratedSpec
// is set: a Config that brings its own Spec alone is served alone, as before
// the generated layer existed.

// generatedFixturesSubdir is where the generated fixtures live under the
// hand-written ones (fixtures/generated/): a layer of its own, which
// loadFixtureDir does not read as an operation's directory.
const generatedFixturesSubdir = "generated"

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
		cfg.GeneratedSpec, _ = genspec.FS.ReadFile(genspec.Default) // embedded: cannot fail
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

// specLayers says where the merged spec's operations come from.
type specLayers struct {
	hand map[string]bool // the operations the hand-written spec defines
	gen  *genEntry       // the generated layer, kept across servers (gencache.go)
}

// loadSpecLayers loads the hand-written spec and, with the generated layer,
// the generated one (side by side: they are independent), then merges them.
// layers is nil when the hand-written spec is served alone.
func loadSpecLayers(cfg Config, reports []string) (sp *Spec, layers *specLayers, err error) {
	if cfg.NoGenerated {
		sp, err = contract.Load(cfg.SpecFile, cfg.Spec, contract.LoadOptions{RequireCommon: true, Reports: reports})
		return sp, nil, err
	}
	var gen *genEntry
	var genErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		gen, genErr = loadGenerated(cfg.GeneratedSpecFile, cfg.GeneratedSpec, reports) // gencache.go
	}()
	top, topErr := contract.Load(cfg.SpecFile, cfg.Spec, contract.LoadOptions{RequireCommon: true, Reports: reports})
	<-done
	var ps Problems
	for _, err := range []error{topErr, genErr} {
		var lps Problems
		switch {
		case errors.As(err, &lps):
			ps = append(ps, lps...)
		case err != nil:
			ps.Add("", 0, "", "%v", err)
		}
	}
	if len(ps) > 0 {
		return nil, nil, ps.Err()
	}
	sp, ps = contract.Merge(gen.spec, top)
	if len(ps) > 0 {
		return nil, nil, ps.Err()
	}
	layers = &specLayers{hand: make(map[string]bool, len(top.Names)), gen: gen}
	for _, name := range top.Names {
		layers.hand[name] = true
	}
	return sp, layers, nil
}

// fixtureLayer is one directory of fixtures.
type fixtureLayer struct {
	fsys fs.FS
	dir  string
	// shadowed says a fixture is not read: a layer above serves its
	// operation, or a fixture of the same name. Nil: every one is read.
	shadowed func(action, name string) bool
	// cache, when set, keeps the layer's checked fixtures across servers:
	// they are the embedded generated ones, which cannot change.
	cache *genEntry
}

// loadFixtureLayers reads the hand-written fixtures, then the generated
// ones that neither a hand-written operation nor a hand-written fixture of
// the same name shadows, and checks that every operation has its success
// fixture.
func loadFixtureLayers(cfg Config, sp *Spec, layers *specLayers, now time.Time) (fixtureSet, Problems) {
	if layers == nil {
		return loadFixtures(cfg.Fixtures, cfg.FixturesDir, sp, now)
	}
	hand := layers.hand
	set := fixtureSet{}
	schemas := &schemaBank{shared: layers.gen.schemas} // the generated operations' schemas are kept
	ps := loadFixtureDir(set, fixtureLayer{fsys: cfg.Fixtures, dir: cfg.FixturesDir}, sp, schemas, now)
	gen := fixtureLayer{
		fsys: cfg.GeneratedFixtures, dir: cfg.GeneratedFixturesDir,
		shadowed: func(action, name string) bool { return hand[action] || set.get(action, name) != nil },
	}
	if embedded, ok := cfg.GeneratedFixtures.(embed.FS); ok && embedded == genfixtures.FS {
		gen.cache = layers.gen
	}
	ps = append(ps, loadFixtureDir(set, gen, sp, schemas, now)...)
	dirOf := func(action string) string {
		if hand[action] {
			return cfg.FixturesDir
		}
		return cfg.GeneratedFixturesDir
	}
	return set, append(ps, missingFixtures(set, ps, sp, dirOf)...)
}

// missingFixtures reports every operation without a success fixture, in the
// directory it should come from, unless a problem was already reported there.
func missingFixtures(set fixtureSet, ps Problems, spec *Spec, dirOf func(action string) string) Problems {
	var out Problems
	for _, name := range spec.OperationNames() {
		file := path.Join(dirOf(name), name, "success.json")
		if set.get(name, "success") == nil && !hasProblemIn(ps, file) {
			out.Add(file, 0, "", "missing: every operation needs a success fixture")
		}
	}
	return out
}

// fixtureJob is one fixture file to compile.
type fixtureJob struct {
	file, name string // where it was read, for messages; its name without .json
	data       []byte
	op         *Operation
	cache      *genEntry // keeps the result across servers (fixtureLayer.cache)
}

// compileFixtures compiles and checks fixtures in parallel (each is
// independent), then adds them to set in job order, so problems come in
// the order the files were read.
func compileFixtures(set fixtureSet, jobs []fixtureJob, schemas *schemaBank, now time.Time) Problems {
	var ops []*Operation
	seen := map[*Operation]bool{}
	for _, j := range jobs {
		if !seen[j.op] {
			seen[j.op] = true
			ops = append(ops, j.op)
		}
	}
	schemas.compile(ops)

	results := make([]fixtureResult, len(jobs))
	contract.Parallel(len(jobs), func(i int) {
		j := jobs[i]
		if r, ok := j.cache.fixture(j.file); ok {
			results[i] = r
			return
		}
		r := &results[i]
		schema, err := schemas.get(j.op)
		if err != nil {
			r.ps.Add(j.file, 0, "", "the spec's response schema for %s cannot be used: %v", j.op.Name, err)
		} else if r.fx, r.ps = compileFixture(j.file, j.data, j.op, schema, now); r.fx != nil {
			r.fx.Name = j.name // before it is shared: a kept fixture is never written again
		}
		j.cache.keepFixture(j.file, *r)
	})
	var ps Problems
	for i, r := range results {
		ps = append(ps, r.ps...)
		if r.fx == nil {
			continue
		}
		action := jobs[i].op.Name
		if set[action] == nil {
			set[action] = map[string]*Fixture{}
		}
		set[action][r.fx.Name] = r.fx
	}
	return ps
}

// fixtureResult is one fixture compiled and checked: the fixture, or its problems.
type fixtureResult struct {
	fx *Fixture
	ps Problems
}

// schemaBank holds the operations' response schemas compiled into JSON
// Schemas (jsonschema/v5, draft 4, whose keywords OpenAPI 3.0 follows), to
// check fixtures with. A compiler checks each resource it is given against
// the draft-4 meta-schema; rather than one compiler and one resource per
// operation, the operations' schemas are put as definitions in a few
// resources, one per worker, each compiled by its own compiler in parallel
// (#/definitions/<n>). A bank kept with the generated layer (genEntry) is
// shared by the servers of the process: it owns that spec's operations,
// and a server's own bank passes them on to it.
type schemaBank struct {
	mu       sync.Mutex
	compiled map[*Operation]*jsonschema.Schema
	errs     map[*Operation]error
	n        int // resources made, for their names

	owner  *Spec       // a shared bank's spec: the operations it compiles
	shared *schemaBank // compiles the operations it owns
}

func (b *schemaBank) owns(op *Operation) bool {
	return b != nil && b.owner != nil && b.owner.Ops[op.Name] == op
}

// schemaChunk is the least number of operations worth a compiler of its own.
const schemaChunk = 16

// compile compiles the schemas of the operations not compiled yet. Those
// whose JSON Schemas are the same (leanSchema) share one compiled schema.
func (b *schemaBank) compile(ops []*Operation) {
	if b.shared != nil {
		var mine, theirs []*Operation
		for _, op := range ops {
			if b.shared.owns(op) {
				theirs = append(theirs, op)
			} else {
				mine = append(mine, op)
			}
		}
		b.shared.compile(theirs)
		ops = mine
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.compiled == nil {
		b.compiled, b.errs = map[*Operation]*jsonschema.Schema{}, map[*Operation]error{}
	}
	var todo []responseDoc
	index := map[string]int{} // JSON Schema → its place in todo
	users := map[int][]*Operation{}
	for _, op := range ops {
		if _, done := b.compiled[op]; done {
			continue
		}
		if _, failed := b.errs[op]; failed {
			continue
		}
		raw, ok := leanSchema(op.Response)
		if !ok {
			var err error
			if raw, err = json.Marshal(op.Response); err != nil {
				b.errs[op] = err
				continue
			}
		}
		i, seen := index[string(raw)]
		if !seen {
			i = len(todo)
			index[string(raw)] = i
			todo = append(todo, responseDoc{raw: raw, op: op})
		}
		users[i] = append(users[i], op)
	}
	if len(todo) == 0 {
		return
	}
	chunks := min(runtime.GOMAXPROCS(0), (len(todo)+schemaChunk-1)/schemaChunk)
	size := (len(todo) + chunks - 1) / chunks
	type result struct {
		schemas []*jsonschema.Schema
		errs    []error
	}
	results := make([]result, chunks)
	first := b.n
	b.n += chunks
	contract.Parallel(chunks, func(i int) {
		part := todo[i*size : min(len(todo), (i+1)*size)]
		url := fmt.Sprintf("mem:///responses-%d.json", first+i)
		results[i].schemas, results[i].errs = compileSchemaChunk(url, part)
	})
	for i, r := range results {
		for k, s := range r.schemas {
			for _, op := range users[i*size+k] {
				if r.errs[k] != nil {
					b.errs[op] = r.errs[k]
				} else {
					b.compiled[op] = s
				}
			}
		}
	}
}

// responseDoc is a response schema to compile: its JSON Schema, and an
// operation that has it.
type responseDoc struct {
	raw []byte
	op  *Operation
}

func (b *schemaBank) get(op *Operation) (*jsonschema.Schema, error) {
	if b.shared.owns(op) {
		return b.shared.get(op)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.errs[op]; err != nil {
		return nil, err
	}
	if s := b.compiled[op]; s != nil {
		return s, nil
	}
	return nil, fmt.Errorf("not compiled") // compileFixtures compiles every job's first
}

// compileSchemaChunk compiles response schemas from one resource holding
// them all as definitions. When that fails, each is compiled on its own, as
// its operation's (compileResponseSchema), so each problem names an
// operation: once the meta-schema check of a resource failed, its compiler
// would not check it again.
func compileSchemaChunk(url string, docs []responseDoc) ([]*jsonschema.Schema, []error) {
	schemas, errs := make([]*jsonschema.Schema, len(docs)), make([]error, len(docs))
	alone := func(i int) { schemas[i], errs[i] = compileResponseSchema(docs[i].op) }
	allAlone := func() ([]*jsonschema.Schema, []error) {
		for i := range docs {
			alone(i)
		}
		return schemas, errs
	}

	var doc bytes.Buffer
	doc.WriteString(`{"definitions":{`)
	for i, d := range docs {
		if i > 0 {
			doc.WriteByte(',')
		}
		fmt.Fprintf(&doc, `"%d":`, i)
		doc.Write(d.raw)
	}
	doc.WriteString(`}}`)

	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft4
	if err := c.AddResource(url, &doc); err != nil {
		return allAlone()
	}
	for i := range docs {
		s, err := c.Compile(fmt.Sprintf("%s#/definitions/%d", url, i))
		switch {
		case err == nil:
			schemas[i] = s
		case i == 0: // the resource's meta-schema check, or the first schema itself
			return allAlone()
		default:
			alone(i)
		}
	}
	return schemas, errs
}
