package tasks

import (
	"cmp"
	crand "crypto/rand"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fifo"
)

// maxTasksPerFamily is the per-account cap: an account keeps its newest
// 1000 tasks of each family; a create beyond that drops the oldest, as if
// it had expired.
const maxTasksPerFamily = 1000

// maxTasks bounds the whole store, whoever creates: without --credentials
// every new access key is a new account, so the per-account cap alone
// bounds nothing. A create beyond it drops the oldest task of the server,
// whichever account it belongs to. A task takes about 1 KB of memory
// (docs/hardening.md; its values cut to ValueBytes: at most about 8 KB
// besides the access key id), and about as much in the --state file.
const maxTasks = 10000

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
	order    *fifo.List[*Task] // every Task in creation (Seq) order, at most maxTasks
	seq      *atomic.Uint64
	duration time.Duration // how long a new Task takes
	// rng makes download tokens. ChaCha8 is a cryptographically strong
	// generator: seeded from crypto/rand, its output cannot be told from
	// random nor predicted from the tokens it gave, so a token is as
	// unguessable as one read from crypto/rand, without a getrandom call
	// per task. Guarded by mu.
	rng         *rand.ChaCha8
	createTimes createTimeCache // the CreateTime of the last second's creates; guarded by mu

	db      *bolt.DB      // nil: memory only
	pending *commitBatch  // file writes queued, in the order mu saw them
	wake    chan struct{} // tells write there is a batch (capacity 1)
	closing bool          // set by close: no more writes are queued
	stopped chan struct{} // closed once write has closed the file
	closed  sync.Once
	queued  func() // tests: called, under mu, once a write is queued
}

type familyKey struct{ account, family string }

// Open opens the task store: in memory, or the bbolt file at statePath
// (--state), whose tasks it loads. Tasks take duration to finish. seq is
// the server's task id counter; it is moved past every id loaded, so ids
// never repeat.
func Open(statePath string, duration time.Duration, seq *atomic.Uint64) (*Store, error) {
	return openStore(statePath, duration, seq, maxTasks)
}

// openStore is Open keeping at most limit tasks.
func openStore(statePath string, duration time.Duration, seq *atomic.Uint64, limit int) (*Store, error) {
	var seed [32]byte
	_, _ = crand.Read(seed[:]) // never fails
	ts := &Store{byFamily: map[familyKey][]*Task{}, byToken: map[string]*Task{}, seq: seq, duration: duration,
		order: fifo.New[*Task](limit), rng: rand.NewChaCha8(seed), pending: newBatch()}
	if statePath == "" {
		return ts, nil
	}
	if err := ts.openFile(statePath); err != nil {
		return nil, err
	}
	return ts, nil
}

// insert indexes t, the newest task, and returns the tasks it pushed out
// (appended to evicted): the account's oldest of the family beyond
// maxTasksPerFamily, then the store's oldest beyond its limit. O(1)
// amortized: the family's list is looked up and stored once, whatever it
// evicts. An eviction that does not shrink the store is a bug of the
// store: insert stops with an error, leaving t out, rather than loop.
// Called with mu held.
func (ts *Store) insert(t *Task, evicted []*Task) ([]*Task, error) {
	k := familyKey{t.Account, t.Family}
	list := ts.byFamily[k]
	if len(list) > 0 {
		// One copy of the account's key id for all its tasks: each call
		// decodes its own, which the task would keep. That saves the key's
		// bytes per task after the first (TestAccountKeyShared: 345 against
		// 369 B live with a 24-byte key, 345 against 473 with a 128-byte one).
		t.Account = list[0].Account
	}
	if len(list) >= maxTasksPerFamily {
		evicted = append(evicted, list[0])
		list = ts.dropOldest(list)
	}
	if err := ts.order.MakeRoom(func(e *Task) {
		evicted = append(evicted, e)
		if e.Family == t.Family && e.Account == t.Account {
			list = ts.dropOldest(list) // the oldest of all is the oldest of its family
		} else {
			ts.unlink(e, 0)
		}
	}); err != nil {
		ts.keepList(k, list)
		return evicted, fmt.Errorf("evicting the oldest task: %v", err)
	}
	ts.byFamily[k] = append(list, t)
	ts.byToken[t.token] = t
	ts.order.PushElem(&t.in, t)
	return evicted, nil
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

// create gives t its id and download token, keeps its strings with
// params and name in one allocation (keep) and stores it, dropping the
// account's oldest task of the family beyond maxTasksPerFamily and the
// store's oldest beyond its limit; with a state file, the write is
// committed before it returns.
func (ts *Store) create(t *Task, params []Param, name string) error {
	l := ts.lock()
	defer l.release()
	t.Seq = ts.seq.Add(1) // under the lock: ids grow in the order tasks are stored
	tok := ts.newToken()
	t.keep(tok[:], ts.createTimes.format(t.Created), params, name)
	var buf [2]*Task // a create evicts at most two: no allocation for them
	evicted, err := ts.insert(t, buf[:0])
	if err != nil {
		return err
	}
	var b *commitBatch
	if ts.db != nil { // in memory only, nothing is written, nor allocated for it
		ops := make([]fileOp, 0, len(evicted)+1)
		for _, e := range evicted {
			ops = append(ops, fileOp{del: e.Seq})
		}
		b = ts.queue(append(ops, fileOp{put: t})...)
	}
	l.release()
	if err := ts.commit(b); err != nil {
		// Not on disk, so not answered: forget it here too. (What it
		// evicted stays evicted in memory, and comes back on restart.)
		l := ts.lock()
		defer l.release()
		if i := indexOf(ts.byFamily[familyKey{t.Account, t.Family}], t.Seq); i >= 0 {
			ts.unlink(t, i)
		}
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
	l := ts.lock()
	defer l.release()
	k := familyKey{account, family}
	i := indexOf(ts.byFamily[k], seq)
	if i < 0 || ts.byFamily[k][i].id != id || !ts.byFamily[k][i].Visible(now) { // ID: "0100001" is not 100001
		return false, nil
	}
	t := ts.byFamily[k][i]
	ts.unlink(t, i)
	b := ts.queue(fileOp{del: t.Seq})
	l.release()
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
	l := ts.lock()
	defer l.release()
	ts.byFamily, ts.byToken = map[familyKey][]*Task{}, map[string]*Task{}
	ts.order = fifo.New[*Task](ts.order.Limit())
	b := ts.queue(fileOp{reset: true})
	l.release()
	return ts.commit(b)
}

// held is the store's lock taken for one operation. Its release may come
// by hand (before waiting for a commit) and from a defer as well, so a
// panic while the lock is held (a bug) releases it instead of stalling
// every later call, the writer and Close. It lives on the caller's stack:
// the hot path allocates nothing for it.
type held struct {
	mu   *sync.RWMutex
	done bool
}

func (ts *Store) lock() held {
	ts.mu.Lock()
	return held{mu: &ts.mu}
}

// release unlocks the first time it is called and does nothing after.
func (h *held) release() {
	if !h.done {
		h.done = true
		h.mu.Unlock()
	}
}
