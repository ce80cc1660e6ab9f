package resources

import (
	"errors"
	"testing"
)

// A --state write that fails during an admin reset refuses later calls,
// as a failed write of a call does: memory forgot items the file may
// still hold.
func TestFailedResetWriteRefusesLaterCalls(t *testing.T) {
	s, f, sp := storeWithADomain(t)
	f.fail = errors.New("disk full")
	account := "A"
	if _, err := s.Reset(&account, "domain"); err == nil {
		t.Fatal("the reset's failed write was not reported")
	}
	f.fail = nil
	if code := try(s, sp, "A", "DescribeUserDomains"); code != "Mock.StateError" {
		t.Errorf("a call after the failed reset: %q, want Mock.StateError", code)
	}
}
