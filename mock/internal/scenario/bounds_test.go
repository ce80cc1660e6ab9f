package scenario

// State keyed by what callers send (access keys, actions) stays within a
// global bound at a pinned clock, and evicts least recently used first.

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

var boundsNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func TestThrottleBoundedAtPinnedClock(t *testing.T) {
	var th Throttle
	op := &contract.Operation{Name: "Op", RateLimit: 100}
	for i := range op.RateLimit {
		if !th.Allow(op, "AK-busy", boundsNow) {
			t.Fatalf("call %d of the busy key refused", i+1)
		}
	}
	for i := range 3 * MaxBuckets {
		if !th.Allow(op, fmt.Sprintf("AK-%d", i), boundsNow) {
			t.Fatalf("the first call of new key %d refused", i)
		}
		if i%100 == 0 && th.Allow(op, "AK-busy", boundsNow) {
			t.Fatalf("the busy key's call %d allowed after %d other keys", op.RateLimit+1, i)
		}
		if n := th.Len(); n > MaxBuckets {
			t.Fatalf("%d buckets after %d keys, bound %d", n, i+1, MaxBuckets)
		}
	}
	if n := th.Len(); n != MaxBuckets {
		t.Errorf("%d buckets, want the bound %d", n, MaxBuckets)
	}
}

func TestThrottleEvictsLeastRecentlyUsed(t *testing.T) {
	th := Throttle{capacity: 3}
	op := &contract.Operation{Name: "Op", RateLimit: 1}
	used := func(ak string) bool { return !th.Allow(op, ak, boundsNow) } // refused: its bucket is remembered empty
	for _, ak := range []string{"A", "B", "C"} {
		if !th.Allow(op, ak, boundsNow) {
			t.Fatalf("%s's first call refused", ak)
		}
	}
	if !used("A") { // A is now the most recent: order A, C, B
		t.Fatal("A's second call allowed")
	}
	th.Allow(op, "D", boundsNow) // pushes out B, the least recent
	if !used("A") || !used("C") || !used("D") {
		t.Error("a bucket more recent than B was forgotten")
	}
	if n := th.Len(); n != 3 {
		t.Errorf("%d buckets, want 3", n)
	}
	if used("B") { // documented: an evicted key starts with a full bucket
		t.Error("B's bucket was kept beyond the bound")
	}
}

func countedScenario() *Scenario {
	return &Scenario{Name: "flaky", counted: true, ops: map[string][]Step{
		"Op": {{Outcome: Outcome{Error: "Busy"}, Times: 1}, {Outcome: defaultOutcome}},
	}}
}

func TestStepCountersBounded(t *testing.T) {
	var c Counters
	sc := countedScenario()
	pick := func(ak string) string { o, _ := c.Pick(sc, ak, "Op", nil); return o.Error }
	if pick("AK-hot") != "Busy" || pick("AK-hot") != "" {
		t.Fatal("the sequence is not Busy, then success")
	}
	for i := range 3 * maxStepCounters {
		if got := pick(fmt.Sprintf("AK-%d", i)); got != "Busy" {
			t.Fatalf("new key %d answered %q, want its first step", i, got)
		}
		if i%100 == 0 && pick("AK-hot") != "" {
			t.Fatalf("the hot key's sequence restarted after %d other keys", i)
		}
		if n := c.Len(); n > maxStepCounters {
			t.Fatalf("%d counters after %d keys, bound %d", n, i+1, maxStepCounters)
		}
	}
	if n := c.Len(); n != maxStepCounters {
		t.Errorf("%d counters, want the bound %d", n, maxStepCounters)
	}
}

func TestStepCountersEvictLeastRecentlyUsed(t *testing.T) {
	c := Counters{capacity: 2}
	sc := countedScenario()
	pick := func(ak string) string { o, _ := c.Pick(sc, ak, "Op", nil); return o.Error }
	pick("A")
	pick("B")
	pick("A") // A is the most recent: B goes first
	pick("C")
	if got := pick("A"); got != "" {
		t.Errorf("A answered %q: its count was forgotten before B's", got)
	}
	if got := pick("B"); got != "Busy" { // documented: the sequence restarts
		t.Errorf("B answered %q, want its first step again after eviction", got)
	}
}

func TestStepCountersReset(t *testing.T) {
	var c Counters
	a, b := countedScenario(), countedScenario()
	b.Name = "other"
	for _, sc := range []*Scenario{a, b} {
		for _, ak := range []string{"K1", "K2"} {
			c.Pick(sc, ak, "Op", nil)
		}
	}
	fresh := func(sc *Scenario, ak string) bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.n.Peek(counterKey{sc.Name, ak})
		return !ok
	}
	c.Reset(a.Name, "K1")
	if !fresh(a, "K1") || fresh(a, "K2") || fresh(b, "K1") {
		t.Error("resetting one key of one scenario touched others")
	}
	c.Reset(b.Name, "")
	if !fresh(b, "K1") || !fresh(b, "K2") || fresh(a, "K2") {
		t.Error("resetting a scenario touched another")
	}
	c.Reset("", "")
	if c.Len() != 0 {
		t.Errorf("%d counters after a full reset", c.Len())
	}
}

func TestBindingsBounded(t *testing.T) {
	c := Selection{capacity: 2}
	for _, ak := range []string{"A", "B"} {
		if err := c.Bind(ak, "x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Bind("C", "x"); !errors.Is(err, ErrTooManyBindings) {
		t.Errorf("a third binding: %v, want ErrTooManyBindings", err)
	}
	if err := c.Bind("A", "y"); err != nil {
		t.Errorf("rebinding a bound key: %v", err)
	}
	if name, _ := c.Choose("", "A"); name != "y" {
		t.Errorf("A uses %q, want y", name)
	}
	if name, from := c.Choose("", "B"); name != "x" || from != fromBinding {
		t.Errorf("B uses %q from %s: a binding was dropped to make room", name, from)
	}
	c.Reset()
	if err := c.Bind("C", "x"); err != nil {
		t.Errorf("after a reset: %v", err)
	}
}
