package mock

import (
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
// costs a map lookup by the spec's operation name, one by the answered
// code within that operation, and an atomic add: no lock, and no state
// keyed by what a client sends.

// coverageTable is the server's counters.
type coverageTable struct {
	ops    []coverageOp
	byName map[string]int // operation name → index in ops
	counts []atomic.Int64 // every operation's slots, one after the other
}

type coverageOp struct {
	action      string
	first       int            // index of its first slot in counts
	slots       []coverageSlot // in report order
	byCode      map[string]int // error code → slot, relative to first
	faultAt     int            // the first fault's slot, relative to first
	nDocumented int
}

type coverageSlot struct {
	outcome string
	status  int
}

const outcomeSuccess = "success"

func newCoverage(sp *Spec) *coverageTable {
	t := &coverageTable{byName: make(map[string]int, len(sp.Names))}
	n := 0
	for _, name := range sp.OperationNames() {
		op := sp.Summary(name) // its errors and rate: nothing is loaded
		c := coverageOp{action: name, first: n, byCode: map[string]int{}}
		c.slots = append(c.slots, coverageSlot{outcomeSuccess, 200})
		for _, d := range op.Errors() {
			c.byCode[d.Code] = len(c.slots)
			c.slots = append(c.slots, coverageSlot{d.Code, d.Status})
		}
		if _, own := c.byCode[contract.CodeThrottlingUser]; !own && op.RateLimit > 0 {
			d := sp.Common[contract.CodeThrottlingUser]
			c.byCode[d.Code] = len(c.slots)
			c.slots = append(c.slots, coverageSlot{d.Code, d.Status})
		}
		c.nDocumented, c.faultAt = len(c.slots), len(c.slots)
		for _, f := range scenario.Faults() {
			c.slots = append(c.slots, coverageSlot{"fault:" + f, 0})
		}
		n += len(c.slots)
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
	if j, ok := op.byCode[outcome]; ok {
		return op.first + j
	}
	for j := op.faultAt; j < len(op.slots); j++ {
		if op.slots[j].outcome == outcome {
			return op.first + j
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
			if j >= op.nDocumented && n == 0 {
				continue // a fault is listed once served
			}
			co.Outcomes = append(co.Outcomes, adminapi.CoverageOutcome{Outcome: sl.outcome, Status: sl.status, Count: n})
			if j < op.nDocumented {
				r.Total++
				if n > 0 {
					r.Covered++
				}
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
