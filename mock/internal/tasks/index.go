package tasks

import "slices"

// The store's indexes (byFamily, byToken, order) change together: these
// helpers drop a task from all three.

// unlink forgets t, which is at index i of its family's list. Called with
// mu held.
func (ts *Store) unlink(t *Task, i int) {
	k := familyKey{t.Account, t.Family}
	list := ts.byFamily[k]
	if i == 0 {
		list = ts.dropOldest(list)
	} else {
		list = slices.Delete(list, i, i+1)
		delete(ts.byToken, t.token)
		ts.order.Remove(&t.in)
	}
	ts.keepList(k, list)
}

// dropOldest forgets list[0] and returns the rest of the list, which the
// caller stores. Called with mu held.
func (ts *Store) dropOldest(list []*Task) []*Task {
	t := list[0]
	delete(ts.byToken, t.token)
	ts.order.Remove(&t.in)
	// Reslice rather than shift: append's growth copies the list only now
	// and then, so dropping the oldest is O(1) amortized.
	list[0] = nil // let the Task be collected
	return list[1:]
}

// keepList stores a family's list after a change; an emptied one is
// removed. Called with mu held.
func (ts *Store) keepList(k familyKey, list []*Task) {
	if len(list) == 0 {
		delete(ts.byFamily, k) // accounts come and go: keep no empty entries
	} else {
		ts.byFamily[k] = list
	}
}
