// Package resources keeps the items of the spec's resources (cache
// refresh tasks, domains, their configs…) per account, and runs an
// operation's x-mock-state on them (hook.go). What a resource is, and what
// each operation does to it, is data: contract reads it from the spec.
package resources

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fifo"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// MaxItems bounds each resource on the whole server, whoever creates:
// without --credentials every new access key is a new account, so the
// per-account bound (x-mock-resources perAccount) alone bounds nothing.
// Each resource is bounded on its own, so one account's refreshes never
// push out another's domains. At the bound, a resource with onFull:
// refuse refuses creates (its create hook's full code); another drops its
// oldest item, and that item's children with it, as if deleted. An item
// holds at most maxItemBytes of values, so the store holds at most about
// MaxItems × 9 KiB ≈ 90 MB per resource (1-2 KB an item in practice), and
// as much in the --state file.
const MaxItems = 10000

// firstSeq is where item numbers start (TaskId, DomainId, ConfigId…).
const firstSeq = 10000000

// Item is one item of a resource, as the store keeps it (and as --state
// writes it).
type Item struct {
	Seq      uint64         `json:"seq"` // unique for the server, across restarts with --state
	Account  string         `json:"account"`
	Resource string         `json:"resource"`
	Key      string         `json:"key"`
	Fields   map[string]any `json:"fields"`
	Status   string         `json:"status"` // the status it entered at Since
	Since    time.Time      `json:"since"`
	Failed   bool           `json:"failed"`           // a scenario made it end in its failed states
	Parent   *ParentRef     `json:"parent,omitempty"` // the item it lives and dies with, for resources with a parent
	Created  time.Time      `json:"created"`
	Modified time.Time      `json:"modified"`

	in *fifo.Elem[*Item] // its place in its resource's creation (Seq) order
}

// ParentRef names an item of the same account.
type ParentRef struct {
	Resource string `json:"resource"`
	Key      string `json:"key"`
}

// View is the item as the API shows it at now.
func (it *Item) View(def *contract.Resource, now time.Time) map[string]any {
	return def.View(it.Fields, it.Status, it.Since, it.Failed, it.Created, it.Modified, now)
}

// FieldText is one field of the item as View shows it at now, as text.
func (it *Item) FieldText(def *contract.Resource, name string, now time.Time) string {
	return def.FieldText(name, it.Fields, it.Status, it.Since, it.Failed, it.Created, it.Modified, now)
}

type itemKey struct{ account, resource, key string }
type collKey struct{ account, resource string }
type resKey struct{ resource, key string }

// Store keeps every item, in memory and, with --state, in the task
// store's bbolt file, through its group commit (tasks.Store.QueueRaw).
// Every method is safe for concurrent use.
//
// Cost per request: finding an item by its key, in any account (global
// resources), or an item's children is O(1) (maps); a create appends
// (O(1) amortized, evictions included); a list is linear in the account's
// items of the resource, which perAccount bounds.
type Store struct {
	mu     sync.Mutex
	byKey  map[itemKey]*Item
	held   map[resKey]int               // how many accounts hold a key (global resources)
	byColl map[collKey][]*Item          // in Seq order; an emptied list is removed
	kids   map[itemKey]map[uint64]*Item // an item's children, by Seq
	orders map[string]*fifo.List[*Item] // each resource's items in creation (Seq) order, at most limit
	limit  int                          // MaxItems; tests lower it
	seq    uint64
	quotas quotaBook              // quota.go
	file   File                   // nil: memory only
	broken atomic.Pointer[string] // a --state write failed (its error): every call is refused until restart
}

// File is where the store keeps its state: the task store's bbolt file
// (*tasks.Store).
type File interface {
	QueueRaw(ws ...tasks.RawWrite) func() error
	LoadRaw(bucket string, fn func(k, v []byte) error) error
}

// The --state file's buckets.
const (
	bucketItems  = "resources"
	bucketQuotas = "resource-quotas"
	bucketMeta   = "resource-meta"
)

var keySeq = []byte("seq")

// Open makes the store, loading the items and quotas a --state file holds
// (file nil: memory only).
func Open(file File) (*Store, error) {
	s := &Store{byKey: map[itemKey]*Item{}, held: map[resKey]int{}, byColl: map[collKey][]*Item{}, kids: map[itemKey]map[uint64]*Item{},
		orders: map[string]*fifo.List[*Item]{}, limit: MaxItems, seq: firstSeq, quotas: newQuotaBook(maxQuotaEntries), file: file}
	if file == nil {
		return s, nil
	}
	var ws []tasks.RawWrite
	err := file.LoadRaw(bucketItems, func(k, v []byte) error {
		it := &Item{}
		if err := json.Unmarshal(v, it); err != nil {
			return fmt.Errorf("resource item %x: %v", k, err)
		}
		s.seq = max(s.seq, it.Seq)
		w, err := s.insert(it, 0)
		ws = append(ws, w...)
		return err
	})
	if err == nil {
		err = file.LoadRaw(bucketMeta, func(k, v []byte) error {
			if string(k) == string(keySeq) && len(v) == 8 {
				s.seq = max(s.seq, binary.BigEndian.Uint64(v))
			}
			return nil
		})
	}
	if err == nil {
		err = file.LoadRaw(bucketQuotas, s.quotas.load)
	}
	if err != nil {
		return nil, fmt.Errorf("--state: %v", err)
	}
	s.quotas.loaded()
	if len(ws) > 0 {
		if err := file.QueueRaw(ws...)(); err != nil {
			return nil, fmt.Errorf("--state: %v", err)
		}
	}
	return s, nil
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func putWrite(it *Item) tasks.RawWrite {
	data, _ := json.Marshal(it) // fields are JSON values: never fails
	return tasks.RawWrite{Bucket: bucketItems, Key: seqKey(it.Seq), Value: data}
}

func delWrite(it *Item) tasks.RawWrite {
	return tasks.RawWrite{Bucket: bucketItems, Key: seqKey(it.Seq)}
}

// insert indexes it, the newest item, and returns the file writes that
// forget the items it pushed out (with their children): the account's
// oldest of the resource beyond perAccount (0: no bound), then the
// resource's oldest on the server beyond the store's limit. A resource
// that refuses when full was checked for room before. An eviction that
// does not shrink the resource is a bug of the store: insert stops with
// an error, leaving it out, rather than loop. Called with mu held.
func (s *Store) insert(it *Item, perAccount int) (ws []tasks.RawWrite, err error) {
	k := collKey{it.Account, it.Resource}
	if list := s.byColl[k]; perAccount > 0 && len(list) >= perAccount {
		ws = append(ws, s.remove(list[0])...)
	}
	order := s.orders[it.Resource]
	if order == nil {
		order = fifo.New[*Item](s.limit)
		s.orders[it.Resource] = order
	}
	if err := order.MakeRoom(func(old *Item) { ws = append(ws, s.remove(old)...) }); err != nil {
		return ws, fmt.Errorf("evicting the oldest %s: %v", it.Resource, err)
	}
	s.byColl[k] = append(s.byColl[k], it)
	s.byKey[itemKey{it.Account, it.Resource, it.Key}] = it
	s.held[resKey{it.Resource, it.Key}]++
	if p := it.Parent; p != nil {
		pk := itemKey{it.Account, p.Resource, p.Key}
		if s.kids[pk] == nil {
			s.kids[pk] = map[uint64]*Item{}
		}
		s.kids[pk][it.Seq] = it
	}
	it.in = order.Push(it)
	return ws, nil
}

// room reports whether the account and the server have room for n more
// items of the resource, and, when not, whether the server's bound is
// the one reached. Called with mu held.
func (s *Store) room(account string, def *contract.Resource, n int) (ok, serverFull bool) {
	if len(s.byColl[collKey{account, def.Name}])+n > def.PerAccount {
		return false, false
	}
	order := s.orders[def.Name]
	if order == nil || order.Len()+n <= s.limit {
		return true, false
	}
	return false, true
}

// unlink forgets it alone (remove forgets its children too). Dropping
// the oldest of its list is O(1) amortized (a reslice); another is found
// by binary search and cut out. Called with mu held.
func (s *Store) unlink(it *Item) {
	k := collKey{it.Account, it.Resource}
	list := s.byColl[k]
	if len(list) > 0 && list[0] == it {
		list[0] = nil
		list = list[1:]
	} else if i, ok := slices.BinarySearchFunc(list, it.Seq, func(x *Item, seq uint64) int { return cmp.Compare(x.Seq, seq) }); ok {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(s.byColl, k)
	} else {
		s.byColl[k] = list
	}
	delete(s.byKey, itemKey{it.Account, it.Resource, it.Key})
	if rk := (resKey{it.Resource, it.Key}); s.held[rk] > 1 {
		s.held[rk]--
	} else {
		delete(s.held, rk)
	}
	if p := it.Parent; p != nil {
		pk := itemKey{it.Account, p.Resource, p.Key}
		if delete(s.kids[pk], it.Seq); len(s.kids[pk]) == 0 {
			delete(s.kids, pk)
		}
	}
	if order := s.orders[it.Resource]; order != nil {
		order.Remove(it.in)
	}
}

// remove unlinks it and its children (theirs too), and returns the file
// writes that forget them: every way an item goes (a delete, an eviction,
// an admin reset) goes through here. O(1) per item removed (kids).
// Called with mu held.
func (s *Store) remove(it *Item) []tasks.RawWrite {
	ws := []tasks.RawWrite{delWrite(it)}
	for _, c := range s.kids[itemKey{it.Account, it.Resource, it.Key}] {
		ws = append(ws, s.remove(c)...)
	}
	s.unlink(it)
	return ws
}

// queue hands writes to the file; the returned function waits for them.
// Called with mu held, so the file sees them in memory's order.
func (s *Store) queue(ws []tasks.RawWrite) func() error {
	if s.file == nil || len(ws) == 0 {
		return func() error { return nil }
	}
	return s.file.QueueRaw(ws...)
}

// lock takes the store's lock and returns its release, which does
// something only the first time it is called: the caller releases by hand
// where it must (before waiting for a write) and defers it as well, so a
// panic while the lock is held (a bug; the server answers it 500) releases
// the lock instead of hanging every later call.
func (s *Store) lock() (unlock func()) {
	s.mu.Lock()
	held := true
	return func() {
		if held {
			held = false
			s.mu.Unlock()
		}
	}
}

// release is the deferred end of an operation that changes the store: it
// releases the lock and, when a panic interrupts the change, refuses every
// later call, as after a failed write, since memory may be half changed
// with nothing of it on the way to the file. The panic goes on: the
// server answers it 500 and logs it.
func (s *Store) release(unlock func()) {
	if r := recover(); r != nil {
		s.fail(fmt.Errorf("a bug interrupted a change of the resource state: %v", r))
		unlock()
		panic(r)
	}
	unlock()
}
