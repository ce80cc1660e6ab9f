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
	"strings"
	"sync"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fifo"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// MaxItems bounds the whole store, whoever creates: without --credentials
// every new access key is a new account, so the per-account bound
// (x-mock-resources perAccount) alone bounds nothing. A create beyond it
// drops the server's oldest item, whatever its account or resource, as if
// it had been deleted. An item holds at most maxItemBytes of values, so
// the store holds at most about 10,000 × 9 KiB ≈ 90 MB (1-2 KB an item in
// practice), and as much in the --state file.
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
	Failed   bool           `json:"failed"`        // a scenario made it end in its failed states
	Alt      string         `json:"alt,omitempty"` // its replaceBy fields' values, when the resource has them
	Created  time.Time      `json:"created"`
	Modified time.Time      `json:"modified"`

	in *fifo.Elem[*Item] // its place in the store's creation (Seq) order
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

// altKey is the values of the resource's replaceBy fields, "" without.
func altKey(def *contract.Resource, fields map[string]any) string {
	if len(def.ReplaceBy) == 0 {
		return ""
	}
	var b strings.Builder
	for _, f := range def.ReplaceBy {
		b.WriteString(fmt.Sprint(fields[f]))
		b.WriteByte(0)
	}
	return b.String()
}

// Store keeps every item, in memory and, with --state, in the task
// store's bbolt file, through its group commit (tasks.Store.QueueRaw).
// Every method is safe for concurrent use.
//
// Cost per request: finding an item by its key, by its replaceBy values
// or in any account (global resources) is O(1) (maps); a create
// appends (O(1) amortized, evictions included); a list, a delete and the
// cascade to children are linear in the account's items of the resources
// concerned, which perAccount bounds.
type Store struct {
	mu     sync.Mutex
	byKey  map[itemKey]*Item
	byAlt  map[itemKey]*Item   // by Alt in place of Key: the replaceBy index
	held   map[resKey]int      // how many accounts hold a key (global resources)
	byColl map[collKey][]*Item // in Seq order; an emptied list is removed
	order  *fifo.List[*Item]   // every item in creation (Seq) order, at most MaxItems
	seq    uint64
	defs   map[string]*contract.Resource // the spec's, for cascades: set by Apply
	quotas quotaBook                     // quota.go
	file   *tasks.Store                  // nil: memory only
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
func Open(file *tasks.Store) (*Store, error) {
	s := &Store{byKey: map[itemKey]*Item{}, byAlt: map[itemKey]*Item{}, held: map[resKey]int{}, byColl: map[collKey][]*Item{}, order: fifo.New[*Item](MaxItems), seq: firstSeq,
		quotas: newQuotaBook(maxQuotaEntries), file: file}
	if file == nil {
		return s, nil
	}
	var evicted []*Item
	err := file.LoadRaw(bucketItems, func(k, v []byte) error {
		it := &Item{}
		if err := json.Unmarshal(v, it); err != nil {
			return fmt.Errorf("resource item %x: %v", k, err)
		}
		s.seq = max(s.seq, it.Seq)
		evicted = append(evicted, s.insert(it, 0)...)
		return nil
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
	var ws []tasks.RawWrite
	for _, it := range evicted {
		ws = append(ws, delWrite(it))
	}
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

// insert indexes it, the newest item, and returns the items it pushed
// out: the account's oldest of the resource beyond perAccount (0: no
// bound), then the server's oldest beyond MaxItems. Called with mu held.
func (s *Store) insert(it *Item, perAccount int) (evicted []*Item) {
	k := collKey{it.Account, it.Resource}
	if list := s.byColl[k]; perAccount > 0 && len(list) >= perAccount {
		evicted = append(evicted, list[0])
		s.unlink(list[0])
	}
	for s.order.Full() {
		e := s.order.Oldest().Value
		evicted = append(evicted, e)
		s.unlink(e)
	}
	s.byColl[k] = append(s.byColl[k], it)
	s.byKey[itemKey{it.Account, it.Resource, it.Key}] = it
	s.held[resKey{it.Resource, it.Key}]++
	if it.Alt != "" {
		s.byAlt[itemKey{it.Account, it.Resource, it.Alt}] = it
	}
	it.in = s.order.Push(it)
	return evicted
}

// unlink forgets it. Dropping the oldest of its list is O(1) amortized
// (a reslice); another is found by binary search and cut out. Called with
// mu held.
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
	if ak := (itemKey{it.Account, it.Resource, it.Alt}); it.Alt != "" && s.byAlt[ak] == it {
		delete(s.byAlt, ak)
	}
	s.order.Remove(it.in)
}

// children are the items of every resource whose parent is def, in the
// account, that name key. Called with mu held.
func (s *Store) children(account string, def *contract.Resource, key string) []*Item {
	var out []*Item
	for _, child := range s.defs {
		p := child.Parent
		if p == nil || p.Resource != def.Name {
			continue
		}
		for _, it := range s.byColl[collKey{account, child.Name}] {
			if fmt.Sprint(it.Fields[p.Field]) == key {
				out = append(out, it)
			}
		}
	}
	return out
}

// remove unlinks it and its children, and returns the file writes that
// forget them. Called with mu held.
func (s *Store) remove(it *Item) []tasks.RawWrite {
	ws := []tasks.RawWrite{delWrite(it)}
	if def := s.defs[it.Resource]; def != nil {
		for _, c := range s.children(it.Account, def, it.Key) {
			ws = append(ws, s.remove(c)...)
		}
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
