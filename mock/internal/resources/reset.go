package resources

import (
	"sort"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fifo"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// What the admin API reads and forgets.

// AccountView is one account's items for the admin API: how many it holds
// of each resource, and the newest of them as views show them.
type AccountView struct {
	Account string
	Counts  map[string]int
	Items   map[string][]map[string]any // newest first
}

// Query says what Accounts shows.
type Query struct {
	Account     *string // nil: every account, sorted, from after on
	Resource    string  // "": every resource of defs
	After       *string // with Account nil: start after this account (nil: from the first, the "" account of unsigned calls included)
	MaxAccounts int     // accounts per page
	PerList     int     // newest items shown per account and resource
}

// Accounts is a page of accounts and the account to ask after for the
// next ("" at the end). Only the lists shown are read: one account and
// resource is a map lookup and PerList views; every account sorts the
// accounts holding items (O(a log a), a ≤ the items kept).
func (s *Store) Accounts(defs map[string]*contract.Resource, q Query, now time.Time) ([]AccountView, string) {
	names := []string{q.Resource}
	if q.Resource == "" {
		names = names[:0]
		for name := range defs {
			names = append(names, name)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var accounts []string
	if q.Account != nil {
		accounts = []string{*q.Account}
	} else {
		seen := map[string]bool{}
		for k := range s.byColl {
			if !seen[k.account] && (q.After == nil || k.account > *q.After) && (q.Resource == "" || k.resource == q.Resource) {
				seen[k.account] = true
				accounts = append(accounts, k.account)
			}
		}
		sort.Strings(accounts)
	}
	next := ""
	if len(accounts) > q.MaxAccounts {
		accounts = accounts[:q.MaxAccounts]
		next = accounts[len(accounts)-1]
	}
	out := make([]AccountView, 0, len(accounts))
	for _, acc := range accounts {
		v := AccountView{Account: acc, Counts: map[string]int{}, Items: map[string][]map[string]any{}}
		for _, name := range names {
			list, def := s.byColl[collKey{acc, name}], defs[name]
			if len(list) == 0 || def == nil { // def nil: a resource the spec no longer has (after a reload)
				continue
			}
			v.Counts[name] = len(list)
			views := make([]map[string]any, 0, min(len(list), q.PerList))
			for i := len(list) - 1; i >= 0 && len(views) < q.PerList; i-- {
				views = append(views, list[i].View(def, now))
			}
			v.Items[name] = views
		}
		if len(v.Counts) > 0 {
			out = append(out, v)
		}
	}
	return out, next
}

// Reset forgets items: every item (account nil, resource ""), an
// account's, a resource's, or an account's of one resource, with their
// children (through remove). An account's quota use goes with all its
// items; every quota's with a full reset. It reports how many items it
// forgot.
func (s *Store) Reset(account *string, resource string) (int, error) {
	unlock := s.lock()
	defer s.release(unlock)
	var ws []tasks.RawWrite
	n := 0
	if account == nil && resource == "" {
		n = s.lenLocked()
		s.byKey, s.held, s.byColl = map[itemKey]*Item{}, map[resKey]int{}, map[collKey][]*Item{}
		s.kids, s.orders = map[itemKey]map[uint64]*Item{}, map[string]*fifo.List[*Item]{}
		s.quotas.reset(nil)
		ws = append(ws, tasks.RawWrite{Bucket: bucketItems, Reset: true}, tasks.RawWrite{Bucket: bucketQuotas, Reset: true})
	} else {
		var gone []*Item
		for k, list := range s.byColl {
			if (account == nil || k.account == *account) && (resource == "" || k.resource == resource) {
				gone = append(gone, list...)
			}
		}
		for _, it := range gone {
			if s.byKey[itemKey{it.Account, it.Resource, it.Key}] == it { // not gone with its parent
				removed := s.remove(it)
				n += len(removed)
				ws = append(ws, removed...)
			}
		}
		if account != nil && resource == "" {
			ws = append(ws, s.quotas.reset(account)...)
		}
	}
	wait := s.queue(ws)
	unlock()
	if err := wait(); err != nil {
		s.fail(err) // memory forgot what the file may keep: later calls are refused, as after any failed write
		return n, err
	}
	return n, nil
}

// Len is how many items the store keeps, every resource.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lenLocked()
}

func (s *Store) lenLocked() int {
	n := 0
	for _, o := range s.orders {
		n += o.Len()
	}
	return n
}
