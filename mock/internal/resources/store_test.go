package resources

import (
	"fmt"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// order is the keys of the resource's items, oldest first.
func order(s *Store, resource string) string {
	var out []string
	if o := s.orders[resource]; o != nil {
		for it := range o.All() {
			out = append(out, it.Key)
		}
	}
	return fmt.Sprint(out)
}

// The store's bounds: the account's oldest item of a resource beyond
// perAccount, then the resource's oldest on the server beyond the limit,
// whoever it belongs to, with its children; another resource's items
// never go.
func TestBounds(t *testing.T) {
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	s.limit = 4
	add := func(account, resource, key string, perAccount int, parent *ParentRef) int {
		s.seq++
		ws, err := s.insert(&Item{Seq: s.seq, Account: account, Resource: resource, Key: key, Parent: parent}, perAccount)
		if err != nil {
			t.Fatal(err)
		}
		return len(ws)
	}
	keys := func(account string) string {
		var out []string
		for _, it := range s.byColl[collKey{account, "r"}] {
			out = append(out, it.Key)
		}
		return fmt.Sprint(out)
	}
	add("A", "r", "a1", 2, nil)
	add("A", "kid", "k1", 0, &ParentRef{"r", "a1"})
	add("A", "r", "a2", 2, nil)
	if n := add("A", "r", "a3", 2, nil); n != 2 || keys("A") != "[a2 a3]" || order(s, "kid") != "[]" {
		t.Errorf("per account: %d writes, kept %s, children %s: a1 goes with its child", n, keys("A"), order(s, "kid"))
	}
	add("A", "kid", "k2", 0, &ParentRef{"r", "a2"})
	add("B", "r", "b1", 0, nil)
	add("C", "r", "c1", 0, nil)
	if n := add("D", "r", "d1", 0, nil); n != 2 || s.Len() != 4 {
		t.Errorf("global: %d writes (a2 and its child k2), %d kept", n, s.Len())
	}
	if s.byKey[itemKey{"A", "r", "a2"}] != nil || order(s, "r") != "[a3 b1 c1 d1]" || len(s.kids) != 0 {
		t.Errorf("the evicted item is gone from every index: %s, kids %v", order(s, "r"), s.kids)
	}
	add("E", "other", "o1", 0, nil)
	if order(s, "r") != "[a3 b1 c1 d1]" || order(s, "other") != "[o1]" {
		t.Errorf("each resource has its own bound: %s %s", order(s, "r"), order(s, "other"))
	}
	s.unlink(s.byKey[itemKey{"B", "r", "b1"}]) // from the middle
	if order(s, "r") != "[a3 c1 d1]" || keys("B") != "[]" {
		t.Errorf("unlink from the middle: %s", order(s, "r"))
	}
}

// Quota use keeps its most recently used entries, and a quota's day
// never moves back.
func TestQuotaBook(t *testing.T) {
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
	midnight := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	b.add("A", "q", q, 2, midnight)                   // the new day
	b.add("A", "q", q, 1, midnight.Add(-time.Second)) // read the clock before midnight, got the lock after
	if got := b.used("A", "q", q, midnight); got != 3 {
		t.Errorf("a late request counts on the new day: used %d, want 3", got)
	}
	if got := b.used("A", "q", q, midnight.Add(-time.Second)); got != 3 {
		t.Errorf("asked with a time before midnight, the new day's use: %d, want 3", got)
	}
}

// Through the hooks, as the server calls them: a resource that evicts
// drops its oldest live item when the server holds its limit, never one
// deleted before; the store's count stays at the limit.
func TestEvictsTheOldestLiveItem(t *testing.T) {
	sp := shippedSpec(t)
	sp.Resources["domain"].OnFull = contract.OnFullEvict // shipped, domains refuse when full
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	s.limit = 4
	add := func(name string) {
		t.Helper()
		if code := try(s, sp, "A", "AddCdnDomain", "DomainName", name+".example.com", "CdnType", "web", "Sources", src); code != "" {
			t.Fatalf("AddCdnDomain %s: %s", name, code)
		}
	}
	kept := func(want string) {
		t.Helper()
		if got := order(s, "domain"); got != want || s.Len() != 4 {
			t.Errorf("kept %s (%d items), want %s (4)", got, s.Len(), want)
		}
	}
	add("a")
	add("b")
	add("c")
	if code := try(s, sp, "A", "DeleteCdnDomain", "DomainName", "b.example.com"); code != "" {
		t.Fatalf("DeleteCdnDomain b: %s", code)
	}
	add("d")
	add("e") // full: a c d e
	kept("[a.example.com c.example.com d.example.com e.example.com]")
	add("f") // a goes
	kept("[c.example.com d.example.com e.example.com f.example.com]")
	add("g") // c goes: b, older, was deleted
	kept("[d.example.com e.example.com f.example.com g.example.com]")
	for name, want := range map[string]string{"a": "InvalidDomain.NotFound", "c": "InvalidDomain.NotFound", "d": ""} {
		if code := try(s, sp, "A", "DescribeCdnDomainDetail", "DomainName", name+".example.com"); code != want {
			t.Errorf("DescribeCdnDomainDetail %s: %q, want %q", name, code, want)
		}
	}
}
