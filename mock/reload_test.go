package mock_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// TestHotReload edits scenario and fixture files on disk under a running
// server: good edits are picked up, a broken one keeps the last good set and
// is reported, and fixing it clears the report.
func TestHotReload(t *testing.T) {
	scenarios, fixtures := t.TempDir(), t.TempDir()
	write := func(path, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(fixtures, createAction, "success.json"), string(shippedFixture(t, "success.json")))
	writeShippedFixtures(t, fixtures) // the other operations'

	srv, ts := newServer(t, mock.Config{
		Scenarios: os.DirFS(scenarios), ScenariosDir: scenarios,
		Fixtures: os.DirFS(fixtures), FixturesDir: fixtures,
	})
	reloads := make(chan error, 16)
	stop, err := srv.Watch(func(err error) { reloads <- err }, scenarios, fixtures)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	next := func() error {
		t.Helper()
		select {
		case err := <-reloads:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("no reload within 10s of a file change")
			return nil
		}
	}
	scenarioFile := filepath.Join(scenarios, "refuse.yaml")
	first := "operations:\n  CreateUserUsageDataExportTask:\n    error: InvalidParameterOperator\n"
	write(scenarioFile, first)
	if err := next(); err != nil {
		t.Fatalf("a good file was refused: %v", err)
	}
	h := http.Header{"X-Mock-Scenario": {"refuse"}}
	if r := call(t, ts, http.MethodPost, createParams(), h); r.str("Code") != "InvalidParameterOperator" {
		t.Fatalf("the new scenario is not served: %s", r.body)
	}

	// A new fixture, then a scenario using it.
	write(filepath.Join(fixtures, createAction, "fixed.json"), strings.Replace(string(shippedFixture(t, "success.json")), "{{ .TaskId }}", "777", 1))
	if err := next(); err != nil {
		t.Fatalf("a new fixture was refused: %v", err)
	}
	write(scenarioFile, "operations:\n  CreateUserUsageDataExportTask:\n    fixture: fixed\n")
	if err := next(); err != nil {
		t.Fatalf("a scenario using it was refused: %v", err)
	}
	if r := call(t, ts, http.MethodPost, createParams(), h); r.str("TaskId") != "777" {
		t.Fatalf("the new fixture is not served: %s", r.body)
	}

	// A broken edit is refused; the last good set keeps answering.
	write(scenarioFile, "operations:\n  CreateUserUsageDataExportTask:\n    fixture: nope\n")
	err = next()
	if err == nil || !strings.Contains(err.Error(), "refuse.yaml:3: operations.CreateUserUsageDataExportTask.fixture: no fixture \"nope\"") {
		t.Fatalf("broken edit: %v", err)
	}
	if r := call(t, ts, http.MethodPost, createParams(), h); r.str("TaskId") != "777" {
		t.Errorf("the last good set is gone: %s", r.body)
	}
	st := admin(t, ts, http.MethodGet, "/_mock/scenarios", "")
	if !strings.Contains(st.str("reloadError"), "refuse.yaml:3") {
		t.Errorf("reloadError %q", st.str("reloadError"))
	}

	write(scenarioFile, first)
	if err := next(); err != nil {
		t.Fatalf("the fix was refused: %v", err)
	}
	if st := admin(t, ts, http.MethodGet, "/_mock/scenarios", ""); st.str("reloadError") != "" {
		t.Errorf("reloadError stays after a good reload: %q", st.str("reloadError"))
	}
}
