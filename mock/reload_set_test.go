package mock_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// SetScenario and Bind check that their scenario exists and set it as one
// step against reloads: a reload that would drop it, started between the
// check and the set, waits for the set and is then refused, and the
// scenario keeps answering.
func TestReloadCannotDropAScenarioBeingSet(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(*mock.Server) error
		ak   string // a key the scenario answers
	}{
		{"SetScenario", func(srv *mock.Server) error { return srv.SetScenario("late") }, "AK-any"},
		{"Bind", func(srv *mock.Server) error { return srv.Bind("AK-late", "late") }, "AK-late"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, ts, dir := reloadServer(t, map[string]string{"late.yaml": refuseScenario("late")})
			if err := os.Remove(filepath.Join(dir, "late.yaml")); err != nil {
				t.Fatal(err)
			}
			reloaded, waits := make(chan error, 1), make(chan struct{}, 1)
			mock.SetScenarioHooks(srv, func() { // between the check and the set
				go func() { reloaded <- srv.Reload() }()
				select {
				case <-waits: // the reload waits for the set, as it must
				case err := <-reloaded: // it ran in between: the set now follows the drop
					reloaded <- err
				case <-time.After(10 * time.Second):
					t.Error("the reload neither waited nor finished")
				}
			}, func() { waits <- struct{}{} })
			setErr := tc.set(srv)
			reloadErr := within(t, reloaded, "the reload")
			if setErr != nil || reloadErr == nil || !strings.Contains(reloadErr.Error(), `scenario "late" is`) {
				t.Fatalf("%s: %v; reload: %v; want the set done and the reload refused", tc.name, setErr, reloadErr)
			}
			if got := sdkMessage(t, ts, tc.ak); got != "late" {
				t.Errorf("the scenario set answers %q", got)
			}
		})
	}
}
