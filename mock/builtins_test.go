package mock

import "testing"

// A built-in error scenario answers its code on exactly the operations
// that document it, a common code and a fault on every operation: the
// built-ins share one steps slice per scenario (scenario.Builtins), and
// lookups and listings must still see each operation, and no name the
// spec lacks.
func TestBuiltinScenarioSteps(t *testing.T) {
	cat := newBenchServer(t).catalog.Load()
	sp := cat.spec
	for _, name := range []string{"InvalidDomainName.Malformed", "InvalidParameter", "fault:reset", ScenarioSuccess} {
		sc := cat.scenarios[name]
		if sc == nil {
			t.Fatalf("no built-in scenario %s", name)
		}
		listed := 0
		for range sc.Operations() {
			listed++
		}
		want := 0
		for _, op := range sp.OperationNames() {
			documents := true
			if name == "InvalidDomainName.Malformed" {
				_, documents = sp.Summary(op).Documents(name)
			}
			steps, ok := sc.Steps(op)
			if ok != documents || (ok && len(steps) != 1) {
				t.Errorf("%s on %s: %d steps, listed %v, want listed %v", name, op, len(steps), ok, documents)
			}
			if ok && name != ScenarioSuccess && name != "fault:reset" && steps[0].Error != name {
				t.Errorf("%s on %s answers %+v", name, op, steps[0].Outcome)
			}
			if documents {
				want++
			}
		}
		if listed != want || want == 0 {
			t.Errorf("%s lists %d operations, want %d", name, listed, want)
		}
		if steps, ok := sc.Steps("NoSuchOperation"); ok || steps != nil {
			t.Errorf("%s lists an operation the spec lacks: %d steps", name, len(steps))
		}
	}
}
