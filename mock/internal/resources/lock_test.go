package resources

import "testing"

// A panic while the store's lock is held (a bug, which the server answers
// 500) must release it, or every later call would hang; a release by hand
// followed by the deferred one must not unlock twice.
func TestLockReleasedByAPanic(t *testing.T) {
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() { _ = recover() }()
		unlock := s.lock()
		defer unlock()
		panic("a bug while the lock is held")
	}()
	if !s.mu.TryLock() {
		t.Fatal("the lock is still held after a panic")
	}
	s.mu.Unlock()

	func() {
		unlock := s.lock()
		defer unlock() // after the release below: does nothing
		unlock()
	}()
	if !s.mu.TryLock() {
		t.Fatal("the lock is held after a release by hand and its defer")
	}
	s.mu.Unlock()
}

// A panic in the middle of a change frees the lock and refuses every later
// call (memory may be half changed), and the panic goes on to the server.
func TestPanicInAChangeRefusesLaterCalls(t *testing.T) {
	sp := shippedSpec(t)
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	var repanicked any
	func() {
		defer func() { repanicked = recover() }()
		unlock := s.lock()
		defer s.release(unlock)
		panic("a bug halfway through a change")
	}()
	if repanicked == nil {
		t.Error("release swallowed the panic")
	}
	if !s.mu.TryLock() {
		t.Fatal("the lock is still held after a panic")
	}
	s.mu.Unlock()
	op := sp.Operation("DescribeUserDomains")
	if _, apiErr := s.Apply(Call{Spec: sp, Op: op, Account: "A", Params: op.StateParams(nil), Now: listT0}); apiErr == nil || apiErr.Code != "Mock.StateError" {
		t.Errorf("a call after the panic: %v, want Mock.StateError", apiErr)
	}
}
