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
