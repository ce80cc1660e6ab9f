package tasks

import (
	"errors"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Other stores (package resources) keep their state in the same --state
// file, through the same group commit: their writes join the pending
// batch, so a create answered 200 is on disk whatever store made it, and
// concurrent writers of every store share one fsync.

// RawWrite is one write of another store, in its own bucket: Value under
// Key, or Key removed when Value is nil, or, with Reset, the bucket emptied.
type RawWrite struct {
	Bucket string
	Key    []byte
	Value  []byte
	Reset  bool
}

func (w *RawWrite) apply(tx *bolt.Tx) error {
	name := []byte(w.Bucket)
	if w.Reset {
		if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
	}
	b, err := tx.CreateBucketIfNotExists(name)
	if err != nil || w.Reset {
		return err
	}
	if w.Value == nil {
		return b.Delete(w.Key)
	}
	return b.Put(w.Key, w.Value)
}

// QueueRaw queues writes for the next commit and returns a function that
// waits until they are on disk (nil without a file). Call it while
// holding the lock that orders your store's changes, and wait after
// releasing it, as the task store does itself.
func (ts *Store) QueueRaw(ws ...RawWrite) func() error {
	ops := make([]fileOp, len(ws))
	for i := range ws {
		ops[i] = fileOp{raw: &ws[i]}
	}
	l := ts.lock()
	defer l.release()
	b := ts.queue(ops...)
	l.release()
	return func() error { return ts.commit(b) }
}

// LoadRaw calls fn for each key of a bucket of the --state file, in key
// order, at startup; nothing without a file or a bucket.
func (ts *Store) LoadRaw(bucket string, fn func(k, v []byte) error) error {
	if ts.db == nil {
		return nil
	}
	return ts.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucket))
		if b == nil {
			return nil
		}
		return b.ForEach(fn)
	})
}
