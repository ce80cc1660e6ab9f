package mock

import "fmt"

// fallbackWarning is the note, in the X-Mock-Warning header and the
// journal, on a call the chosen scenario has no outcome for: it was answered
// as default answers, and a test that forced the scenario should know. Its
// parts are a loaded scenario's name and the spec's operation, so it is
// bounded by the files, never by what a client sends.
func fallbackWarning(sc *Scenario, action string) string {
	if _, listed := sc.Steps(action); listed {
		return fmt.Sprintf("no step of scenario %q answers this call of %s (its when or times rule every step out); answered as %s", sc.Name, action, ScenarioDefault)
	}
	return fmt.Sprintf("scenario %q has no outcome for %s; answered as %s", sc.Name, action, ScenarioDefault)
}
