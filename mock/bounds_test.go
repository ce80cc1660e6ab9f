package mock

// State keyed by what callers send (access keys, actions) stays within a
// global bound at a pinned clock, and evicts least recently used first.

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

var boundsNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func TestThrottleBoundedAtPinnedClock(t *testing.T) {
	var th throttle
	op := &Operation{Name: "Op", RateLimit: 100}
	for i := range op.RateLimit {
		if !th.allow(op, "AK-busy", boundsNow) {
			t.Fatalf("call %d of the busy key refused", i+1)
		}
	}
	for i := range 3 * maxBuckets {
		if !th.allow(op, fmt.Sprintf("AK-%d", i), boundsNow) {
			t.Fatalf("the first call of new key %d refused", i)
		}
		if i%100 == 0 && th.allow(op, "AK-busy", boundsNow) {
			t.Fatalf("the busy key's call %d allowed after %d other keys", op.RateLimit+1, i)
		}
		if n := th.len(); n > maxBuckets {
			t.Fatalf("%d buckets after %d keys, bound %d", n, i+1, maxBuckets)
		}
	}
	if n := th.len(); n != maxBuckets {
		t.Errorf("%d buckets, want the bound %d", n, maxBuckets)
	}
}

func TestThrottleEvictsLeastRecentlyUsed(t *testing.T) {
	th := throttle{capacity: 3}
	op := &Operation{Name: "Op", RateLimit: 1}
	used := func(ak string) bool { return !th.allow(op, ak, boundsNow) } // refused: its bucket is remembered empty
	for _, ak := range []string{"A", "B", "C"} {
		if !th.allow(op, ak, boundsNow) {
			t.Fatalf("%s's first call refused", ak)
		}
	}
	if !used("A") { // A is now the most recent: order A, C, B
		t.Fatal("A's second call allowed")
	}
	th.allow(op, "D", boundsNow) // pushes out B, the least recent
	if !used("A") || !used("C") || !used("D") {
		t.Error("a bucket more recent than B was forgotten")
	}
	if n := th.len(); n != 3 {
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
	var c stepCounters
	sc := countedScenario()
	pick := func(ak string) string { return c.pick(sc, ak, "Op", nil).Error }
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
		if n := c.len(); n > maxStepCounters {
			t.Fatalf("%d counters after %d keys, bound %d", n, i+1, maxStepCounters)
		}
	}
	if n := c.len(); n != maxStepCounters {
		t.Errorf("%d counters, want the bound %d", n, maxStepCounters)
	}
}

func TestStepCountersEvictLeastRecentlyUsed(t *testing.T) {
	c := stepCounters{capacity: 2}
	sc := countedScenario()
	pick := func(ak string) string { return c.pick(sc, ak, "Op", nil).Error }
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
	var c stepCounters
	a, b := countedScenario(), countedScenario()
	b.Name = "other"
	for _, sc := range []*Scenario{a, b} {
		for _, ak := range []string{"K1", "K2"} {
			c.pick(sc, ak, "Op", nil)
		}
	}
	fresh := func(sc *Scenario, ak string) bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.n.Peek(counterKey{sc.Name, ak})
		return !ok
	}
	c.reset(a.Name, "K1")
	if !fresh(a, "K1") || fresh(a, "K2") || fresh(b, "K1") {
		t.Error("resetting one key of one scenario touched others")
	}
	c.reset(b.Name, "")
	if !fresh(b, "K1") || !fresh(b, "K2") || fresh(a, "K2") {
		t.Error("resetting a scenario touched another")
	}
	c.reset("", "")
	if c.len() != 0 {
		t.Errorf("%d counters after a full reset", c.len())
	}
}

func TestBindingsBounded(t *testing.T) {
	c := control{capacity: 2}
	for _, ak := range []string{"A", "B"} {
		if err := c.bind(ak, "x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.bind("C", "x"); !errors.Is(err, errTooManyBindings) {
		t.Errorf("a third binding: %v, want errTooManyBindings", err)
	}
	if err := c.bind("A", "y"); err != nil {
		t.Errorf("rebinding a bound key: %v", err)
	}
	if name, _ := c.choose("", "A"); name != "y" {
		t.Errorf("A uses %q, want y", name)
	}
	if name, from := c.choose("", "B"); name != "x" || from != fromBinding {
		t.Errorf("B uses %q from %s: a binding was dropped to make room", name, from)
	}
	c.reset()
	if err := c.bind("C", "x"); err != nil {
		t.Errorf("after a reset: %v", err)
	}
}

// The server's own bound, through Bind and the admin API.
func TestServerBindingsBounded(t *testing.T) {
	s, err := New(Config{Clock: FixedClock(boundsNow)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	for i := range maxBindings {
		if err := s.Bind(fmt.Sprintf("AK-%d", i), "InternalError"); err != nil {
			t.Fatalf("binding %d: %v", i, err)
		}
	}
	if err := s.Bind("AK-one-more", "InternalError"); !errors.Is(err, errTooManyBindings) {
		t.Fatalf("binding %d: %v, want errTooManyBindings", maxBindings+1, err)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPut, AdminPrefix+"/scenario",
		strings.NewReader(`{"scenario":"InternalError","accessKeyId":"AK-one-more"}`)))
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), `"Mock.TooManyBindings"`) {
		t.Errorf("admin bind beyond the bound: %d %s", w.Code, w.Body)
	}
	if err := s.Bind("AK-0", "ServiceUnavailable"); err != nil {
		t.Errorf("rebinding a bound key: %v", err)
	}
	s.ResetScenarios()
	if err := s.Bind("AK-one-more", "InternalError"); err != nil {
		t.Errorf("after a reset: %v", err)
	}
}

// The whole handler at a pinned clock with throttling on: the busy key is
// refused at call limit+1 while thousands of other keys come and go, and no
// per-key structure grows past its bound.
func TestManyAccessKeysThroughHandler(t *testing.T) {
	s, err := New(Config{Clock: FixedClock(boundsNow)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	const action = "DescribeCdnService"
	limit := s.Spec().Operation(action).RateLimit
	if limit <= 0 {
		t.Fatalf("%s has no rate limit in the spec", action)
	}
	get := func(ak string) int {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/?Action="+action+"&Version=2018-05-10&Format=JSON&AccessKeyId="+ak, nil))
		return w.Code
	}
	for i := range limit {
		if code := get("AK-busy"); code != http.StatusOK {
			t.Fatalf("busy key's call %d: %d", i+1, code)
		}
	}
	keys := maxBuckets + maxBuckets/2
	if testing.Short() {
		keys = maxBuckets + 100
	}
	for i := range keys {
		if code := get(fmt.Sprintf("AK-%d", i)); code != http.StatusOK {
			t.Fatalf("new key %d: %d", i, code)
		}
		if i%50 == 0 && get("AK-busy") != http.StatusBadRequest {
			t.Fatalf("busy key's call %d was not throttled after %d other keys", limit+1, i)
		}
	}
	if n := s.throttle.len(); n != maxBuckets {
		t.Errorf("%d buckets, want the bound %d", n, maxBuckets)
	}
	s.Clock().Advance(time.Second)
	if code := get("AK-busy"); code != http.StatusOK {
		t.Errorf("busy key a second later: %d", code)
	}
}

// A task keeps bounded copies of its create's parameters, however long the
// values sent: it lives as long as the server, up to maxTasks of them.
func TestTaskKeepsBoundedCopies(t *testing.T) {
	s, err := New(Config{Clock: FixedClock(boundsNow), JournalSize: 1}) // the journal's bound is tested in journal_test.go
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	const big = 60 << 10 // under the 64 KiB a value may have
	long := func(c string) string { return strings.Repeat(c, big) }
	create := func(ak string) *httptest.ResponseRecorder {
		body := "Action=CreateUsageDetailDataExportTask&Version=2018-05-10&Format=JSON&Type=flow" +
			"&StartTime=2026-11-01T00:00:00Z&EndTime=2026-11-02T00:00:00Z&AccessKeyId=" + ak +
			"&TaskName=" + long("n") + "&DomainNames=" + long("d")
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	if w := create("AK-0"); w.Code != http.StatusOK {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	wantCut := func(what, v, c string) {
		t.Helper()
		marker := cutMarker(big)
		if len(v) > taskValueBytes || !strings.HasSuffix(v, marker) || strings.Trim(strings.TrimSuffix(v, marker), c) != "" {
			t.Errorf("%s kept as %d bytes %.40q…, want at most %d ending in %q", what, len(v), v, taskValueBytes, marker)
		}
	}
	for _, list := range s.tasks.all() {
		for _, tk := range list {
			wantCut("the name", tk.Name, "n")
			wantCut("Params[TaskName]", tk.Params["TaskName"], "n")
			wantCut("Params[DomainNames]", tk.Params["DomainNames"], "d")
			if tk.Start != "2026-11-01T00:00:00Z" || tk.Params["Type"] != "flow" {
				t.Errorf("short values changed: %q %v", tk.Start, tk.Params["Type"])
			}
		}
	}

	// Memory: each task must not pin its request. Whole, these tasks would
	// hold ≥ 120 KiB each; cut, a few KiB.
	const n = 300
	before := liveHeapInternal()
	for i := range n {
		if w := create(fmt.Sprintf("AK-m%d", i)); w.Code != http.StatusOK {
			t.Fatalf("create %d: %d %s", i, w.Code, w.Body)
		}
	}
	grew := int64(liveHeapInternal()) - int64(before)
	if per := grew / n; per > 16<<10 {
		t.Errorf("each task holds %d KiB, want under 16", per>>10)
	}
}

// liveHeapInternal is the heap in use after a full collection.
func liveHeapInternal() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
