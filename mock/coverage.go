package mock

import (
	"slices"
	"strings"
	"sync/atomic"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/glob"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"
)

// Outcome coverage: how often each documented outcome of each operation
// was served. The counters are one fixed array, laid out once when the
// server is made, from the spec alone (success, each documented code, the
// throttling code where the operation has a rate, then each fault). A
// reload reads scenarios and fixtures again, never another spec, so the
// same table serves throughout and a reset is never undone. A request
// costs a map lookup by the spec's operation name, a binary search of the
// answered code among that operation's (a map per operation would hold
// most of the table's bytes), and an atomic add: no lock, and no state
// keyed by what a client sends.

// coverageTable is the server's counters.
type coverageTable struct {
	ops    []coverageOp
	byName map[string]int // operation name → index in ops
	faults []coverageSlot // every operation's last slots, after its own
	counts []atomic.Int64 // every operation's slots, one after the other
}

type coverageOp struct {
	action string
	first  int            // index of its first slot in counts
	slots  []coverageSlot // its documented outcomes, in report order
	byCode []int          // indexes in slots of its codes, sorted by code
}

type coverageSlot struct {
	outcome string
	status  int
}

const outcomeSuccess = "success"

func newCoverage(sp *Spec) *coverageTable {
	t := &coverageTable{byName: make(map[string]int, len(sp.Names)), ops: make([]coverageOp, 0, len(sp.Names))}
	for _, f := range scenario.Faults() {
		t.faults = append(t.faults, coverageSlot{"fault:" + f, 0})
	}
	n := 0
	for _, name := range sp.OperationNames() {
		op := sp.Summary(name) // its errors and rate: nothing is loaded
		errs := op.Errors()
		_, own := op.Documents(contract.CodeThrottlingUser)
		throttled := !own && op.RateLimit > 0
		c := coverageOp{action: name, first: n, slots: make([]coverageSlot, 0, 1+len(errs)+1)}
		c.slots = append(c.slots, coverageSlot{outcomeSuccess, 200})
		for _, d := range errs {
			c.slots = append(c.slots, coverageSlot{d.Code, d.Status})
		}
		if throttled {
			d := sp.Common[contract.CodeThrottlingUser]
			c.slots = append(c.slots, coverageSlot{d.Code, d.Status})
		}
		c.slots = slices.Clip(c.slots)
		c.byCode = make([]int, len(c.slots)-1)
		for i := range c.byCode {
			c.byCode[i] = i + 1
		}
		slices.SortStableFunc(c.byCode, func(i, j int) int { return strings.Compare(c.slots[i].outcome, c.slots[j].outcome) })
		n += len(c.slots) + len(t.faults)
		t.byName[name] = len(t.ops)
		t.ops = append(t.ops, c)
	}
	t.counts = make([]atomic.Int64, n)
	return t
}

// slot is the counter of an operation's outcome, or -1 when the operation
// does not document it (a common code, a mock's own error).
func (t *coverageTable) slot(action, outcome string) int {
	i, ok := t.byName[action]
	if !ok {
		return -1
	}
	op := &t.ops[i]
	if outcome == outcomeSuccess {
		return op.first
	}
	if j, ok := slices.BinarySearchFunc(op.byCode, outcome, func(j int, code string) int {
		return strings.Compare(op.slots[j].outcome, code)
	}); ok {
		return op.first + op.byCode[j]
	}
	for j, f := range t.faults {
		if f.outcome == outcome {
			return op.first + len(op.slots) + j
		}
	}
	return -1
}

// count adds one served answer of the exchange, if it is an outcome of
// its operation. A request the client left before the answer counts as
// nothing.
func (t *coverageTable) count(x *exchange, status int) {
	if x.op == nil {
		return
	}
	var outcome string
	switch {
	case x.err != nil:
		outcome = x.err.Code
	case x.outcome.Fault != "":
		outcome = "fault:" + x.outcome.Fault
	case status == 200:
		outcome = outcomeSuccess
	default:
		return
	}
	if i := t.slot(x.op.Name, outcome); i >= 0 {
		t.counts[i].Add(1)
	}
}

func (t *coverageTable) reset() {
	for i := range t.counts {
		t.counts[i].Store(0)
	}
}

// report lists the operations whose names match pattern, a glob ("" for all).
func (t *coverageTable) report(pattern string) adminapi.CoverageReport {
	r := adminapi.CoverageReport{Operations: []adminapi.CoverageOperation{}}
	for _, op := range t.ops {
		if pattern != "" && !glob.Match(pattern, op.action) {
			continue
		}
		co := adminapi.CoverageOperation{Action: op.action, Outcomes: []adminapi.CoverageOutcome{}}
		for j, sl := range op.slots {
			n := t.counts[op.first+j].Load()
			co.Outcomes = append(co.Outcomes, adminapi.CoverageOutcome{Outcome: sl.outcome, Status: sl.status, Count: n})
			r.Total++
			if n > 0 {
				r.Covered++
			}
		}
		for j, sl := range t.faults {
			if n := t.counts[op.first+len(op.slots)+j].Load(); n > 0 { // a fault is listed once served
				co.Outcomes = append(co.Outcomes, adminapi.CoverageOutcome{Outcome: sl.outcome, Status: sl.status, Count: n})
			}
		}
		r.Operations = append(r.Operations, co)
	}
	return r
}

// Coverage reports every documented outcome of the operations whose names
// match glob (* and ?; "" for all) and how often each was served since the
// start or the last ResetCoverage.
func (s *Server) Coverage(glob string) adminapi.CoverageReport {
	return s.coverage.report(glob)
}

// ResetCoverage sets every outcome's count back to zero.
func (s *Server) ResetCoverage() { s.coverage.reset() }
