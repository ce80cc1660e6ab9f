package scenario

// Scenario files: reading the layers of files, the schema, then every
// check against the spec and the fixtures, all problems of a file at once.

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
)

//go:embed scenario.schema.json
var scenarioSchemaJSON []byte

// ScenarioSchema is the JSON Schema of scenario files.
func ScenarioSchema() []byte { return bytes.Clone(scenarioSchemaJSON) }

// scenarioSchema is compiled on first use: a process that loads no such file
// does not pay for it at start.
var scenarioSchema = sync.OnceValue(func() *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	if err := c.AddResource("scenario.schema.json", bytes.NewReader(scenarioSchemaJSON)); err != nil {
		panic(err) // embedded and covered by tests
	}
	return c.MustCompile("scenario.schema.json")
})

// scenarioSchemaDoc is the schema as data, for ExplainSchema's hints;
// only a broken file needs it.
var scenarioSchemaDoc = sync.OnceValue(func() any {
	var v any
	if err := json.Unmarshal(scenarioSchemaJSON, &v); err != nil {
		panic(err) // embedded and covered by tests
	}
	return v
})

// Dir is one directory of scenario files; Name names it in messages.
type Dir struct {
	FS   fs.FS
	Name string
}

// LoadFiles reads every *.yaml file of the directories and checks it:
// first against the JSON Schema, then against the spec and the fixtures.
// The directories are layers: a file in a later one replaces the file of
// the same scenario name in an earlier one (--scenarios over the shipped
// scenarios/), and the replaced file is not read.
func LoadFiles(dirs []Dir, spec *contract.Spec, fixtures fixture.Set, builtins map[string]bool) ([]*Scenario, diag.Problems) {
	var ps diag.Problems
	type source struct {
		fsys       fs.FS
		name, file string
	}
	chosen := map[string]source{} // scenario name → the file that defines it
	for _, d := range dirs {
		entries, err := fs.ReadDir(d.FS, ".")
		if err != nil {
			ps.Add(d.Name, 0, "", "cannot read the scenarios directory: %v", err)
			continue
		}
		inDir := map[string]string{}
		for _, e := range entries {
			name := e.Name()
			ext := path.Ext(name)
			if e.IsDir() || (ext != ".yaml" && ext != ".yml") || strings.HasPrefix(name, ".") {
				continue
			}
			file := path.Join(d.Name, name)
			scName := strings.TrimSuffix(name, ext)
			if builtins[scName] {
				ps.Add(file, 0, "", "scenario name %q collides with a built-in scenario; rename the file", scName)
				continue
			}
			if other, dup := inDir[scName]; dup {
				ps.Add(file, 0, "", "scenario %q is also defined by %s", scName, other)
				continue
			}
			inDir[scName] = file
			chosen[scName] = source{d.FS, name, file}
		}
	}
	var out []*Scenario
	for _, scName := range slices.Sorted(maps.Keys(chosen)) {
		src := chosen[scName]
		data, err := fs.ReadFile(src.fsys, src.name)
		if err != nil {
			ps.Add(src.file, 0, "", "cannot read: %v", err)
			continue
		}
		sc, fps := parseScenario(src.file, scName, data, spec, fixtures)
		ps = append(ps, fps...)
		if sc != nil {
			out = append(out, sc)
		}
	}
	return out, ps
}

func parseScenario(file, name string, data []byte, spec *contract.Spec, fixtures fixture.Set) (*Scenario, diag.Problems) {
	var ps diag.Problems
	yf, err := diag.ParseYAML(file, data)
	if err != nil {
		ps.AddYAMLError(file, err)
		return nil, ps
	}
	v, err := yf.Value()
	if err != nil {
		ps.AddYAMLError(file, err)
		return nil, ps
	}
	// Every problem at once: the schema's, in plain words, then the checks
	// against the spec and the fixtures on what has the right shape. A
	// value the schema refused gets no second problem.
	refused := map[string]bool{}
	if err := scenarioSchema().Validate(v); err != nil {
		for _, is := range diag.ExplainSchema(err, scenarioSchemaDoc(), v) {
			refused[is.Ptr] = true
			ps.Add(file, yf.Line(is.Ptr), diag.FieldName(is.Ptr), "%s", is.Message)
		}
	}
	top, _ := v.(map[string]any)
	sc := &Scenario{Name: name, Source: file, Throttle: true, ops: map[string][]Step{}}
	sc.Description, _ = top["description"].(string)
	if b, ok := top["throttle"].(bool); ok {
		sc.Throttle = b
	}
	ops, _ := top["operations"].(map[string]any)
	actions := slices.Sorted(maps.Keys(ops))
	for _, action := range actions {
		ptr := "/operations/" + diag.EscapePointer(action)
		op, err := spec.LoadOperation(action) // a scenario file is checked at startup, against the operation loaded in full
		if err != nil {
			ps.Add(file, yf.Line(ptr), diag.FieldName(ptr), "%v", err)
			continue
		}
		if op == nil {
			ps.Add(file, yf.Line(ptr), diag.FieldName(ptr), "no operation %s in the spec; %s", action, operationHint(spec, action)) // suggest.go
			continue
		}
		raws, isList := ops[action].([]any)
		if !isList {
			raws = []any{ops[action]}
		}
		steps := make([]Step, 0, len(raws))
		for i, raw := range raws {
			stepPtr := ptr
			if isList {
				stepPtr = fmt.Sprintf("%s/%d", ptr, i)
			}
			problem := func(key, format string, args ...any) {
				p := stepPtr
				if key != "" {
					p += "/" + key
				}
				if !refused[p] {
					ps.Add(file, yf.Line(p), diag.FieldName(p), format, args...)
				}
			}
			m, ok := raw.(map[string]any)
			if !ok {
				continue // the schema said what it wants
			}
			st := parseStep(m, op, spec, fixtures, problem)
			if isList && st.Times == 0 && len(st.When) == 0 && i < len(raws)-1 {
				problem("", "this step answers every call, so the steps after it are never reached; give it times or when, or make it the last")
			}
			sc.counted = sc.counted || st.Times > 0
			steps = append(steps, st)
		}
		sc.ops[action] = steps
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return sc, nil
}

// parseStep reads one outcome whose shape the JSON Schema already checked,
// and holds it to the spec and the fixtures.
func parseStep(raw map[string]any, op *contract.Operation, spec *contract.Spec, fixtures fixture.Set, problem func(key, format string, args ...any)) Step {
	st := Step{Outcome: Outcome{Validate: true}}
	st.Fixture, _ = raw["fixture"].(string)
	st.Error, _ = raw["error"].(string)
	st.Message, _ = raw["message"].(string)
	st.Fault, _ = raw["fault"].(string)
	st.Task, _ = raw["task"].(string)
	if b, ok := raw["validate"].(bool); ok {
		st.Validate = b
	}
	if s, ok := raw["delay"].(string); ok {
		d, err := ParseDelay(s)
		if err != nil {
			problem("delay", "%v", err) // unless the schema's pattern said it first
		}
		st.Delay = d
	}
	if n, ok := raw["times"].(json.Number); ok {
		t, _ := n.Int64()
		st.Times = int(t)
	}
	if when, ok := raw["when"].(map[string]any); ok {
		st.When = map[string]string{}
		for name, v := range when {
			st.When[name], _ = v.(string)
			if !op.HasParam(name) {
				problem("when/"+diag.EscapePointer(name), "%s is not a parameter of %s; its parameters: %s", name, op.Name, strings.Join(op.ParamNames(), ", "))
			}
		}
	}
	kinds := 0
	for _, set := range []bool{st.Fixture != "", st.Error != "", st.Fault != ""} {
		if set {
			kinds++
		}
	}
	switch {
	case kinds > 1:
		problem("", "give one of fixture (a success), error (an error code) or fault (a broken connection), not several")
	case st.Error != "":
		if _, ok := spec.ErrorDef(op, st.Error); !ok {
			problem("error", "%s is not documented for %s; documented: %s; common: %s",
				st.Error, op.Name, strings.Join(op.Codes(), ", "), strings.Join(spec.CommonCodes, ", "))
		}
		if _, ok := raw["validate"]; ok {
			problem("validate", "applies to success outcomes only; an error outcome answers its error whatever the request")
		}
	case st.Fault != "":
		if _, ok := raw["message"]; ok {
			problem("message", "applies to error outcomes only")
		}
	default:
		if st.Fixture == "" {
			st.Fixture = defaultOutcome.Fixture
		}
		if fixtures.Get(op.Name, st.Fixture) == nil {
			problem("fixture", "no fixture %q for %s; available: %s", st.Fixture, op.Name, strings.Join(fixtureNames(fixtures, op.Name), ", "))
		}
		if st.Message != "" {
			problem("message", "applies to error outcomes only")
		}
	}
	checkTaskOutcome(&st, op, problem) // below
	return st
}

func fixtureNames(set fixture.Set, action string) []string {
	names := slices.Sorted(maps.Keys(set[action]))
	return names
}

// checkTaskOutcome holds a scenario step's task field (how created tasks
// end) to the operation: only a create's success outcomes have one.
func checkTaskOutcome(st *Step, op *contract.Operation, problem func(key, format string, args ...any)) {
	switch {
	case st.Task == "":
	case (op.State == nil || op.State.Do != contract.DoCreate) && (op.Resource == nil || op.Resource.Do != contract.DoCreate):
		problem("task", "applies to operations that create tasks or items (x-mock-state do: create); %s does not", op.Name)
	case st.Error != "" || st.Fault != "":
		problem("task", "applies to success outcomes only")
	}
}
