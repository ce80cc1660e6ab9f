package mock_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// A scenario with no outcome for the operation called answers as default
// does, and says so in the answer and in the journal.
func TestScenarioWithoutOutcomeWarns(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	describe := createParams("Action", "DescribeUserUsageDataExportTask", "StartTime", "", "EndTime", "")
	r := call(t, ts, http.MethodPost, describe, http.Header{"X-Mock-Scenario": {"InvalidTimeRange"}})
	want := `scenario "InvalidTimeRange" has no outcome for DescribeUserUsageDataExportTask; answered as default`
	if r.status != 200 || r.header.Get(mock.HeaderWarning) != want {
		t.Errorf("%d %q %s", r.status, r.header.Get(mock.HeaderWarning), r.body)
	}
	// The operation it has an outcome for: no warning.
	r = call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Scenario": {"InvalidTimeRange"}})
	if r.status != 400 || r.header.Get(mock.HeaderWarning) != "" {
		t.Errorf("%d %q", r.status, r.header.Get(mock.HeaderWarning))
	}
	// default itself has no outcomes to miss.
	r = call(t, ts, http.MethodPost, describe, nil)
	if r.header.Get(mock.HeaderWarning) != "" {
		t.Errorf("default warns: %q", r.header.Get(mock.HeaderWarning))
	}

	es := srv.Requests(mock.RequestFilter{})
	if len(es) != 3 || es[0].Warning != want || es[1].Warning != "" || es[2].Warning != "" {
		t.Fatalf("journal: %+v", es)
	}
	if j := admin(t, ts, http.MethodGet, "/_mock/requests", ""); !strings.Contains(j.body, `"warning":"scenario \"InvalidTimeRange\" has no outcome`) {
		t.Errorf("GET /_mock/requests lacks the warning: %s", j.body)
	}
}

// A scenario whose steps for the operation all rule themselves out says
// that instead.
func TestScenarioStepsRuledOutWarn(t *testing.T) {
	file := "operations:\n  CreateUserUsageDataExportTask:\n    - {error: InvalidTimeRange, when: {TaskName: nightly-*}}\n"
	_, ts := newServer(t, mock.Config{Scenarios: fstest.MapFS{"nightly.yaml": {Data: []byte(file)}}})
	h := http.Header{"X-Mock-Scenario": {"nightly"}}
	if r := call(t, ts, http.MethodPost, createParams("TaskName", "nightly-1"), h); r.status != 400 || r.header.Get(mock.HeaderWarning) != "" {
		t.Errorf("matching step: %d %q", r.status, r.header.Get(mock.HeaderWarning))
	}
	r := call(t, ts, http.MethodPost, createParams("TaskName", "daily"), h)
	if want := `no step of scenario "nightly" answers this call of CreateUserUsageDataExportTask`; r.status != 200 || !strings.HasPrefix(r.header.Get(mock.HeaderWarning), want) {
		t.Errorf("no step matches: %d %q", r.status, r.header.Get(mock.HeaderWarning))
	}
}

// A code the metadata documents only as a template ("Invalid%s.ValueNotSupported")
// is served as one concrete code per parameter, and a scenario forces it.
func TestTemplateCodeIsForceable(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	op := srv.Spec().Operation("DescribeCdnDomainConfigs")
	if op == nil {
		t.Fatal("no DescribeCdnDomainConfigs")
	}
	if _, ok := op.Documents("InvalidFunctionNames.ValueNotSupported"); !ok {
		t.Fatalf("codes of DescribeCdnDomainConfigs: %v", op.Errors())
	}
	q := createParams("Action", "DescribeCdnDomainConfigs", "StartTime", "", "EndTime", "", "DomainName", "example.com")
	r := call(t, ts, http.MethodPost, q, http.Header{"X-Mock-Scenario": {"InvalidFunctionNames.ValueNotSupported"}})
	if r.status != 400 || r.str("Code") != "InvalidFunctionNames.ValueNotSupported" {
		t.Errorf("%d %s", r.status, r.body)
	}
}

// The warning does not depend on how the scenario was chosen: a binding of
// the access key and the active scenario warn as the header does.
func TestBoundAndActiveScenariosWarn(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	describe := func(ak string) reply {
		return call(t, ts, http.MethodPost, createParams("Action", "DescribeUserUsageDataExportTask", "StartTime", "", "EndTime", "", "AccessKeyId", ak), nil)
	}
	bind(t, srv, "AK-bound", "InvalidTimeRange")
	want := `scenario "InvalidTimeRange" has no outcome for DescribeUserUsageDataExportTask; answered as default`
	if r := describe("AK-bound"); r.status != 200 || r.header.Get(mock.HeaderWarning) != want {
		t.Errorf("bound scenario: %d %q", r.status, r.header.Get(mock.HeaderWarning))
	}
	if r := describe("AK-other"); r.header.Get(mock.HeaderWarning) != "" {
		t.Errorf("default for an unbound key warns: %q", r.header.Get(mock.HeaderWarning))
	}
	if err := srv.SetScenario("export-refused"); err != nil {
		t.Fatal(err)
	}
	wantActive := `scenario "export-refused" has no outcome for DescribeUserUsageDataExportTask; answered as default`
	if r := describe("AK-other"); r.status != 200 || r.header.Get(mock.HeaderWarning) != wantActive {
		t.Errorf("active scenario: %d %q", r.status, r.header.Get(mock.HeaderWarning))
	}
	es := srv.Requests(mock.RequestFilter{})
	var got []string
	for _, e := range es {
		got = append(got, e.Warning)
	}
	if len(got) != 3 || got[0] != want || got[1] != "" || got[2] != wantActive {
		t.Errorf("journal warnings: %q", got)
	}
}
