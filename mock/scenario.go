package mock

import "github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"

// The scenario stage's types under the names mock has always given them.
type (
	// Scenario is a named set of outcomes, one or a sequence per operation.
	Scenario = scenario.Scenario
	// Outcome is what one operation answers.
	Outcome = scenario.Outcome
	// Step is one outcome of a sequence.
	Step = scenario.Step
	// Delay is a fixed wait, or a range to pick from uniformly.
	Delay = scenario.Delay
)

// Names of the built-in scenarios that are not error codes.
const (
	ScenarioDefault = scenario.ScenarioDefault
	ScenarioSuccess = scenario.ScenarioSuccess
)

// MaxDelay is the longest delay X-Mock-Delay, a scenario's delay or --delay
// may ask for.
const MaxDelay = scenario.MaxDelay

// ParseDelay reads "250ms" or "100ms-400ms", at most MaxDelay.
func ParseDelay(s string) (Delay, error) { return scenario.ParseDelay(s) }

// ScenarioSchema is the JSON Schema of scenario files.
func ScenarioSchema() []byte { return scenario.ScenarioSchema() }
