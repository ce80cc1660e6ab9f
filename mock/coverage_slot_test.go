package mock

import (
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"
)

// outcomeAt is the outcome counted at index i of counts, found by walking
// the layout rather than by the binary search slot uses.
func (t *coverageTable) outcomeAt(i int) string {
	for _, op := range t.ops {
		if i < op.first || i >= op.first+len(op.slots)+len(t.faults) {
			continue
		}
		if j := i - op.first; j < len(op.slots) {
			return op.slots[j].outcome
		}
		return t.faults[i-op.first-len(op.slots)].outcome
	}
	return ""
}

// Every outcome the shipped spec documents for an operation is counted in
// its own slot: a code the binary search misses (an index out of order, a
// slot off by one) would leave the coverage report short with no error.
func TestCoverageSlotOfEveryOutcome(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	sp, cov := s.Spec(), s.coverage
	checked := 0
	for _, name := range sp.OperationNames() {
		op := sp.Summary(name)
		want := []string{outcomeSuccess}
		for _, d := range op.Errors() {
			want = append(want, d.Code)
		}
		if _, own := op.Documents(contract.CodeThrottlingUser); !own && op.RateLimit > 0 {
			want = append(want, contract.CodeThrottlingUser)
		}
		for _, f := range scenario.Faults() {
			want = append(want, "fault:"+f)
		}
		for _, code := range want {
			i := cov.slot(name, code)
			if i < 0 {
				t.Errorf("%s %s: no slot", name, code)
				continue
			}
			if got := cov.outcomeAt(i); got != code {
				t.Errorf("%s %s: slot %d counts %q", name, code, i, got)
			}
			checked++
		}
	}
	if checked < len(sp.OperationNames())*6 {
		t.Fatalf("only %d outcomes checked", checked)
	}
	if i := cov.slot("CreateUserUsageDataExportTask", "NoSuchCode"); i != -1 {
		t.Errorf("an undocumented code has slot %d", i)
	}
}
