package mock

// State keyed by what callers send (access keys, actions) stays within a
// global bound at a pinned clock (the stages' own bounds are tested in
// package scenario).

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

var boundsNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// The server's own bound, through Bind and the admin API.
func TestServerBindingsBounded(t *testing.T) {
	s, err := New(Config{Clock: FixedClock(boundsNow)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	for i := range scenario.MaxBindings {
		if err := s.Bind(fmt.Sprintf("AK-%d", i), "InternalError"); err != nil {
			t.Fatalf("binding %d: %v", i, err)
		}
	}
	if err := s.Bind("AK-one-more", "InternalError"); !errors.Is(err, scenario.ErrTooManyBindings) {
		t.Fatalf("binding %d: %v, want scenario.ErrTooManyBindings", scenario.MaxBindings+1, err)
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
	keys := scenario.MaxBuckets + scenario.MaxBuckets/2
	if testing.Short() {
		keys = scenario.MaxBuckets + 100
	}
	for i := range keys {
		if code := get(fmt.Sprintf("AK-%d", i)); code != http.StatusOK {
			t.Fatalf("new key %d: %d", i, code)
		}
		if i%50 == 0 && get("AK-busy") != http.StatusBadRequest {
			t.Fatalf("busy key's call %d was not throttled after %d other keys", limit+1, i)
		}
	}
	if n := s.throttle.Len(); n != scenario.MaxBuckets {
		t.Errorf("%d buckets, want the bound %d", n, scenario.MaxBuckets)
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
		marker := journal.CutMarker(big)
		if len(v) > tasks.ValueBytes || !strings.HasSuffix(v, marker) || strings.Trim(strings.TrimSuffix(v, marker), c) != "" {
			t.Errorf("%s kept as %d bytes %.40q…, want at most %d ending in %q", what, len(v), v, tasks.ValueBytes, marker)
		}
	}
	for _, list := range s.tasks.All() {
		for _, tk := range list {
			wantCut("the name", tk.Name(), "n")
			wantCut("Params[TaskName]", tk.Params()["TaskName"], "n")
			wantCut("Params[DomainNames]", tk.Params()["DomainNames"], "d")
			if tk.Start() != "2026-11-01T00:00:00Z" || tk.Params()["Type"] != "flow" {
				t.Errorf("short values changed: %q %v", tk.Start(), tk.Params()["Type"])
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

// An access key id longer than contract.MaxAccessKeyIDBytes is refused before
// any state keyed by it is touched: no throttle bucket, no step count, no
// task, no binding. One of exactly the bound is served and counted.
func TestLongAccessKeyTouchesNoState(t *testing.T) {
	s, err := New(Config{Clock: FixedClock(boundsNow), Scenario: "counted",
		Scenarios: fstest.MapFS{"counted.yaml": {Data: []byte("operations:\n  CreateUserUsageDataExportTask:\n    - fixture: success\n      times: 5\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	create := func(ak string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/?"+limitsParams("AccessKeyId", ak).Encode(), nil))
		return w
	}
	tooLong := strings.Repeat("K", contract.MaxAccessKeyIDBytes+1)
	for _, ak := range []string{tooLong, strings.Repeat("L", 64<<10)} {
		w := create(ak)
		want := fmt.Sprintf(`"Code":"InvalidAccessKeyId.NotFound","Message":"Specified access key is not found. The access key id is %d bytes long, longer than 128 bytes."`, len(ak))
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), want) {
			t.Errorf("a %d-byte access key: %d %s\nwant 404 %s", len(ak), w.Code, w.Body, want)
		}
	}
	if err := s.Bind(tooLong, "counted"); !errors.Is(err, scenario.ErrAccessKeyTooLong) {
		t.Errorf("binding a %d-byte key: %v, want scenario.ErrAccessKeyTooLong", len(tooLong), err)
	}
	_, bindings := s.control.Snapshot()
	if b, c, n := s.throttle.Len(), s.counters.Len(), len(s.tasks.All()); b != 0 || c != 0 || n != 0 || len(bindings) != 0 {
		t.Fatalf("after refused calls: %d throttle buckets, %d step counts, %d task accounts, %d bindings; want none", b, c, n, len(bindings))
	}

	atBound := strings.Repeat("K", contract.MaxAccessKeyIDBytes)
	if err := s.Bind(atBound, "counted"); err != nil {
		t.Errorf("binding a %d-byte key: %v", len(atBound), err)
	}
	if w := create(atBound); w.Code != http.StatusOK {
		t.Fatalf("a %d-byte access key: %d %s", len(atBound), w.Code, w.Body)
	}
	if b, c, n := s.throttle.Len(), s.counters.Len(), len(s.tasks.All()); b != 1 || c != 1 || n != 1 {
		t.Errorf("after one call: %d throttle buckets, %d step counts, %d task accounts; want 1 each", b, c, n)
	}
}
