package mock_test

import (
	"net/http"
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
		"export-fails": "scenarios/export-fails.yaml", "custom-task": "scenarios/custom-task.yaml"}
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
}
