package scenario

import (
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/glob"
)

// A Scenario says, for each operation, which Outcome the mock answers.
// Operations it does not list get the default outcome.
type Scenario struct {
	Name        string
	Source      string // "builtin", or the file it was loaded from
	Description string
	Throttle    bool              // enforce the spec's rate limits (x-acs-rate-limit)
	ops         map[string][]Step // a file's: each operation's steps, by Action
	// A built-in answers each of its operations, those in sameOps (sorted;
	// the spec's own names for one that lists every operation), with the
	// same steps. A map per scenario would hold thousands of entries.
	same    []Step
	sameOps []string
	counted bool // some step has times: picking needs the counters
}

// Steps returns the steps sc lists for action, an operation of the spec sc
// was made with, and whether it lists any.
func (sc *Scenario) Steps(action string) ([]Step, bool) {
	if sc.same == nil {
		steps, ok := sc.ops[action]
		return steps, ok
	}
	if _, ok := slices.BinarySearch(sc.sameOps, action); ok {
		return sc.same, true
	}
	return nil, false
}

// Operations yields each operation sc lists, with its steps, in no order.
func (sc *Scenario) Operations() iter.Seq2[string, []Step] {
	return func(yield func(string, []Step) bool) {
		for _, name := range sc.sameOps {
			if !yield(name, sc.same) {
				return
			}
		}
		for name, steps := range sc.ops {
			if !yield(name, steps) {
				return
			}
		}
	}
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

// DelayHint says how a delay is written; scenario.schema.json's
// patternErrorMessage for delay says the same.
const DelayHint = "write a duration such as 2s or 100ms-400ms"

// ParseDelay reads "250ms" or "100ms-400ms", at most MaxDelay.
func ParseDelay(s string) (Delay, error) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "-")
	min, err := time.ParseDuration(lo)
	if err != nil || min < 0 {
		return Delay{}, fmt.Errorf("delay %q: "+DelayHint, s)
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

// Faults are the names of the connection faults, as outcomes name them.
func Faults() []string { return slices.Clone(faults) }

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
	// Steps are never changed once loaded, so the operations of a
	// scenario share one (same).
	names := spec.OperationNames() // sorted
	everyOp := func(o Outcome) *Scenario {
		return &Scenario{Source: "builtin", same: single(o), sameOps: names}
	}
	success := everyOp(Outcome{Fixture: "success"})
	success.Name, success.Description = ScenarioSuccess, "Always the success fixture, with no validation."
	out := []*Scenario{
		{Name: ScenarioDefault, Source: "builtin", Throttle: true, Description: "Realistic validation against the spec and its rules, rate limits enforced, then the success fixture."},
		success,
	}
	byCode := map[string]*Scenario{}
	onEvery := map[string]bool{} // common codes: their scenarios list every operation already
	var codes []string
	for _, d := range spec.CommonErrors() {
		sc := everyOp(Outcome{Error: d.Code})
		sc.Name = d.Code
		byCode[d.Code] = sc
		onEvery[d.Code] = true
		codes = append(codes, d.Code)
	}
	for _, name := range names {
		for _, d := range spec.Summary(name).Errors() { // the index has them: nothing is loaded
			sc := byCode[d.Code]
			if sc == nil {
				sc = &Scenario{Name: d.Code, Source: "builtin", same: single(Outcome{Error: d.Code})}
				byCode[d.Code] = sc
				codes = append(codes, d.Code)
			}
			if n := len(sc.sameOps); !onEvery[d.Code] && (n == 0 || sc.sameOps[n-1] != name) {
				sc.sameOps = append(sc.sameOps, name) // in names' order: sorted
			}
		}
	}
	for _, c := range codes {
		sc := byCode[c]
		d, _ := spec.ErrorDef(nil, c)
		if _, common := spec.Common[c]; common {
			sc.Description = fmt.Sprintf("Every operation answers %d %s.", d.Status, c)
		} else {
			sc.Description = fmt.Sprintf("%s answer %s; other operations behave as default.", strings.Join(sc.sameOps, ", "), c)
		}
		out = append(out, sc)
	}
	for _, f := range faults {
		sc := everyOp(Outcome{Fault: f})
		sc.Name, sc.Description = "fault:"+f, faultDescriptions[f]
		out = append(out, sc)
	}
	return out
}
