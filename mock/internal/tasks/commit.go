package tasks

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// commitBatch is the file writes of one commit, in the order they were
// made in memory.
type commitBatch struct {
	ops  []fileOp
	seq  uint64 // the largest id given in the batch, 0 if none
	done chan struct{}
	err  error // set before done is closed
}

// fileOp is one write: store put, or drop the task with Seq del, or, with
// reset, drop every task; or, with raw, another store's write (raw.go).
type fileOp struct {
	put   *Task
	del   uint64
	reset bool
	raw   *RawWrite
}

func newBatch() *commitBatch { return &commitBatch{done: make(chan struct{})} }

// queue adds file writes to the pending batch, wakes the writer and
// returns the batch, or nil without a file. Called with mu held.
func (ts *Store) queue(ops ...fileOp) *commitBatch {
	switch {
	case ts.db == nil:
		return nil
	case ts.closing:
		b := newBatch()
		b.err = bolterrors.ErrDatabaseNotOpen
		close(b.done)
		return b
	}
	select {
	case ts.wake <- struct{}{}:
	default: // already woken: it will take this batch
	}
	b := ts.pending
	b.ops = append(b.ops, ops...)
	if ts.queued != nil {
		ts.queued()
	}
	for _, op := range ops {
		if op.put != nil {
			b.seq = max(b.seq, op.put.Seq)
		}
	}
	return b
}

// commit waits until b, if any, is on disk.
func (ts *Store) commit(b *commitBatch) error {
	if b == nil {
		return nil
	}
	<-b.done
	return b.err
}

// write is the one goroutine that writes the file: each time it is woken,
// it takes the pending batch, commits it in one transaction (one fsync)
// and wakes its callers; what they queue meanwhile waits for the next
// round. Once the store is closing, it writes what is left and closes the
// file.
func (ts *Store) write() {
	defer close(ts.stopped)
	for range ts.wake {
		ts.mu.Lock()
		b, closing := ts.pending, ts.closing
		ts.pending = newBatch()
		ts.mu.Unlock()
		if len(b.ops) > 0 {
			b.err = ts.db.Update(func(tx *bolt.Tx) error { return b.apply(tx) })
		}
		close(b.done)
		if closing {
			_ = ts.db.Close()
			return
		}
	}
}

// apply makes the batch's writes in tx, in order.
func (b *commitBatch) apply(tx *bolt.Tx) error {
	tasks := tx.Bucket(bucketTasks)
	for _, op := range b.ops {
		var err error
		switch {
		case op.raw != nil:
			err = op.raw.apply(tx)
		case op.reset:
			if err = tx.DeleteBucket(bucketTasks); err == nil {
				tasks, err = tx.CreateBucket(bucketTasks)
			}
		case op.put != nil:
			var data []byte
			if data, err = json.Marshal(op.put); err == nil { // tasks never change once stored
				err = tasks.Put(seqKey(op.put.Seq), data)
			}
		default:
			err = tasks.Delete(seqKey(op.del))
		}
		if err != nil {
			return err
		}
	}
	if b.seq == 0 {
		return nil
	}
	return tx.Bucket(bucketMeta).Put(keySeq, seqKey(b.seq))
}

// Close releases the state file once what was queued is on disk; later
// writes fail, reads still work.
func (ts *Store) Close() {
	ts.closed.Do(func() {
		if ts.db == nil {
			return
		}
		ts.mu.Lock()
		ts.closing = true
		select {
		case ts.wake <- struct{}{}:
		default:
		}
		ts.mu.Unlock()
		<-ts.stopped
	})
}
