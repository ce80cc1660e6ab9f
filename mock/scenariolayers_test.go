package mock_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// Scenarios adds to the shipped scenario files; a file of the same name
// replaces the shipped one, and NoShippedScenarios leaves them out.
func TestScenarioDirAddsToShipped(t *testing.T) {
	mine := fstest.MapFS{
		"mine.yaml":           {Data: []byte("operations:\n  CreateUserUsageDataExportTask: {error: InvalidTimeRange}\n")},
		"export-refused.yaml": {Data: []byte("description: my own\noperations:\n  CreateUserUsageDataExportTask: {error: InvalidStartTime.Malformed}\n")},
	}
	sources := func(cfg mock.Config) map[string]string {
		_, ts := newServer(t, cfg)
		r := admin(t, ts, http.MethodGet, "/_mock/scenarios", "")
		out := map[string]string{}
		for _, sc := range r.fields["scenarios"].([]any) {
			m := sc.(map[string]any)
			if m["source"] != "builtin" {
				out[m["name"].(string)] = m["source"].(string)
			}
		}
		return out
	}
	got := sources(mock.Config{Scenarios: mine, ScenariosDir: "mine"})
	want := map[string]string{"mine": "mine/mine.yaml", "export-refused": "mine/export-refused.yaml",
		"export-fails": "scenarios/export-fails.yaml", "custom-task": "scenarios/custom-task.yaml",
		"refresh-fails": "scenarios/refresh-fails.yaml"}
	if len(got) != len(want) {
		t.Errorf("scenario files: %v, want %v", got, want)
	}
	for name, src := range want {
		if got[name] != src {
			t.Errorf("%s: from %q, want %q", name, got[name], src)
		}
	}

	got = sources(mock.Config{Scenarios: mine, ScenariosDir: "mine", NoShippedScenarios: true})
	if len(got) != 2 || got["mine"] == "" || got["export-refused"] != "mine/export-refused.yaml" {
		t.Errorf("without the shipped ones: %v", got)
	}

	// Fixtures of one's own keep the shipped scenarios (a shipped one that
	// names a missing fixture is a file:line problem); a spec of one's own
	// leaves them out, as they name the shipped spec's operations.
	got = sources(mock.Config{Fixtures: withShippedFixtures(t, fstest.MapFS{}), FixturesDir: "mine-fixtures"})
	if got["custom-task"] != "scenarios/custom-task.yaml" || got["export-fails"] != "scenarios/export-fails.yaml" || got["export-refused"] != "scenarios/export-refused.yaml" {
		t.Errorf("with Fixtures of one's own, the shipped scenarios: %v, want all three", got)
	}
	if got = sources(mock.Config{Spec: []byte(shippedSpec(t)), SpecFile: "mine.yaml"}); len(got) != 0 {
		t.Errorf("with a Spec of one's own, the shipped scenarios are served: %v", got)
	}
}

// An unknown --scenario that is a shipped scenario left out says why.
func TestLeftOutShippedScenarioSaysSo(t *testing.T) {
	got := problems(t, mock.Config{NoShippedScenarios: true, Scenario: "custom-task"})
	assertProblems(t, got, `--scenario: no scenario "custom-task"`)
	if !strings.Contains(got[0], `"custom-task" is a shipped scenario, left out by --no-shipped-scenarios`) {
		t.Errorf("the message does not say custom-task was left out: %s", got[0])
	}
	got = problems(t, mock.Config{Spec: []byte(shippedSpec(t)), SpecFile: "mine.yaml", Scenario: "export-fails"})
	assertProblems(t, got, `"export-fails" is a shipped scenario, left out by --spec`)
	// A name that is no shipped file gets the did-you-mean alone.
	got = problems(t, mock.Config{NoShippedScenarios: true, Scenario: "custom-tsk"})
	if strings.Contains(strings.Join(got, "\n"), "shipped") {
		t.Errorf("custom-tsk is no shipped file: %q", got)
	}
}
