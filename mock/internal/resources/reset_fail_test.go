package resources

import (
	"errors"
	"testing"
)

// A --state write that fails during an admin reset refuses later calls,
// as a failed write of a call does: memory forgot items the file may
// still hold.
func TestFailedResetWriteRefusesLaterCalls(t *testing.T) {
	sp := shippedSpec(t)
	f := &memFile{buckets: map[string]map[string][]byte{}}
	s, err := Open(f)
	if err != nil {
		t.Fatal(err)
	}
	if code := try(s, sp, "A", "AddCdnDomain", "DomainName", "kept.example.com", "CdnType", "web", "Sources", src); code != "" {
		t.Fatal(code)
	}
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
