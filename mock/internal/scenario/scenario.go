package scenario

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/glob"
)

// A Scenario says, for each operation, which Outcome the mock answers.
// Operations it does not list get the default outcome.
type Scenario struct {
	Name        string
	Source      string // "builtin", or the file it was loaded from
	Description string
	Throttle    bool              // enforce the spec's rate limits (x-acs-rate-limit)
	Ops         map[string][]Step // each operation's steps, by Action
	counted     bool              // some step has times: picking needs the counters
}

// Outcome is what one operation answers: a success fixture, an error code,
// or a connection fault. None of them means the default: validation, then
// the "success" fixture.
type Outcome struct {
	Fixture  string // success with fixtures/<Action>/<Fixture>.json
	Validate bool   // check the request against the spec and its rules first
	Error    string // answer this documented error code instead
	Message  string // replaces the spec's message for Error
	Fault    string // break the connection instead: one of faults
	Delay    Delay  // wait before answering
	Task     string // with a create's x-mock-state: how its tasks end, success (default) or failed
}

// Step is one outcome in an operation's sequence: it answers while its
// conditions hold, at most Times times (0: without end).
type Step struct {
	Outcome
	Times int
	When  map[string]string // parameter → exact value or glob (* and ?)
}

var defaultOutcome = Outcome{Fixture: "success", Validate: true}

// single is the sequence of one outcome that always answers.
func single(o Outcome) []Step { return []Step{{Outcome: o}} }

// matches reports whether every condition of the step holds for params.
func (st *Step) matches(params map[string][]string) bool {
	for name, pattern := range st.When {
		v, ok := params[name]
		if !ok || len(v) == 0 || !glob.Match(pattern, v[0]) {
			return false
		}
	}
	return true
}

// Delay is a fixed wait, or a range to pick from uniformly.
type Delay struct{ Min, Max time.Duration }

// MaxDelay is the longest delay X-Mock-Delay, a scenario's delay or --delay
// may ask for. The SDKs give up after 10s by default, and the longest
// per-operation read timeout alibaba-cloud-sdk-go ships is 133s, so 3
// minutes outlasts any client's default timeout. It stays inside the
// command's 5-minute WriteTimeout even after a 30-second body read, so a
// delayed answer is always written.
const MaxDelay = 3 * time.Minute

// ErrDelayTooLong marks a delay above MaxDelay, answered Mock.DelayTooLong.
var ErrDelayTooLong = errors.New("longer than the maximum")

// ParseDelay reads "250ms" or "100ms-400ms", at most MaxDelay.
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
	d := Delay{Min: min, Max: max}
	if err := d.Check(); err != nil {
		return Delay{}, fmt.Errorf("delay %q: %w", s, err)
	}
	return d, nil
}

// Check refuses a delay above MaxDelay.
func (d Delay) Check() error {
	if d.Max > MaxDelay || d.Min > MaxDelay {
		return fmt.Errorf("%w of %v (to test a client's timeout beyond it, use the fault:hang scenario)", ErrDelayTooLong, MaxDelay)
	}
	return nil
}

// Pick returns the wait for one request.
func (d Delay) Pick() time.Duration {
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

// faults are the connection-level outcomes; their built-in scenarios are
// named "fault:<name>" so they can never clash with an error code.
var faults = []string{"reset", "empty", "garbage", "hang"}

var faultDescriptions = map[string]string{
	"reset":   "Every operation's connection is reset (TCP RST) instead of answered.",
	"empty":   "Every operation's connection is closed without an answer.",
	"garbage": "Every operation answers 200 with a body that is not JSON.",
	"hang":    "Every operation holds the request, unanswered, until the client gives up or the server stops.",
}

// Builtins derives from the spec one scenario per documented or
// common error code, one per fault, plus default and success. An error
// scenario forces its code on every operation that documents it (all, for a
// common code); the others behave as default.
func Builtins(spec *contract.Spec) []*Scenario {
	everyOp := func(o Outcome) map[string][]Step {
		ops := map[string][]Step{}
		for _, name := range spec.OperationNames() {
			ops[name] = single(o)
		}
		return ops
	}
	out := []*Scenario{
		{Name: ScenarioDefault, Source: "builtin", Throttle: true, Description: "Realistic validation against the spec and its rules, rate limits enforced, then the success fixture."},
		{Name: ScenarioSuccess, Source: "builtin", Description: "Always the success fixture, with no validation.", Ops: everyOp(Outcome{Fixture: "success"})},
	}
	byCode := map[string]*Scenario{}
	var codes []string
	addCode := func(d contract.ErrorDef, op string) {
		sc := byCode[d.Code]
		if sc == nil {
			sc = &Scenario{Name: d.Code, Source: "builtin", Ops: map[string][]Step{}}
			byCode[d.Code] = sc
			codes = append(codes, d.Code)
		}
		sc.Ops[op] = single(Outcome{Error: d.Code})
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
		d, _ := spec.ErrorDef(nil, c)
		if _, common := spec.Common[c]; common {
			sc.Description = fmt.Sprintf("Every operation answers %d %s.", d.Status, c)
		} else {
			ops := make([]string, 0, len(sc.Ops))
			for op := range sc.Ops {
				ops = append(ops, op)
			}
			sort.Strings(ops)
			sc.Description = fmt.Sprintf("%s answer %s; other operations behave as default.", strings.Join(ops, ", "), c)
		}
		out = append(out, sc)
	}
	for _, f := range faults {
		out = append(out, &Scenario{Name: "fault:" + f, Source: "builtin", Description: faultDescriptions[f], Ops: everyOp(Outcome{Fault: f})})
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

// LoadFiles reads every *.yaml file of a directory and checks it: first
// against the JSON Schema, then against the spec and the fixtures.
func LoadFiles(fsys fs.FS, dir string, spec *contract.Spec, fixtures fixture.Set, builtins map[string]bool) ([]*Scenario, diag.Problems) {
	var ps diag.Problems
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		ps.Add(dir, 0, "", "cannot read the scenarios directory: %v", err)
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
			ps.Add(file, 0, "", "scenario name %q collides with a built-in scenario; rename the file", scName)
			continue
		}
		if other, dup := seen[scName]; dup {
			ps.Add(file, 0, "", "scenario %q is also defined by %s", scName, other)
			continue
		}
		seen[scName] = file
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			ps.Add(file, 0, "", "cannot read: %v", err)
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

func parseScenario(file, name string, data []byte, spec *contract.Spec, fixtures fixture.Set) (*Scenario, diag.Problems) {
	var ps diag.Problems
	yf, err := diag.ParseYAML(file, data)
	if err != nil {
		ps.Add(file, 0, "", "not valid YAML: %v", err)
		return nil, ps
	}
	v, err := yf.Value()
	if err != nil {
		ps.Add(file, 0, "", "%v", err)
		return nil, ps
	}
	if err := scenarioSchema.Validate(v); err != nil {
		for _, l := range diag.SchemaLeaves(err) {
			loc := diag.LeafLocation(l)
			ps.Add(file, yf.Line(loc), diag.FieldName(loc), "%s", l.Message)
		}
		return nil, ps
	}
	// The schema guarantees the shape; read it without a second decoder.
	top := v.(map[string]any)
	sc := &Scenario{Name: name, Source: file, Throttle: true, Ops: map[string][]Step{}}
	sc.Description, _ = top["description"].(string)
	if b, ok := top["throttle"].(bool); ok {
		sc.Throttle = b
	}
	ops := top["operations"].(map[string]any)
	actions := make([]string, 0, len(ops))
	for a := range ops {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	for _, action := range actions {
		ptr := "/operations/" + diag.EscapePointer(action)
		op := spec.Operation(action)
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
				ps.Add(file, yf.Line(p), diag.FieldName(p), format, args...)
			}
			st := parseStep(raw.(map[string]any), op, spec, fixtures, problem)
			if isList && st.Times == 0 && len(st.When) == 0 && i < len(raws)-1 {
				problem("", "this step answers every call, so the steps after it are never reached; give it times or when, or make it the last")
			}
			sc.counted = sc.counted || st.Times > 0
			steps = append(steps, st)
		}
		sc.Ops[action] = steps
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
			problem("delay", "%v", err)
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
			st.When[name] = v.(string)
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
				st.Error, op.Name, strings.Join(op.Codes, ", "), strings.Join(spec.CommonCodes, ", "))
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
	names := make([]string, 0, len(set[action]))
	for n := range set[action] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// checkTaskOutcome holds a scenario step's task field (how created tasks
// end) to the operation: only a create's success outcomes have one.
func checkTaskOutcome(st *Step, op *contract.Operation, problem func(key, format string, args ...any)) {
	switch {
	case st.Task == "":
	case op.State == nil || op.State.Do != contract.DoCreate:
		problem("task", "applies to operations that create tasks (x-mock-state do: create); %s does not", op.Name)
	case st.Error != "" || st.Fault != "":
		problem("task", "applies to success outcomes only")
	}
}
