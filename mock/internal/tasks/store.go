package tasks

import (
	"cmp"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
)

// Task statuses, as the API spells them.
const (
	StatusCreated = "created"
	StatusSuccess = "success"
	StatusFailed  = "failed"
)

// taskWindowMonths is how far back lists reach: the API lists the tasks of
// the last three months.
const taskWindowMonths = 3

// maxTasksPerFamily is the per-account cap: an account keeps its newest
// 1000 tasks of each family; a create beyond that drops the oldest, as if
// it had expired.
const maxTasksPerFamily = 1000

// maxTasks bounds the whole store, whoever creates: without --credentials
// every new access key is a new account, so the per-account cap alone
// bounds nothing. A create beyond it drops the oldest task of the server,
// whichever account it belongs to. A task takes 1-2 KB of memory (its
// values cut to ValueBytes: at most about 8 KB besides the access
// key id), and
// about as much in the --state file.
const maxTasks = 10000

// compactMinBytes: a --state file smaller than this is never compacted.
const compactMinBytes = 1 << 20

// Task is one export task as the store keeps it (and as --state writes it).
type Task struct {
	ID      string            `json:"id"`  // the TaskId: Seq in decimal
	Seq     uint64            `json:"seq"` // unique for the server, across restarts with --state
	Account string            `json:"account"`
	Family  string            `json:"family"`
	Report  string            `json:"report"` // what its download serves: a key of reports
	Name    string            `json:"name"`
	Start   string            `json:"start"` // the period, as the request gave it
	End     string            `json:"end"`
	Params  map[string]string `json:"params"` // the create's declared parameters, defaults filled
	Created time.Time         `json:"created"`
	Done    time.Time         `json:"done"`    // when it finishes, by the server's clock
	Outcome string            `json:"outcome"` // how it finishes: success or failed
	Token   string            `json:"token"`   // the secret part of its download URL

	older, newer *Task // neighbours in the store's creation order (Store.oldest)
}

// Status is the task's status at now: created until Done, then its outcome.
func (t *Task) Status(now time.Time) string {
	if now.Before(t.Done) {
		return StatusCreated
	}
	return t.Outcome
}

// Visible reports whether lists show the task at now: made within the
// last three months.
func (t *Task) Visible(now time.Time) bool {
	return !t.Created.Before(now.AddDate(0, -taskWindowMonths, 0))
}

// View is the task as the API shows it at now; base is the scheme and host
// the request came in on, where its download is served.
func (t *Task) View(now time.Time, base string) fixture.TaskView {
	created := t.Created.UTC().Format(contract.TimeLayout) // once: it is both times until the task is done
	v := fixture.TaskView{
		TaskId: t.ID, TaskName: t.Name, Status: t.Status(now),
		CreateTime: created, UpdateTime: created,
		TaskConfig: fixture.TaskConfigView{StartTime: t.Start, EndTime: t.End},
	}
	if v.Status != StatusCreated {
		v.UpdateTime = t.Done.UTC().Format(contract.TimeLayout)
	}
	if v.Status == StatusSuccess {
		v.DownloadUrl = base + DownloadPath(t.Token)
	}
	return v
}

// DownloadPath is where the admin API serves the file of the task with
// this download token.
func DownloadPath(token string) string { return adminapi.Prefix + "/downloads/" + token }

// Store keeps every task, in memory and, with Config.StatePath, in a
// bbolt file. All methods are safe for concurrent use.
//
// Writes to the file are group-committed: a create or delete changes the
// memory and queues its file write under mu, then waits, outside mu, for
// the batch holding its write to be committed (fsync) by the writer
// goroutine (write). While one batch is on its way to disk the next one
// fills up, so concurrent creates share an fsync instead of queueing for
// the lock. A create answers only once its batch is committed, so kill -9
// right after loses nothing; a concurrent list may show a task a moment
// before it is on disk.
type Store struct {
	mu       sync.RWMutex
	byFamily map[familyKey][]*Task // oldest first; an emptied list is removed
	byToken  map[string]*Task
	oldest   *Task // every Task in creation (Seq) order, linked by newer
	newest   *Task
	n, limit int // tasks kept, and at most (maxTasks)
	seq      *atomic.Uint64
	duration time.Duration // how long a new Task takes

	db      *bolt.DB      // nil: memory only
	pending *commitBatch  // file writes queued, in the order mu saw them
	wake    chan struct{} // tells write there is a batch (capacity 1)
	closing bool          // set by close: no more writes are queued
	stopped chan struct{} // closed once write has closed the file
	closed  sync.Once
	queued  func() // tests: called, under mu, once a write is queued
}

type familyKey struct{ account, family string }

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

var (
	bucketTasks = []byte("tasks") // big-endian Seq → JSON Task
	bucketMeta  = []byte("meta")
	keyVersion  = []byte("version")
	keySeq      = []byte("seq") // the last id given, so ids of deleted tasks never come back
)

const stateVersion = "1"

// Open opens the task store: in memory, or the bbolt file at statePath
// (--state), whose tasks it loads. Tasks take duration to finish. seq is
// the server's task id counter; it is moved past every id loaded, so ids
// never repeat.
func Open(statePath string, duration time.Duration, seq *atomic.Uint64) (*Store, error) {
	return openStore(statePath, duration, seq, maxTasks)
}

// openStore is Open keeping at most limit tasks. A file holding
// more (written with a larger bound) loses its oldest at open; a file that
// is half free space or more is compacted (compact).
func openStore(statePath string, duration time.Duration, seq *atomic.Uint64, limit int) (*Store, error) {
	ts := &Store{byFamily: map[familyKey][]*Task{}, byToken: map[string]*Task{}, seq: seq, duration: duration,
		limit: limit, pending: newBatch()}
	if statePath == "" {
		return ts, nil
	}
	db, err := bolt.Open(statePath, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("--state %s: the file is in use by another process (another cdnmock?)", statePath)
	}
	if err != nil {
		return nil, fmt.Errorf("--state %s: %v", statePath, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		switch v := meta.Get(keyVersion); {
		case v == nil:
			if err := meta.Put(keyVersion, []byte(stateVersion)); err != nil {
				return err
			}
		case string(v) != stateVersion:
			return fmt.Errorf("written by another version of cdnmock (state format %s, this one reads %s); remove it or use another path", v, stateVersion)
		}
		if v := meta.Get(keySeq); len(v) == 8 && binary.BigEndian.Uint64(v) > seq.Load() {
			seq.Store(binary.BigEndian.Uint64(v)) // nothing else uses seq before New returns
		}
		b, err := tx.CreateBucketIfNotExists(bucketTasks)
		if err != nil {
			return err
		}
		var loaded []*Task
		if err := b.ForEach(func(k, v []byte) error {
			t := &Task{}
			if err := json.Unmarshal(v, t); err != nil {
				return fmt.Errorf("task %x: %v", k, err)
			}
			loaded = append(loaded, t)
			return nil
		}); err != nil {
			return err
		}
		var evicted []*Task
		for _, t := range loaded { // in Seq order: the keys are big-endian
			evicted = append(evicted, ts.insert(t)...)
			if t.Seq > seq.Load() { // nothing else uses seq before New returns
				seq.Store(t.Seq)
			}
		}
		for _, t := range evicted { // after ForEach: bbolt forbids changes during it
			if err := b.Delete(seqKey(t.Seq)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("--state %s: %v", statePath, err)
	}
	ts.db, err = compact(db, statePath)
	if err != nil {
		return nil, fmt.Errorf("--state %s: compacting: %v", statePath, err)
	}
	ts.wake, ts.stopped = make(chan struct{}, 1), make(chan struct{})
	go ts.write()
	return ts, nil
}

// compact rewrites the file at path when free pages make up half of it or
// more: bbolt reuses freed pages but never shrinks its file, so after
// deletes or a reset the file would stay at its largest size for good.
// It copies the live data into path+".compact" (bolt.Compact), syncs it
// and renames it over path, so a crash at any point leaves one whole file
// at path. The copy is opened, and so locked, before the rename, and is
// the database the store goes on with: no other process can slip in.
func compact(db *bolt.DB, path string) (*bolt.DB, error) {
	tmp := path + ".compact"
	_ = os.Remove(tmp) // left by a compaction that was killed; we hold path's lock, so it is ours
	fi, err := os.Stat(path)
	if err != nil || fi.Size() < compactMinBytes || int64(db.Stats().FreeAlloc)*2 < fi.Size() {
		return db, nil
	}
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	err = bolt.Compact(dst, db, 4<<20)
	if err == nil {
		err = dst.Sync() // NoSync above: one fsync for the whole copy, before it replaces path
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = dst.Close()
		_ = os.Remove(tmp)
		_ = db.Close()
		return nil, err
	}
	dst.NoSync = false
	_ = db.Close()
	if d, err := os.Open(filepath.Dir(path)); err == nil { // make the rename durable
		_ = d.Sync()
		_ = d.Close()
	}
	return dst, nil
}

func newBatch() *commitBatch { return &commitBatch{done: make(chan struct{})} }

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// insert indexes t, the newest task, and returns the tasks it pushed out:
// the account's oldest of the family beyond maxTasksPerFamily, then the
// store's oldest beyond its limit. O(1) amortized. Called with mu held.
func (ts *Store) insert(t *Task) (evicted []*Task) {
	k := familyKey{t.Account, t.Family}
	if list := ts.byFamily[k]; len(list) >= maxTasksPerFamily {
		evicted = append(evicted, list[0])
		ts.unlink(list[0], 0)
	}
	for ts.n >= ts.limit && ts.oldest != nil {
		e := ts.oldest // the oldest of all is the oldest of its family: index 0
		evicted = append(evicted, e)
		ts.unlink(e, 0)
	}
	ts.byFamily[k] = append(ts.byFamily[k], t)
	ts.byToken[t.Token] = t
	t.older, t.newer = ts.newest, nil
	if ts.newest != nil {
		ts.newest.newer = t
	} else {
		ts.oldest = t
	}
	ts.newest = t
	ts.n++
	return evicted
}

// unlink forgets t, which is at index i of its family's list. Called with
// mu held.
func (ts *Store) unlink(t *Task, i int) {
	k := familyKey{t.Account, t.Family}
	list := ts.byFamily[k]
	if i == 0 {
		// Reslice rather than shift: append's growth copies the list only
		// now and then, so dropping the oldest is O(1) amortized.
		list[0] = nil // let the Task be collected
		list = list[1:]
	} else {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(ts.byFamily, k) // accounts come and go: keep no empty entries
	} else {
		ts.byFamily[k] = list
	}
	delete(ts.byToken, t.Token)
	if t.older != nil {
		t.older.newer = t.newer
	} else {
		ts.oldest = t.newer
	}
	if t.newer != nil {
		t.newer.older = t.older
	} else {
		ts.newest = t.older
	}
	t.older, t.newer = nil, nil
	ts.n--
}

// indexOf finds the task with that Seq in a family's list: lists are in
// Seq order.
func indexOf(list []*Task, seq uint64) int {
	i, ok := slices.BinarySearchFunc(list, seq, func(t *Task, s uint64) int { return cmp.Compare(t.Seq, s) })
	if !ok {
		return -1
	}
	return i
}

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

// create gives t its id and download token and stores it, dropping the
// account's oldest task of the family beyond maxTasksPerFamily and the
// store's oldest beyond its limit; with a state file, the write is
// committed before it returns.
func (ts *Store) create(t *Task) error {
	var tok [16]byte
	_, _ = rand.Read(tok[:]) // never fails (crypto/rand)
	t.Token = hex.EncodeToString(tok[:])
	ts.mu.Lock()
	t.Seq = ts.seq.Add(1) // under the lock: ids grow in the order tasks are stored
	t.ID = strconv.FormatUint(t.Seq, 10)
	evicted := ts.insert(t)
	ops := make([]fileOp, 0, len(evicted)+1)
	for _, e := range evicted {
		ops = append(ops, fileOp{del: e.Seq})
	}
	b := ts.queue(append(ops, fileOp{put: t})...)
	ts.mu.Unlock()
	if err := ts.commit(b); err != nil {
		// Not on disk, so not answered: forget it here too. (What it
		// evicted stays evicted in memory, and comes back on restart.)
		ts.mu.Lock()
		if i := indexOf(ts.byFamily[familyKey{t.Account, t.Family}], t.Seq); i >= 0 {
			ts.unlink(t, i)
		}
		ts.mu.Unlock()
		return err
	}
	return nil
}

// list returns the account's tasks of the family that lists show at now,
// newest first.
func (ts *Store) list(account, family string, now time.Time) []*Task {
	ts.mu.RLock()
	var out []*Task
	for _, t := range ts.byFamily[familyKey{account, family}] {
		if t.Visible(now) {
			out = append(out, t)
		}
	}
	ts.mu.RUnlock()
	sortNewestFirst(out)
	return out
}

// delete removes the account's task of the family with that id, if lists
// show it at now, and reports whether there was one.
func (ts *Store) delete(account, family, id string, now time.Time) (bool, error) {
	seq, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return false, nil
	}
	ts.mu.Lock()
	k := familyKey{account, family}
	i := indexOf(ts.byFamily[k], seq)
	if i < 0 || ts.byFamily[k][i].ID != id || !ts.byFamily[k][i].Visible(now) { // ID: "0100001" is not 100001
		ts.mu.Unlock()
		return false, nil
	}
	t := ts.byFamily[k][i]
	ts.unlink(t, i)
	b := ts.queue(fileOp{del: t.Seq})
	ts.mu.Unlock()
	if err := ts.commit(b); err != nil {
		return false, err
	}
	return true, nil
}

// ByDownload finds the task a download token belongs to.
func (ts *Store) ByDownload(token string) *Task {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	return ts.byToken[token]
}

// All returns every task, per account, newest first; for the admin API.
func (ts *Store) All() map[string][]*Task {
	ts.mu.RLock()
	out := map[string][]*Task{}
	for k, list := range ts.byFamily {
		out[k.account] = append(out[k.account], list...)
	}
	ts.mu.RUnlock()
	for _, list := range out {
		sortNewestFirst(list)
	}
	return out
}

// Reset forgets every task, on disk too.
func (ts *Store) Reset() error {
	ts.mu.Lock()
	ts.byFamily, ts.byToken = map[familyKey][]*Task{}, map[string]*Task{}
	ts.oldest, ts.newest, ts.n = nil, nil, 0
	b := ts.queue(fileOp{reset: true})
	ts.mu.Unlock()
	return ts.commit(b)
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
