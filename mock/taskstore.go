package mock

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Task statuses, as the API spells them.
const (
	statusCreated = "created"
	statusSuccess = "success"
	statusFailed  = "failed"
)

// taskWindowMonths is how far back lists reach: the API lists the tasks of
// the last three months.
const taskWindowMonths = 3

// maxTasksPerFamily bounds memory under load: an account keeps its newest
// 1000 tasks of each family; a create beyond that drops the oldest, as if
// it had expired.
const maxTasksPerFamily = 1000

// task is one export task as the store keeps it (and as --state writes it).
type task struct {
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
}

// status is the task's status at now: created until Done, then its outcome.
func (t *task) status(now time.Time) string {
	if now.Before(t.Done) {
		return statusCreated
	}
	return t.Outcome
}

// visible reports whether lists show the task at now: made within the
// last three months.
func (t *task) visible(now time.Time) bool {
	return !t.Created.Before(now.AddDate(0, -taskWindowMonths, 0))
}

// view is the task as the API shows it at now; base is the scheme and host
// the request came in on, where its download is served.
func (t *task) view(now time.Time, base string) TaskView {
	v := TaskView{
		TaskId: t.ID, TaskName: t.Name, Status: t.status(now),
		CreateTime: t.Created.UTC().Format(timeLayout), UpdateTime: t.Created.UTC().Format(timeLayout),
		TaskConfig: TaskConfigView{StartTime: t.Start, EndTime: t.End},
	}
	if v.Status != statusCreated {
		v.UpdateTime = t.Done.UTC().Format(timeLayout)
	}
	if v.Status == statusSuccess {
		v.DownloadUrl = base + downloadPath(t.Token)
	}
	return v
}

func downloadPath(token string) string { return AdminPrefix + "/downloads/" + token }

// taskStore keeps every task, in memory and, with Config.StatePath, in a
// bbolt file: a create is committed to disk before the API answers, so a
// crash right after loses nothing. All methods are safe for concurrent use.
type taskStore struct {
	mu       sync.RWMutex
	byFamily map[familyKey][]*task // oldest first
	byToken  map[string]*task
	db       *bolt.DB // nil: memory only
	seq      *atomic.Uint64
	duration time.Duration // how long a new task takes
	closed   sync.Once
}

type familyKey struct{ account, family string }

var (
	bucketTasks = []byte("tasks") // big-endian Seq → JSON task
	bucketMeta  = []byte("meta")
	keyVersion  = []byte("version")
	keySeq      = []byte("seq") // the last id given, so ids of deleted tasks never come back
)

const stateVersion = "1"

// openTasks opens the task store: in memory, or the bbolt file at
// cfg.StatePath, whose tasks it loads. seq is the server's task id counter;
// it is moved past every id loaded, so ids never repeat.
func openTasks(cfg Config, seq *atomic.Uint64) (*taskStore, error) {
	ts := &taskStore{byFamily: map[familyKey][]*task{}, byToken: map[string]*task{}, seq: seq, duration: cfg.TaskDuration}
	if cfg.StatePath == "" {
		return ts, nil
	}
	db, err := bolt.Open(cfg.StatePath, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("--state %s: the file is in use by another process (another cdnmock?)", cfg.StatePath)
	}
	if err != nil {
		return nil, fmt.Errorf("--state %s: %v", cfg.StatePath, err)
	}
	var loaded []*task
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
		return b.ForEach(func(k, v []byte) error {
			t := &task{}
			if err := json.Unmarshal(v, t); err != nil {
				return fmt.Errorf("task %x: %v", k, err)
			}
			loaded = append(loaded, t)
			return nil
		})
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("--state %s: %v", cfg.StatePath, err)
	}
	ts.db = db
	for _, t := range loaded { // in Seq order: the keys are big-endian
		ts.index(t)
		if t.Seq > seq.Load() { // nothing else uses seq before New returns
			seq.Store(t.Seq)
		}
	}
	return ts, nil
}

func (ts *taskStore) index(t *task) {
	k := familyKey{t.Account, t.Family}
	ts.byFamily[k] = append(ts.byFamily[k], t)
	ts.byToken[t.Token] = t
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// create gives t its id and download token and stores it, dropping the
// account's oldest task of the family beyond maxTasksPerFamily; with a
// state file, the write is committed before it returns.
func (ts *taskStore) create(t *task) error {
	var tok [16]byte
	_, _ = rand.Read(tok[:]) // never fails (crypto/rand)
	t.Token = hex.EncodeToString(tok[:])
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t.Seq = ts.seq.Add(1) // under the lock: ids grow in the order tasks are stored
	t.ID = strconv.FormatUint(t.Seq, 10)
	k := familyKey{t.Account, t.Family}
	var evict *task
	if list := ts.byFamily[k]; len(list) >= maxTasksPerFamily {
		evict = list[0]
	}
	if ts.db != nil {
		data, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if err := ts.db.Update(func(tx *bolt.Tx) error {
			if err := tx.Bucket(bucketMeta).Put(keySeq, seqKey(t.Seq)); err != nil {
				return err
			}
			b := tx.Bucket(bucketTasks)
			if evict != nil {
				if err := b.Delete(seqKey(evict.Seq)); err != nil {
					return err
				}
			}
			return b.Put(seqKey(t.Seq), data)
		}); err != nil {
			return err
		}
	}
	if evict != nil {
		// Reslice rather than shift: append's growth copies the list only
		// now and then, so dropping the oldest is O(1) amortized.
		list := ts.byFamily[k]
		list[0] = nil // let the evicted task be collected
		ts.byFamily[k] = list[1:]
		delete(ts.byToken, evict.Token)
	}
	ts.index(t)
	return nil
}

// list returns the account's tasks of the family that lists show at now,
// newest first.
func (ts *taskStore) list(account, family string, now time.Time) []*task {
	ts.mu.RLock()
	var out []*task
	for _, t := range ts.byFamily[familyKey{account, family}] {
		if t.visible(now) {
			out = append(out, t)
		}
	}
	ts.mu.RUnlock()
	sortNewestFirst(out)
	return out
}

// delete removes the account's task of the family with that id, if lists
// show it at now, and reports whether there was one.
func (ts *taskStore) delete(account, family, id string, now time.Time) (bool, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	k := familyKey{account, family}
	i := slices.IndexFunc(ts.byFamily[k], func(t *task) bool { return t.ID == id && t.visible(now) })
	if i < 0 {
		return false, nil
	}
	t := ts.byFamily[k][i]
	if ts.db != nil {
		if err := ts.db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketTasks).Delete(seqKey(t.Seq))
		}); err != nil {
			return false, err
		}
	}
	ts.byFamily[k] = slices.Delete(ts.byFamily[k], i, i+1)
	if len(ts.byFamily[k]) == 0 {
		delete(ts.byFamily, k)
	}
	delete(ts.byToken, t.Token)
	return true, nil
}

// byDownload finds the task a download token belongs to.
func (ts *taskStore) byDownload(token string) *task {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	return ts.byToken[token]
}

// all returns every task, per account, newest first; for the admin API.
func (ts *taskStore) all() map[string][]*task {
	ts.mu.RLock()
	out := map[string][]*task{}
	for k, list := range ts.byFamily {
		out[k.account] = append(out[k.account], list...)
	}
	ts.mu.RUnlock()
	for _, list := range out {
		sortNewestFirst(list)
	}
	return out
}

// reset forgets every task, on disk too.
func (ts *taskStore) reset() error {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.db != nil {
		if err := ts.db.Update(func(tx *bolt.Tx) error {
			if err := tx.DeleteBucket(bucketTasks); err != nil {
				return err
			}
			_, err := tx.CreateBucket(bucketTasks)
			return err
		}); err != nil {
			return err
		}
	}
	ts.byFamily, ts.byToken = map[familyKey][]*task{}, map[string]*task{}
	return nil
}

// close releases the state file; later writes fail, reads still work.
func (ts *taskStore) close() {
	ts.closed.Do(func() {
		if ts.db != nil {
			ts.mu.Lock()
			defer ts.mu.Unlock()
			_ = ts.db.Close()
		}
	})
}
