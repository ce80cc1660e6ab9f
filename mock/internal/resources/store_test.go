package resources

import (
	"fmt"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// order is the keys of the store's items, oldest first.
func order(s *Store) string {
	var out []string
	for it := range s.order.All() {
		out = append(out, it.Key)
	}
	return fmt.Sprint(out)
}

// The store's bounds: the account's oldest item of a resource beyond
// perAccount, then the server's oldest beyond the global limit, whoever
// it belongs to; quota use keeps its most recently used entries.
func TestBounds(t *testing.T) {
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	s.order.Limit = 4
	add := func(account, key string, perAccount int) []*Item {
		s.seq++
		return s.insert(&Item{Seq: s.seq, Account: account, Resource: "r", Key: key}, perAccount)
	}
	keys := func(account string) string {
		var out []string
		for _, it := range s.byColl[collKey{account, "r"}] {
			out = append(out, it.Key)
		}
		return fmt.Sprint(out)
	}
	add("A", "a1", 2)
	add("A", "a2", 2)
	if ev := add("A", "a3", 2); len(ev) != 1 || ev[0].Key != "a1" || keys("A") != "[a2 a3]" {
		t.Errorf("per account: evicted %v, kept %s", ev, keys("A"))
	}
	add("B", "b1", 0)
	add("C", "c1", 0)
	if ev := add("D", "d1", 0); len(ev) != 1 || ev[0].Key != "a2" || s.order.Len() != 4 {
		t.Errorf("global: evicted %v, %d kept", ev, s.order.Len())
	}
	if s.byKey[itemKey{"A", "r", "a2"}] != nil || order(s) != "[a3 b1 c1 d1]" {
		t.Errorf("the evicted item is gone from every index: %s", order(s))
	}
	s.unlink(s.byKey[itemKey{"B", "r", "b1"}]) // from the middle
	if order(s) != "[a3 c1 d1]" || keys("B") != "[]" || len(s.byColl) != 3 {
		t.Errorf("unlink from the middle: %s, lists %d", order(s), len(s.byColl))
	}

	q := &contract.Quota{Daily: 10, Loc: time.UTC}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	b := newQuotaBook(2)
	b.add("A", "q", q, 3, now)
	b.add("B", "q", q, 1, now)
	b.add("A", "q", q, 1, now) // A used most recently
	if ws := b.add("C", "q", q, 1, now); len(ws) != 2 || b.used("B", "q", q, now) != 0 || b.used("A", "q", q, now) != 4 {
		t.Errorf("the least recently used entry goes: %d writes, B %d, A %d", len(ws), b.used("B", "q", q, now), b.used("A", "q", q, now))
	}
	if b.used("A", "q", q, now.Add(12*time.Hour)) != 0 {
		t.Errorf("the next day the quota is whole")
	}
}
