package mock

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// A Fixture is a success response body. It is JSON whose string values may be
// Go templates ("{{ .RequestId }}"); keys keep their order. It is compiled
// once, at load, into a JSON and an XML program: rendering writes literal
// bytes and executes the few templates, escaping their output.
type Fixture struct {
	Action, Name string
	File         string // where it was loaded from, for messages
	json, xml    program
}

// fixtureSet maps Action → fixture name → Fixture.
type fixtureSet map[string]map[string]*Fixture

func (fs fixtureSet) get(action, name string) *Fixture { return fs[action][name] }

// renderData is what fixture templates see.
type renderData struct {
	RequestId   string    //nolint:revive // named as in the API's bodies
	Action      string    // the operation called
	AccessKeyId string    //nolint:revive // named as in the API
	Now         time.Time // the server's clock, UTC
	taskData              // .Task and .Page, set by an operation's x-mock-state (taskhook.go)

	values  map[string][]string
	params  map[string]string
	taskID  string
	newTask func() string
}

// Params maps each request parameter to its first value, defaults included.
func (d *renderData) Params() map[string]string {
	if d.params == nil {
		d.params = make(map[string]string, len(d.values))
		for k, v := range d.values {
			if len(v) > 0 {
				d.params[k] = v[0]
			}
		}
	}
	return d.params
}

// TaskId is a task id unique within the server's life, the same for every
// use within one response.
func (d *renderData) TaskId() string { //nolint:revive // named as in the API
	if d.Task != nil {
		return d.Task.TaskId // the task an x-mock-state create stored
	}
	if d.taskID == "" {
		d.taskID = d.newTask()
	}
	return d.taskID
}

var templateFuncs = template.FuncMap{
	// iso8601 formats a time as the API does: yyyy-MM-ddTHH:mm:ssZ, UTC.
	"iso8601": func(t time.Time) string { return t.UTC().Format(contract.TimeLayout) },
	// json writes a value as JSON; a string that is only {{ json … }} is a splice (splice.go).
	"json": jsonFunc,
}

// program is a fixture compiled for one format.
type program []segment

type segment struct {
	lit  []byte
	tmpl *template.Template // when set, its output is escaped for the format
	// field, when set, stands for tmpl: a template that only reads a field
	// ({{ .RequestId }}, {{ .Params.X }}) runs without text/template.
	field func(*renderData) string
	key   string // with splice: the key whose value it is
	// splice: tmpl's output is a raw JSON value, converted for XML (splice.go)
	splice bool
}

type format int

const (
	asJSON format = iota
	asXML
)

var scratchPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (p program) render(w *bytes.Buffer, data *renderData, f format) error {
	for _, s := range p {
		if s.tmpl == nil {
			w.Write(s.lit)
			continue
		}
		buf := scratchPool.Get().(*bytes.Buffer)
		buf.Reset()
		var err error
		if s.field != nil {
			buf.WriteString(s.field(data))
		} else {
			err = s.tmpl.Execute(buf, data)
		}
		if err == nil && s.splice {
			err = writeSplice(w, s.key, buf.Bytes(), f)
		} else if err == nil {
			if f == asJSON {
				writeJSONStringBody(w, buf.Bytes())
			} else {
				writeXMLText(w, buf.Bytes())
			}
		}
		scratchPool.Put(buf)
		if err != nil {
			return err
		}
	}
	return nil
}

// compiler turns a parsed fixture into programs, merging adjacent literals.
type compiler struct {
	segs []segment
	lit  bytes.Buffer
}

func (c *compiler) literal(s string) { c.lit.WriteString(s) }

func (c *compiler) template(t *template.Template) {
	c.flush()
	c.segs = append(c.segs, segment{tmpl: t, field: fieldAccessor(t)})
}

// fieldAccessor returns a direct reader for a template that is one plain
// field reference of the render data, the common case that would otherwise
// cost a trip through text/template's reflection on every answer; nil for
// anything else.
func fieldAccessor(t *template.Template) func(*renderData) string {
	if t.Tree == nil || t.Tree.Root == nil || len(t.Tree.Root.Nodes) != 1 {
		return nil
	}
	a, ok := t.Tree.Root.Nodes[0].(*parse.ActionNode)
	if !ok || len(a.Pipe.Decl) > 0 || len(a.Pipe.Cmds) != 1 || len(a.Pipe.Cmds[0].Args) != 1 {
		return nil
	}
	f, ok := a.Pipe.Cmds[0].Args[0].(*parse.FieldNode)
	if !ok {
		return nil
	}
	switch id := f.Ident; {
	case len(id) == 1 && id[0] == "RequestId":
		return func(d *renderData) string { return d.RequestId }
	case len(id) == 1 && id[0] == "Action":
		return func(d *renderData) string { return d.Action }
	case len(id) == 1 && id[0] == "AccessKeyId":
		return func(d *renderData) string { return d.AccessKeyId }
	case len(id) == 1 && id[0] == "TaskId":
		return (*renderData).TaskId
	case len(id) == 2 && id[0] == "Params":
		name := id[1]
		return func(d *renderData) string {
			if v := d.values[name]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
	}
	return nil
}

// splice adds a template whose output is a raw value for key (splice.go).
func (c *compiler) splice(t *template.Template, key string) {
	c.flush()
	c.segs = append(c.segs, segment{tmpl: t, key: key, splice: true})
}

func (c *compiler) flush() {
	if c.lit.Len() > 0 {
		c.segs = append(c.segs, segment{lit: bytes.Clone(c.lit.Bytes())})
		c.lit.Reset()
	}
}

func (c *compiler) program() program {
	c.flush()
	return c.segs
}

func compileJSON(c *compiler, n *diag.JSONNode, tmpls map[*diag.JSONNode]*template.Template) {
	switch n.Kind {
	case diag.JSONObject:
		c.literal("{")
		for i, k := range n.Keys {
			if i > 0 {
				c.literal(",")
			}
			c.literal(jsonQuote(k) + ":")
			compileJSON(c, n.Items[i], tmpls)
		}
		c.literal("}")
	case diag.JSONArray:
		c.literal("[")
		for i, item := range n.Items {
			if i > 0 {
				c.literal(",")
			}
			compileJSON(c, item, tmpls)
		}
		c.literal("]")
	case diag.JSONString:
		if t := tmpls[n]; t != nil && isSplice(t) {
			c.splice(t, "")
		} else if t != nil {
			c.literal(`"`)
			c.template(t)
			c.literal(`"`)
		} else {
			c.literal(jsonQuote(n.Text))
		}
	default:
		c.literal(n.Text)
	}
}

// compileXML writes a value with writeXMLTree (xmlwrite.go), templates in
// place: a splice writes its own elements at render, a string's template
// its escaped text.
func compileXML(c *compiler, key string, n *diag.JSONNode, tmpls map[*diag.JSONNode]*template.Template) error {
	return writeXMLTree(c.literal, key, n, xmlHooks{
		element: func(key string, n *diag.JSONNode) bool {
			if t := tmpls[n]; t != nil && isSplice(t) {
				c.splice(t, key)
				return true
			}
			return false
		},
		text: func(n *diag.JSONNode) bool {
			if t := tmpls[n]; t != nil {
				c.template(t)
				return true
			}
			return false
		},
	})
}

// loadFixtures reads <dir>/<Action>/<name>.json for every operation and checks
// each against the spec: it must parse, its templates must compile, and,
// rendered with sample values, it must match the operation's response schema.
func loadFixtures(fsys fs.FS, dir string, spec *Spec, now time.Time) (fixtureSet, Problems) {
	set := fixtureSet{}
	ps := loadFixtureDir(set, fixtureLayer{fsys: fsys, dir: dir}, spec, &schemaBank{}, now)
	return set, append(ps, missingFixtures(set, ps, spec, func(string) string { return dir })...)
}

// loadFixtureDir reads one layer of fixtures into set (layers.go), skipping
// those the layer says are shadowed; the files are compiled and checked in
// parallel (compileFixtures). Whether every operation has its success
// fixture is checked once all layers are read (missingFixtures).
func loadFixtureDir(set fixtureSet, layer fixtureLayer, spec *Spec, schemas *schemaBank, now time.Time) Problems {
	fsys, dir := layer.fsys, layer.dir
	var ps Problems
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		ps.Add(dir, 0, "", "cannot read the fixtures directory: %v", err)
		return ps
	}
	var jobs []fixtureJob
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || e.Name() == generatedFixturesSubdir {
			continue // e.g. the embed.go beside the fixtures; fixtures/generated is a layer of its own
		}
		action := e.Name()
		op := spec.Operation(action)
		if op == nil {
			ps.Add(path.Join(dir, action), 0, "", "no operation %s in the spec; fixture directories are named after operations", action)
			continue
		}
		files, err := fs.ReadDir(fsys, action)
		if err != nil {
			ps.Add(path.Join(dir, action), 0, "", "cannot read: %v", err)
			continue
		}
		for _, f := range files {
			name := f.Name()
			file := path.Join(dir, action, name)
			if f.IsDir() || strings.HasPrefix(name, ".") {
				continue
			}
			if !strings.HasSuffix(name, ".json") {
				ps.Add(file, 0, "", "not a fixture: fixtures are <name>.json files")
				continue
			}
			if layer.shadowed != nil && layer.shadowed(action, strings.TrimSuffix(name, ".json")) {
				continue // a layer above serves this one (layers.go)
			}
			data, err := fs.ReadFile(fsys, path.Join(action, name))
			if err != nil {
				ps.Add(file, 0, "", "cannot read: %v", err)
				continue
			}
			jobs = append(jobs, fixtureJob{file: file, name: strings.TrimSuffix(name, ".json"), data: data, op: op, cache: layer.cache})
		}
	}
	return append(ps, compileFixtures(set, jobs, schemas, now)...)
}

func hasProblemIn(ps Problems, file string) bool {
	for _, p := range ps {
		if p.File == file {
			return true
		}
	}
	return false
}

func compileFixture(file string, data []byte, op *Operation, schema *jsonschema.Schema, now time.Time) (*Fixture, Problems) {
	var ps Problems
	tree, err := diag.ParseJSON(data)
	if err != nil {
		ps.Add(file, 0, "", "not valid JSON: %v", err)
		return nil, ps
	}
	if tree.Kind != diag.JSONObject {
		ps.Add(file, tree.Line, "", "must be a JSON object: the fields of the response")
		return nil, ps
	}
	tmpls := map[*diag.JSONNode]*template.Template{}
	var walk func(key string, n *diag.JSONNode)
	walk = func(key string, n *diag.JSONNode) {
		if key != "" && !validXMLName(key) {
			ps.Add(file, n.Line, diag.FieldName(n.Ptr), "key %q cannot be an XML element name", key)
		}
		for i, child := range n.Items {
			k := key
			if n.Kind == diag.JSONObject {
				k = n.Keys[i]
			}
			walk(k, child)
		}
		if n.Kind == diag.JSONString && strings.Contains(n.Text, "{{") {
			t, err := template.New(file + "#" + n.Ptr).Option("missingkey=zero").Funcs(templateFuncs).Parse(n.Text)
			if err != nil {
				ps.Add(file, n.Line, diag.FieldName(n.Ptr), "bad template: %v", err)
				return
			}
			tmpls[n] = t
		}
	}
	walk("", tree)
	if len(ps) > 0 {
		return nil, ps
	}

	fx := &Fixture{Action: op.Name, File: file}
	var jc, xc compiler
	compileJSON(&jc, tree, tmpls)
	fx.json = jc.program()
	xc.literal(xmlHeader)
	if err := compileXML(&xc, op.Name+"Response", tree, tmpls); err != nil {
		ps.Add(file, 0, "", "%v", err) // keys are checked above, with their lines; the action's name is not
		return nil, ps
	}
	fx.xml = xc.program()

	// Render with sample values and hold the result to the spec; first each
	// template alone, so a failure points at its line.
	sample := sampleData(op, now)
	for n, t := range tmpls {
		if err := t.Execute(io.Discard, sample); err != nil {
			msg := err.Error()
			if i := strings.LastIndex(msg, ": "); i >= 0 {
				msg = msg[i+2:] // drop text/template's own location prefix
			}
			ps.Add(file, n.Line, diag.FieldName(n.Ptr), "template fails with sample values: %s", msg)
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	var buf bytes.Buffer
	if err := fx.json.render(&buf, sample, asJSON); err != nil {
		ps.Add(file, 0, "", "rendering with sample values failed: %v", err)
		return nil, ps
	}
	var v any
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		ps.Add(file, 0, "", "renders to invalid JSON: %v", err)
		return nil, ps
	}
	if err := schema.Validate(v); err != nil {
		for _, l := range schemaLeaves(err) {
			loc := leafLocation(l)
			ps.Add(file, tree.Find(loc).Line, diag.FieldName(loc), "does not match the spec's response schema for %s: %s", op.Name, l.Message)
		}
		return nil, ps
	}
	return fx, nil
}

// sampleData fills templates at load time: parameters from the spec's
// examples and defaults, and fixed ids.
func sampleData(op *Operation, now time.Time) *renderData {
	values := map[string][]string{}
	for _, p := range op.Params {
		if p.List != nil {
			p.List.Sample(values) // Name.1…, from the items' examples (lists.go)
			continue
		}
		if v := firstOf(p.Example, p.Default); v != "" {
			values[p.Name] = []string{v}
		}
	}
	return &renderData{
		RequestId: "ED61C6C3-8241-4187-AAA7-5157AE175CEC", Action: op.Name, AccessKeyId: "AKID",
		Now: now.UTC(), values: values, newTask: func() string { return "100001" },
		taskData: sampleTaskData(values, now), // one sample task (taskhook.go)
	}
}

// compileResponseSchema turns the operation's OpenAPI 3.0 response schema
// into a JSON Schema (draft 4, whose keywords OpenAPI 3.0 follows).
func compileResponseSchema(op *Operation) (*jsonschema.Schema, error) {
	raw, err := json.Marshal(op.Response)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft4
	url := "mem:///" + op.Name + ".json"
	if err := c.AddResource(url, bytes.NewReader(raw)); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// schemaLeaves flattens a jsonschema error to the causes that say what is wrong.
func schemaLeaves(err error) []*jsonschema.ValidationError {
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []*jsonschema.ValidationError{{Message: err.Error()}}
	}
	var out []*jsonschema.ValidationError
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, e)
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].InstanceLocation < out[j].InstanceLocation })
	return out
}

var extraProperty = regexp.MustCompile(`^additionalProperties '([^']+)' not allowed$`)

// leafLocation is where a schema error points: for a key the schema does
// not allow, the key itself rather than the object holding it.
func leafLocation(l *jsonschema.ValidationError) string {
	if m := extraProperty.FindStringSubmatch(l.Message); m != nil {
		return l.InstanceLocation + "/" + diag.EscapePointer(m[1])
	}
	return l.InstanceLocation
}

func jsonQuote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	writeJSONStringBody(&b, []byte(s))
	b.WriteByte('"')
	return b.String()
}

// writeJSONStringBody escapes s for use between the quotes of a JSON string.
// Invalid UTF-8 (a client may send any bytes) becomes U+FFFD, as
// encoding/json does, so the answer is always valid JSON.
func writeJSONStringBody(w *bytes.Buffer, s []byte) {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRune(s[i:]); r == utf8.RuneError && size == 1 {
				w.Write(s[start:i])
				w.WriteString("\ufffd")
				start = i + 1
			} else {
				i += size - 1
			}
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		w.Write(s[start:i])
		switch c {
		case '"', '\\':
			w.WriteByte('\\')
			w.WriteByte(c)
		case '\n':
			w.WriteString(`\n`)
		case '\r':
			w.WriteString(`\r`)
		case '\t':
			w.WriteString(`\t`)
		default:
			w.WriteString(`\u00`)
			w.WriteByte(hex[c>>4])
			w.WriteByte(hex[c&0xF])
		}
		start = i + 1
	}
	w.Write(s[start:])
}
