package resources

import (
	"slices"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fifo"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// What the admin API reads and forgets.

// Snapshot is every item, per account and resource, newest first, as
// views show them at now; for the admin API.
func (s *Store) Snapshot(defs map[string]*contract.Resource, now time.Time) map[string]map[string][]map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[string][]map[string]any{}
	for k, list := range s.byColl {
		def := defs[k.resource]
		if def == nil {
			continue // a resource the spec no longer has (after a reload)
		}
		if out[k.account] == nil {
			out[k.account] = map[string][]map[string]any{}
		}
		views := make([]map[string]any, 0, len(list))
		for i := len(list) - 1; i >= 0; i-- {
			views = append(views, list[i].View(def, now))
		}
		out[k.account][k.resource] = views
	}
	return out
}

// Reset forgets items: every item (account nil, resource ""), an
// account's, a resource's, or an account's of one resource. An account's
// quota use goes with all its items; every quota's with a full reset. It
// reports how many items it forgot.
func (s *Store) Reset(account *string, resource string) (int, error) {
	s.mu.Lock()
	var ws []tasks.RawWrite
	n := 0
	if account == nil && resource == "" {
		n = s.order.Len()
		s.byKey, s.byAlt, s.held, s.byColl = map[itemKey]*Item{}, map[itemKey]*Item{}, map[resKey]int{}, map[collKey][]*Item{}
		s.order = fifo.New[*Item](s.order.Limit)
		s.quotas.reset(nil)
		ws = append(ws, tasks.RawWrite{Bucket: bucketItems, Reset: true}, tasks.RawWrite{Bucket: bucketQuotas, Reset: true})
	} else {
		for k, list := range s.byColl {
			if (account != nil && k.account != *account) || (resource != "" && k.resource != resource) {
				continue
			}
			for _, it := range slices.Clone(list) {
				n++
				ws = append(ws, delWrite(it))
				s.unlink(it)
			}
		}
		if account != nil && resource == "" {
			ws = append(ws, s.quotas.reset(account)...)
		}
	}
	wait := s.queue(ws)
	s.mu.Unlock()
	return n, wait()
}

// Len is how many items the store keeps.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len()
}
