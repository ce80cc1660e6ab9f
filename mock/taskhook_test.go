package mock_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// x-mock-state is checked when the spec loads, like every x-mock-* key.
func TestBrokenTaskState(t *testing.T) {
	good := shippedSpec(t)
	const (
		list   = "x-mock-state: {tasks: usage, do: list}"
		del    = "x-mock-state: {tasks: detail, do: delete, notFound: InvalidTaskId.Malformed}"
		create = "x-mock-state: {tasks: usage, do: create, report: pdf}"
	)
	cases := []struct {
		name, old, new string
		want           []string
	}{
		{"an unknown action, a family not in lower case", list, "x-mock-state: {tasks: Usage, do: purge}", []string{
			`DescribeUserUsageDataExportTask.post.x-mock-state: tasks: name the family of tasks in lower case, e.g. usage, not "Usage"`,
			`DescribeUserUsageDataExportTask.post.x-mock-state: do: "purge"; want create, list or delete`,
		}},
		{"an unknown field", list, "x-mock-state: {tasks: usage, do: list, pages: 3}", []string{
			`x-mock-state: malformed: unknown field "pages"`,
		}},
		{"a delete without its code", del, "x-mock-state: {tasks: detail, do: delete}", []string{
			"DeleteUsageDetailDataExportTask.post.x-mock-state: notFound: a delete names the code for an unknown TaskId",
		}},
		{"a code the operation does not document", del, "x-mock-state: {tasks: detail, do: delete, notFound: NoSuchTask}", []string{
			"notFound: NoSuchTask is not documented for DeleteUsageDetailDataExportTask",
		}},
		{"a report nobody makes, and a list with a code", create, "x-mock-state: {tasks: usage, do: create, report: docx, notFound: InvalidTimeRange}", []string{
			`report: "docx"; a create names the file its tasks serve: pdf, xlsx`,
			"notFound: only a delete answers it",
		}},
		{"an action on an operation without its parameters", create, "x-mock-state: {tasks: usage, do: delete, notFound: InvalidTimeRange}", []string{
			"do: delete reads the parameter TaskId, which CreateUserUsageDataExportTask does not declare",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.old) {
				t.Fatalf("the shipped spec has no %q", tc.old)
			}
			got := problems(t, mock.Config{Spec: []byte(strings.Replace(good, tc.old, tc.new, 1)), SpecFile: "spec.yaml"})
			assertProblems(t, got, tc.want...)
		})
	}
}

// A scenario's task outcome belongs to a create's success outcomes.
func TestBrokenTaskOutcome(t *testing.T) {
	files := fstest.MapFS{
		"a.yaml": {Data: []byte("operations:\n  DescribeUserUsageDataExportTask:\n    task: failed\n")},
		"b.yaml": {Data: []byte("operations:\n  CreateUserUsageDataExportTask:\n    error: InternalError\n    task: failed\n")},
		"c.yaml": {Data: []byte("operations:\n  CreateUsageDetailDataExportTask:\n    task: maybe\n")},
	}
	got := problems(t, mock.Config{Scenarios: files, ScenariosDir: "scenarios"})
	assertProblems(t, got,
		"scenarios/a.yaml:3: operations.DescribeUserUsageDataExportTask.task: applies to operations that create tasks or items (x-mock-state do: create); DescribeUserUsageDataExportTask does not",
		"scenarios/b.yaml:4: operations.CreateUserUsageDataExportTask.task: applies to success outcomes only",
		`scenarios/c.yaml:3: operations.CreateUsageDetailDataExportTask.task: task "maybe": write one of success, failed`,
	)
}

// A splice writes a raw JSON value, checked against the schema at load.
func TestFixtureSplices(t *testing.T) {
	const action = "DescribeUserUsageDataExportTask"
	broken := func(body string) fstest.MapFS {
		return withShippedFixtures(t, fstest.MapFS{action + "/success.json": {Data: []byte(body)}})
	}
	got := problems(t, mock.Config{Fixtures: broken(`{
  "RequestId": "{{ .RequestId }}",
  "UsageDataPerPage": {
    "PageSize": "{{ json .Page.Items }}",
    "PageNumber": "{{ json .Page.Number }} of many",
    "TotalCount": "{{ json .Page.Total }}",
    "Data": {"DataItem": "{{ json .Page.Items }}"}
  }
}`), FixturesDir: "fixtures", Scenarios: fstest.MapFS{}})
	assertProblems(t, got,
		"fixtures/DescribeUserUsageDataExportTask/success.json:4: UsageDataPerPage.PageSize: does not match the spec's response schema for DescribeUserUsageDataExportTask: PageSize is a list; write a whole number",
		"fixtures/DescribeUserUsageDataExportTask/success.json:5: UsageDataPerPage.PageNumber: does not match the spec's response schema for DescribeUserUsageDataExportTask: PageNumber \"1 of many\" is text; write a whole number",
	)

	// A string and a constant can be spliced too; the server serves it.
	_, custom := newServer(t, mock.Config{Fixtures: broken(`{
  "RequestId": "{{ json .RequestId }}",
  "UsageDataPerPage": {
    "PageSize": "{{ json .Page.Size }}",
    "PageNumber": "{{ json 7 }}",
    "TotalCount": "{{ json .Page.Total }}",
    "Data": {"DataItem": "{{ json .Page.Items }}"}
  }
}`)})
	r := call(t, custom, http.MethodGet, listParams(action, "AK-none"), nil)
	if r.status != 200 || r.str("RequestId") == "" || !strings.Contains(r.body, `"PageNumber":7,"TotalCount":0,"Data":{"DataItem":[]}`) {
		t.Errorf("custom splices, JSON: %d %s", r.status, r.body)
	}
	r = call(t, custom, http.MethodGet, listParams(action, "AK-none", "Format", "XML"), nil)
	if !strings.Contains(r.body, "<PageNumber>7</PageNumber><TotalCount>0</TotalCount><Data></Data>") || !strings.Contains(r.body, "<RequestId>") {
		t.Errorf("custom splices, XML: %s", r.body)
	}

	// The shipped fixture, escaped for each format.
	_, ts := newServer(t, mock.Config{})
	call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK-splice", "TaskName", `<&"x">`), nil)
	r = call(t, ts, http.MethodGet, listParams(action, "AK-splice"), nil)
	if !strings.Contains(r.body, `"PageSize":20,"PageNumber":1,"TotalCount":1,"Data":{"DataItem":[{"TaskId":"`) ||
		!strings.Contains(r.body, `"TaskName":"<&\"x\">"`) {
		t.Errorf("JSON splice: %s", r.body)
	}
	r = call(t, ts, http.MethodGet, listParams(action, "AK-splice", "Format", "XML"), nil)
	if !strings.Contains(r.body, "<PageSize>20</PageSize><PageNumber>1</PageNumber><TotalCount>1</TotalCount><Data><DataItem><TaskId>") ||
		!strings.Contains(r.body, "<TaskName>&lt;&amp;&#34;x&#34;&gt;</TaskName>") ||
		!strings.Contains(r.body, "<TaskConfig><StartTime>2026-11-01T00:00:00Z</StartTime><EndTime>2026-11-02T00:00:00Z</EndTime></TaskConfig></DataItem></Data>") {
		t.Errorf("XML splice: %s", r.body)
	}
}
