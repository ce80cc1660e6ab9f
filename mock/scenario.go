package mock

import (
	"bytes"
	_ "embed"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// A Scenario says, for each operation, which Outcome the mock answers.
// Operations it does not list get the default outcome.
type Scenario struct {
	Name        string
	Source      string // "builtin", or the file it was loaded from
	Description string
	ops         map[string]Outcome
}

// Outcome is what one operation answers in a scenario: a success fixture, or
// an error code. Neither means the default: validation, then "success".
type Outcome struct {
	Fixture  string // success with fixtures/<Action>/<Fixture>.json
	Validate bool   // check the request against the spec and its rules first
	Error    string // answer this documented error code instead
	Message  string // replaces the spec's message for Error
	Delay    Delay  // wait before answering
}

var defaultOutcome = Outcome{Fixture: "success", Validate: true}

// outcome returns what the scenario answers for an operation.
func (sc *Scenario) outcome(action string) Outcome {
	if o, ok := sc.ops[action]; ok {
		return o
	}
	return defaultOutcome
}

// Delay is a fixed wait, or a range to pick from uniformly.
type Delay struct{ Min, Max time.Duration }

// ParseDelay reads "250ms" or "100ms-400ms".
func ParseDelay(s string) (Delay, error) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "-")
	min, err := time.ParseDuration(lo)
	if err != nil || min < 0 {
		return Delay{}, fmt.Errorf("delay %q: want a duration such as 250ms, or a range such as 100ms-400ms", s)
	}
	max := min
	if isRange {
		if max, err = time.ParseDuration(hi); err != nil || max < min {
			return Delay{}, fmt.Errorf("delay %q: a range goes from the shorter to the longer duration, e.g. 100ms-400ms", s)
		}
	}
	return Delay{Min: min, Max: max}, nil
}

// pick returns the wait for one request.
func (d Delay) pick() time.Duration {
	if d.Max <= d.Min {
		return d.Min
	}
	return d.Min + rand.N(d.Max-d.Min+1)
}

func (d Delay) String() string {
	if d.Max <= d.Min {
		return d.Min.String()
	}
	return d.Min.String() + "-" + d.Max.String()
}

// Names of the built-in scenarios that are not error codes.
const (
	ScenarioDefault = "default"
	ScenarioSuccess = "success"
)

// builtinScenarios derives from the spec one scenario per documented or
// common error code, plus default and success. An error scenario forces its
// code on every operation that documents it (all, for a common code); the
// others behave as default.
func builtinScenarios(spec *Spec) []*Scenario {
	out := []*Scenario{
		{Name: ScenarioDefault, Source: "builtin", Description: "Realistic validation against the spec and its rules, then the success fixture."},
		{Name: ScenarioSuccess, Source: "builtin", Description: "Always the success fixture, with no validation.", ops: map[string]Outcome{}},
	}
	for _, name := range spec.OperationNames() {
		out[1].ops[name] = Outcome{Fixture: "success"}
	}
	byCode := map[string]*Scenario{}
	var codes []string
	addCode := func(d ErrorDef, op string) {
		sc := byCode[d.Code]
		if sc == nil {
			sc = &Scenario{Name: d.Code, Source: "builtin", ops: map[string]Outcome{}}
			byCode[d.Code] = sc
			codes = append(codes, d.Code)
		}
		sc.ops[op] = Outcome{Error: d.Code}
	}
	for _, d := range spec.CommonErrors() {
		for _, name := range spec.OperationNames() {
			addCode(d, name)
		}
	}
	for _, name := range spec.OperationNames() {
		for _, d := range spec.Operation(name).Errors() {
			addCode(d, name)
		}
	}
	for _, c := range codes {
		sc := byCode[c]
		d, _ := spec.errorDef(nil, c)
		if _, common := spec.common[c]; common {
			sc.Description = fmt.Sprintf("Every operation answers %d %s.", d.Status, c)
		} else {
			ops := make([]string, 0, len(sc.ops))
			for op := range sc.ops {
				ops = append(ops, op)
			}
			sort.Strings(ops)
			sc.Description = fmt.Sprintf("%s answer %s; other operations behave as default.", strings.Join(ops, ", "), c)
		}
		out = append(out, sc)
	}
	return out
}

//go:embed scenario.schema.json
var scenarioSchemaJSON []byte

// ScenarioSchema is the JSON Schema of scenario files.
func ScenarioSchema() []byte { return bytes.Clone(scenarioSchemaJSON) }

var scenarioSchema = func() *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	if err := c.AddResource("scenario.schema.json", bytes.NewReader(scenarioSchemaJSON)); err != nil {
		panic(err) // embedded and covered by tests
	}
	return c.MustCompile("scenario.schema.json")
}()

// scenarioFile is the shape of scenarios/*.yaml once the schema passed.
type scenarioFile struct {
	Description string                    `json:"description"`
	Operations  map[string]map[string]any `json:"operations"`
}

// loadScenarios reads every *.yaml file of a directory and checks it: first
// against the JSON Schema, then against the spec and the fixtures.
func loadScenarios(fsys fs.FS, dir string, spec *Spec, fixtures fixtureSet, builtins map[string]bool) ([]*Scenario, Problems) {
	var ps Problems
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		ps.add(dir, 0, "", "cannot read the scenarios directory: %v", err)
		return nil, ps
	}
	var out []*Scenario
	seen := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		ext := path.Ext(name)
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") || strings.HasPrefix(name, ".") {
			continue
		}
		file := path.Join(dir, name)
		scName := strings.TrimSuffix(name, ext)
		if builtins[scName] {
			ps.add(file, 0, "", "scenario name %q collides with a built-in scenario; rename the file", scName)
			continue
		}
		if other, dup := seen[scName]; dup {
			ps.add(file, 0, "", "scenario %q is also defined by %s", scName, other)
			continue
		}
		seen[scName] = file
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			ps.add(file, 0, "", "cannot read: %v", err)
			continue
		}
		sc, fps := parseScenario(file, scName, data, spec, fixtures)
		ps = append(ps, fps...)
		if sc != nil {
			out = append(out, sc)
		}
	}
	return out, ps
}

func parseScenario(file, name string, data []byte, spec *Spec, fixtures fixtureSet) (*Scenario, Problems) {
	var ps Problems
	yf, err := parseYAML(file, data)
	if err != nil {
		ps.add(file, 0, "", "not valid YAML: %v", err)
		return nil, ps
	}
	v, err := yf.value()
	if err != nil {
		ps.add(file, 0, "", "%v", err)
		return nil, ps
	}
	if err := scenarioSchema.Validate(v); err != nil {
		for _, l := range schemaLeaves(err) {
			loc := leafLocation(l)
			ps.add(file, yf.line(loc), fieldName(loc), "%s", l.Message)
		}
		return nil, ps
	}
	// The schema guarantees the shape; read it without a second decoder.
	top := v.(map[string]any)
	sc := &Scenario{Name: name, Source: file, ops: map[string]Outcome{}}
	sc.Description, _ = top["description"].(string)
	ops := top["operations"].(map[string]any)
	actions := make([]string, 0, len(ops))
	for a := range ops {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	for _, action := range actions {
		raw := ops[action].(map[string]any)
		ptr := "/operations/" + escapePointer(action)
		problem := func(key, format string, args ...any) {
			p := ptr
			if key != "" {
				p += "/" + key
			}
			ps.add(file, yf.line(p), fieldName(p), format, args...)
		}
		op := spec.Operation(action)
		if op == nil {
			problem("", "no operation %s in the spec; known operations: %s", action, strings.Join(spec.OperationNames(), ", "))
			continue
		}
		o := Outcome{Validate: true}
		o.Fixture, _ = raw["fixture"].(string)
		o.Error, _ = raw["error"].(string)
		o.Message, _ = raw["message"].(string)
		if b, ok := raw["validate"].(bool); ok {
			o.Validate = b
		}
		if s, ok := raw["delay"].(string); ok {
			d, err := ParseDelay(s)
			if err != nil {
				problem("delay", "%v", err)
			}
			o.Delay = d
		}
		switch {
		case o.Fixture != "" && o.Error != "":
			problem("", "give either fixture (a success) or error (an error code), not both")
		case o.Error != "":
			if _, ok := spec.errorDef(op, o.Error); !ok {
				problem("error", "%s is not documented for %s; documented: %s; common: %s",
					o.Error, action, strings.Join(op.codes, ", "), strings.Join(spec.commonCodes, ", "))
			}
			if _, ok := raw["validate"]; ok {
				problem("validate", "applies to success outcomes only; an error outcome answers its error whatever the request")
			}
		default:
			if o.Fixture == "" {
				o.Fixture = defaultOutcome.Fixture
			}
			if fixtures.get(action, o.Fixture) == nil {
				problem("fixture", "no fixture %q for %s; available: %s", o.Fixture, action, strings.Join(fixtureNames(fixtures, action), ", "))
			}
			if o.Message != "" {
				problem("message", "applies to error outcomes only")
			}
		}
		sc.ops[action] = o
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return sc, nil
}

func fixtureNames(set fixtureSet, action string) []string {
	names := make([]string, 0, len(set[action]))
	for n := range set[action] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
