package tasks

import "testing"

// A panic while the store's lock is held (a bug) releases it, so later
// calls, the writer and Close do not stall; a release by hand followed by
// the deferred one unlocks once.
func TestLockReleasedByAPanic(t *testing.T) {
	ts := openTestStore(t, "", 0)
	func() {
		defer func() { _ = recover() }()
		l := ts.lock()
		defer l.release()
		panic("a bug while the lock is held")
	}()
	if !ts.mu.TryLock() {
		t.Fatal("the lock is still held after a panic")
	}
	ts.mu.Unlock()
	func() {
		l := ts.lock()
		defer l.release() // after the release below: does nothing
		l.release()
	}()
	if !ts.mu.TryLock() {
		t.Fatal("the lock is held after a release by hand and its defer")
	}
	ts.mu.Unlock()
}
