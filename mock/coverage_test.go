package mock_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

func outcomeCount(r adminapi.CoverageReport, action, outcome string) (int64, bool) {
	for _, op := range r.Operations {
		if op.Action == action {
			for _, o := range op.Outcomes {
				if o.Outcome == outcome {
					return o.Count, true
				}
			}
		}
	}
	return 0, false
}

// Coverage lists every documented outcome of each operation and counts
// what was served: successes, documented errors, throttling and faults.
func TestCoverage(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	all := srv.Coverage("")
	if len(all.Operations) != len(srv.Spec().OperationNames()) || all.Covered != 0 || all.Total == 0 {
		t.Fatalf("at start: %d operations, covered %d of %d", len(all.Operations), all.Covered, all.Total)
	}
	create := srv.Coverage("CreateUserUsageDataExportTask").Operations[0]
	op := srv.Spec().Operation("CreateUserUsageDataExportTask")
	want := 1 + len(op.Errors())
	if op.RateLimit > 0 {
		want++ // Throttling.User
	}
	if len(create.Outcomes) != want || create.Outcomes[0].Outcome != "success" || create.Outcomes[0].Status != 200 {
		t.Fatalf("outcomes of CreateUserUsageDataExportTask: %+v, want success, then %d codes", create.Outcomes, want-1)
	}

	call(t, ts, http.MethodPost, createParams(), nil)
	call(t, ts, http.MethodPost, createParams(), nil)
	call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Scenario": {"InvalidTimeRange"}})
	call(t, ts, http.MethodPost, createParams("Action", "Nope"), nil)                                // no operation: nothing to count
	call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Scenario": {"NoSuchScenario"}}) // the mock's own error
	call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Scenario": {"fault:garbage"}})

	r := srv.Coverage("Create*")
	for outcome, want := range map[string]int64{"success": 2, "InvalidTimeRange": 1, "fault:garbage": 1} {
		if got, _ := outcomeCount(r, "CreateUserUsageDataExportTask", outcome); got != want {
			t.Errorf("%s: count %d, want %d", outcome, got, want)
		}
	}
	for _, o := range r.Operations {
		if !strings.HasPrefix(o.Action, "Create") {
			t.Errorf("?action=Create* lists %s", o.Action)
		}
	}
	if _, listed := outcomeCount(r, "CreateUserUsageDataExportTask", "fault:reset"); listed {
		t.Error("a fault never served is listed")
	}
	// covered counts documented outcomes only: the fault is not one.
	covered := 0
	for _, o := range r.Operations {
		for _, x := range o.Outcomes {
			if x.Count > 0 && !strings.HasPrefix(x.Outcome, "fault:") {
				covered++
			}
		}
	}
	if r.Covered != covered || r.Covered < 2 {
		t.Errorf("covered %d, want %d", r.Covered, covered)
	}

	// GET /_mock/coverage answers the same; DELETE starts again.
	if a := admin(t, ts, http.MethodGet, "/_mock/coverage?action=CreateUserUsageDataExportTask", ""); a.status != 200 ||
		!strings.Contains(a.body, `{"outcome":"InvalidTimeRange","status":400,"count":1}`) {
		t.Errorf("GET /_mock/coverage: %d %s", a.status, a.body)
	}
	admin(t, ts, http.MethodDelete, "/_mock/coverage", "")
	if r := srv.Coverage(""); r.Covered != 0 {
		t.Errorf("after DELETE: covered %d", r.Covered)
	}
}

// The throttling code is an outcome of an operation with a rate, and is
// counted when served.
func TestCoverageThrottling(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	var action string
	for _, name := range srv.Spec().OperationNames() {
		if op := srv.Spec().Operation(name); op.RateLimit > 0 && name == "CreateUserUsageDataExportTask" {
			action = name
		}
	}
	if action == "" {
		t.Skip("CreateUserUsageDataExportTask documents no rate")
	}
	call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Scenario": {"Throttling.User"}})
	if n, listed := outcomeCount(srv.Coverage(action), action, "Throttling.User"); !listed || n != 1 {
		t.Errorf("Throttling.User: listed %v, count %d", listed, n)
	}
}

// A reload keeps the counts, by operation and outcome name.
func TestCoverageSurvivesReload(t *testing.T) {
	files := fstest.MapFS{"mine.yaml": {Data: []byte("operations:\n  CreateUserUsageDataExportTask: {error: InvalidTimeRange}\n")}}
	srv, ts := newServer(t, mock.Config{Scenarios: files, ScenariosDir: "mine"})
	call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Scenario": {"mine"}})
	if err := srv.Reload(); err != nil {
		t.Fatal(err)
	}
	call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Scenario": {"mine"}})
	if n, _ := outcomeCount(srv.Coverage(""), "CreateUserUsageDataExportTask", "InvalidTimeRange"); n != 2 {
		t.Errorf("after a reload: count %d, want 2", n)
	}
}

// A reset is never undone by a reload, whenever it lands: while the reload
// reads its files, or right after it swaps them in (a reload once copied
// the counts into the new files' table after the swap, bringing back what
// a reset had just cleared). And counts served across reloads all stay.
func TestCoverageResetAcrossReload(t *testing.T) {
	files := fstest.MapFS{"mine.yaml": {Data: []byte("operations:\n  CreateUserUsageDataExportTask: {error: InvalidTimeRange}\n")}}
	srv, ts := newServer(t, mock.Config{Scenarios: files, ScenariosDir: "mine"})
	const action, outcome = "CreateUserUsageDataExportTask", "InvalidTimeRange"
	serve := func() { call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Scenario": {"mine"}}) }
	count := func() int64 { n, _ := outcomeCount(srv.Coverage(action), action, outcome); return n }
	for _, at := range []string{"loaded", "swapped"} {
		serve()
		reset := func() { srv.ResetCoverage() }
		if at == "loaded" {
			mock.SetReloadHooks(srv, reset, nil)
			mock.SetReloadSwappedHook(srv, nil)
		} else {
			mock.SetReloadHooks(srv, nil, nil)
			mock.SetReloadSwappedHook(srv, reset)
		}
		if err := srv.Reload(); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 0 {
			t.Errorf("reset when the reload had %s its files: count %d after it, want 0", at, n)
		}
	}
	// Counts served between reloads add up, and a reset then clears them.
	mock.SetReloadHooks(srv, func() { serve() }, nil)
	mock.SetReloadSwappedHook(srv, func() { serve() })
	serve()
	if err := srv.Reload(); err != nil {
		t.Fatal(err)
	}
	serve()
	if n := count(); n != 4 {
		t.Errorf("served before, during, right after and after a reload: count %d, want 4", n)
	}
	srv.ResetCoverage()
	if err := srv.Reload(); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 2 {
		t.Errorf("reset, then a reload serving twice: count %d, want 2", n)
	}
}
