package mock_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// writeAtomic writes a file as one change: written aside, then renamed into
// place, so a watcher sees a single event and never a half-written file.
func writeAtomic(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), filepath.Base(path)) // same file system, outside the watched tree
	if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestHotReload edits scenario and fixture files on disk under a running
// server: good edits are picked up, a broken one keeps the last good set and
// is reported, and fixing it clears the report. Each edit is one event, and
// the test waits for the reload's own report, so no timer decides the
// outcome.
func TestHotReload(t *testing.T) {
	scenarios, fixtures := t.TempDir(), t.TempDir()
	write := func(path, body string) { t.Helper(); writeAtomic(t, path, body) }
	write(filepath.Join(fixtures, createAction, "success.json"), string(shippedFixture(t, "success.json")))
	writeShippedFixtures(t, fixtures) // the other operations'

	srv, ts := newServer(t, mock.Config{
		Scenarios: os.DirFS(scenarios), ScenariosDir: scenarios,
		Fixtures: os.DirFS(fixtures), FixturesDir: fixtures,
		NoShippedScenarios: true, // the shipped custom-task names a fixture these files lack
	})
	mock.SetReloadSettle(srv, 0) // one event per edit: nothing to wait for
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

// refuseScenario answers CreateUserUsageDataExportTask with
// InvalidParameterOperator and message.
func refuseScenario(message string) string {
	return "operations:\n  CreateUserUsageDataExportTask:\n    error: InvalidParameterOperator\n    message: " + message + "\n"
}

// reloadServer serves the scenario files of a directory on disk.
func reloadServer(t *testing.T, files map[string]string) (srv *mock.Server, ts *httptest.Server, dir string) {
	t.Helper()
	dir = t.TempDir()
	for name, body := range files {
		writeAtomic(t, filepath.Join(dir, name), body)
	}
	srv, ts = newServer(t, mock.Config{Scenarios: os.DirFS(dir), ScenariosDir: dir})
	t.Cleanup(srv.Close)
	return srv, ts, dir
}

// sdkMessage is the error message the old SDK reports for a call by ak.
func sdkMessage(t *testing.T, ts *httptest.Server, ak string) string {
	t.Helper()
	_, err := legacyCreate(t, ts, ak, nil)
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) || se.ErrorCode() != "InvalidParameterOperator" {
		t.Fatalf("%s: %v, want InvalidParameterOperator", ak, err)
	}
	return se.Message()
}

// Two reloads at once: the first has read the older files and is paused
// before installing them while the files change and a second reload starts.
// The newer files must win, whatever the interleaving.
func TestConcurrentReloadsInstallTheNewestFiles(t *testing.T) {
	srv, ts, dir := reloadServer(t, map[string]string{"gen.yaml": refuseScenario("v0")})
	if err := srv.Bind("AK-gen", "gen"); err != nil {
		t.Fatal(err)
	}
	loaded, release, waits := make(chan struct{}), make(chan struct{}), make(chan struct{}, 1)
	var first atomic.Bool
	first.Store(true)
	mock.SetReloadHooks(srv, func() {
		if first.CompareAndSwap(true, false) {
			close(loaded)
			<-release
		}
	}, func() { waits <- struct{}{} })

	writeAtomic(t, filepath.Join(dir, "gen.yaml"), refuseScenario("v1"))
	errA, errB := make(chan error, 1), make(chan error, 1)
	go func() { errA <- srv.Reload() }()
	within(t, loaded, "the first reload reading v1")
	writeAtomic(t, filepath.Join(dir, "gen.yaml"), refuseScenario("v2"))
	go func() { errB <- srv.Reload() }()
	select {
	case <-waits: // the second reload waits for the first, as it must
	case err := <-errB: // it ran alongside: the first will now install v1 over v2
		errB <- err
	case <-time.After(10 * time.Second):
		t.Fatal("the second reload neither waited nor finished")
	}
	close(release)
	if err := within(t, errA, "the first reload"); err != nil {
		t.Fatal(err)
	}
	if err := within(t, errB, "the second reload"); err != nil {
		t.Fatal(err)
	}
	if got := sdkMessage(t, ts, "AK-gen"); got != "v2" {
		t.Errorf("after both reloads the server answers %q, want the newest file's v2", got)
	}
}

// A reload that would drop the active scenario, or one an access key is
// bound to, is refused with a message naming them; the last good set keeps
// answering.
func TestReloadKeepsScenariosInUse(t *testing.T) {
	srv, ts, dir := reloadServer(t, map[string]string{
		"active.yaml": refuseScenario("active"),
		"bound.yaml":  refuseScenario("bound"),
	})
	if err := srv.SetScenario("active"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Bind("AK-bound", "bound"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"active.yaml", "bound.yaml"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	err := srv.Reload()
	wantActive := filepath.Join(dir, "active.yaml") + `: scenario "active" is the active one and would be dropped`
	wantBound := filepath.Join(dir, "bound.yaml") + `: scenario "bound" is bound to access key(s) ["AK-bound"] and would be dropped`
	if err == nil || !strings.Contains(err.Error(), wantActive) || !strings.Contains(err.Error(), wantBound) {
		t.Fatalf("reload: %v\nwant %s\nand  %s", err, wantActive, wantBound)
	}
	if got := sdkMessage(t, ts, "AK-other"); got != "active" {
		t.Errorf("the active scenario answers %q after a refused reload", got)
	}
	if got := sdkMessage(t, ts, "AK-bound"); got != "bound" {
		t.Errorf("the bound scenario answers %q after a refused reload", got)
	}
	if st := admin(t, ts, http.MethodGet, "/_mock/scenarios", ""); !strings.Contains(st.str("reloadError"), wantBound) {
		t.Errorf("reloadError %q", st.str("reloadError"))
	}

	// Once nothing uses them, the same files reload.
	srv.ResetScenarios()
	if err := srv.Reload(); err != nil {
		t.Fatalf("reload with nothing in use: %v", err)
	}
	if err := srv.SetScenario("active"); err == nil {
		t.Error("the dropped scenario can still be set")
	}
}

// A scenario set while a reload reads its files is checked too: the check
// is made when the new set is installed, not when it was read.
func TestReloadChecksScenariosSetWhileItReads(t *testing.T) {
	srv, ts, dir := reloadServer(t, map[string]string{"late.yaml": refuseScenario("late")})
	loaded, release := make(chan struct{}), make(chan struct{})
	mock.SetReloadHooks(srv, func() { close(loaded); <-release }, nil)
	if err := os.Remove(filepath.Join(dir, "late.yaml")); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Reload() }()
	within(t, loaded, "the reload reading the files")
	if err := srv.SetScenario("late"); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := within(t, errc, "the reload"); err == nil || !strings.Contains(err.Error(), `scenario "late" is the active one`) {
		t.Fatalf("reload: %v", err)
	}
	if got := sdkMessage(t, ts, "AK-late"); got != "late" {
		t.Errorf("the active scenario answers %q", got)
	}
}

// goroutinesIn counts the goroutines whose stack passes through fn.
func goroutinesIn(fn string) int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), fn)
		}
		buf = make([]byte, 2*len(buf))
	}
}

// Close stops every Watch: once it returns, the watcher's goroutine is gone
// (so a file change reloads nothing), stop still returns, and no Watch
// starts.
func TestCloseStopsWatch(t *testing.T) {
	const watcher = "mock.(*Server).watch("
	before := goroutinesIn(watcher)
	srv, _, dir := reloadServer(t, map[string]string{"a.yaml": refuseScenario("a")})
	mock.SetReloadSettle(srv, 0)
	reloads := make(chan error, 16)
	stop, err := srv.Watch(func(err error) { reloads <- err }, dir)
	if err != nil {
		t.Fatal(err)
	}
	writeAtomic(t, filepath.Join(dir, "b.yaml"), refuseScenario("b"))
	if err := within(t, reloads, "a reload before Close"); err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	within(t, closed, "Close returning")
	// Only the watcher reloads on a file change: with it gone, none can.
	if n := goroutinesIn(watcher) - before; n != 0 {
		t.Fatalf("%d watcher goroutine(s) left after Close", n)
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	within(t, stopped, "stop returning after Close")
	if _, err := srv.Watch(nil, dir); err == nil {
		t.Error("Watch after Close started a watcher that nothing would stop")
	}
}
