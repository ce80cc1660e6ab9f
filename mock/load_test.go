package mock_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alibaba-cloud-mock/cdnmock/fixtures"
	"github.com/alibaba-cloud-mock/cdnmock/mock"
	"github.com/alibaba-cloud-mock/cdnmock/spec"
)

// TestShippedData holds the repository's own spec, scenarios and fixtures to
// every startup check, so a broken file fails CI.
func TestShippedData(t *testing.T) {
	if err := mock.Check(mock.Config{Clock: mock.FixedClock(testNow)}); err != nil {
		t.Fatal(err)
	}
}

func shippedSpec(t testing.TB) string {
	t.Helper()
	b, err := spec.FS.ReadFile(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func shippedFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fixtures.FS.ReadFile(createAction + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// problems runs the startup checks and returns each reported line.
func problems(t *testing.T, cfg mock.Config) []string {
	t.Helper()
	cfg.Clock = mock.FixedClock(testNow)
	err := mock.Check(cfg)
	if err == nil {
		t.Fatal("the broken files were accepted")
	}
	ps, ok := err.(mock.Problems)
	if !ok {
		t.Fatalf("error is %T, want mock.Problems: %v", err, err)
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	if _, err := mock.New(cfg); err == nil {
		t.Error("mock.New accepted what Check refused")
	}
	return out
}

func assertProblems(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n  %s", len(got), len(want), strings.Join(got, "\n  "))
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, w)
		}
		if !found {
			t.Errorf("no problem contains %q; got:\n  %s", w, strings.Join(got, "\n  "))
		}
	}
}

func TestBrokenScenarios(t *testing.T) {
	cases := []struct {
		name  string
		files fstest.MapFS
		want  []string
	}{
		{
			name: "every problem at once, with file, line and field",
			files: fstest.MapFS{
				"a.yaml": {Data: []byte("description: x\noperations:\n  CreateUserUsageDataExportTask:\n    error: InvalidTaskId.Malformed\n")},
				"b.yaml": {Data: []byte("operations:\n  DescribeNothing:\n    error: InvalidTimeRange\n")},
				"c.yaml": {Data: []byte("operations:\n  CreateUserUsageDataExportTask:\n    fixture: two-tasks\n")},
			},
			want: []string{
				"scenarios/a.yaml:4: operations.CreateUserUsageDataExportTask.error: InvalidTaskId.Malformed is not documented for CreateUserUsageDataExportTask; documented: MissingTimeParameter,",
				"scenarios/b.yaml:2: operations.DescribeNothing: no operation DescribeNothing in the spec; closest: ",
				`scenarios/c.yaml:3: operations.CreateUserUsageDataExportTask.fixture: no fixture "two-tasks" for CreateUserUsageDataExportTask; available: fixed-task, success`,
			},
		},
		{
			name:  "a name that collides with a built-in",
			files: fstest.MapFS{"InvalidTimeRange.yaml": {Data: []byte("operations:\n  CreateUserUsageDataExportTask: {}\n")}},
			want:  []string{`scenarios/InvalidTimeRange.yaml: scenario name "InvalidTimeRange" collides with a built-in scenario`},
		},
		{
			name:  "a misspelt key fails the JSON Schema",
			files: fstest.MapFS{"x.yaml": {Data: []byte("operations:\n  CreateUserUsageDataExportTask:\n    erorr: InvalidTimeRange\n")}},
			want:  []string{`scenarios/x.yaml:3: operations.CreateUserUsageDataExportTask.erorr: unknown key "erorr": did you mean "error"?`},
		},
		{
			name:  "a wrong type fails the JSON Schema",
			files: fstest.MapFS{"x.yaml": {Data: []byte("operations:\n  CreateUserUsageDataExportTask:\n    validate: maybe\n")}},
			want:  []string{`scenarios/x.yaml:3: operations.CreateUserUsageDataExportTask.validate: validate "maybe" is text; write true or false`},
		},
		{
			name:  "no operations",
			files: fstest.MapFS{"x.yaml": {Data: []byte("description: nothing\n")}},
			want:  []string{`scenarios/x.yaml:1: missing key "operations": add it`},
		},
		{
			name:  "fixture and error together, and a bad delay range",
			files: fstest.MapFS{"x.yaml": {Data: []byte("operations:\n  CreateUserUsageDataExportTask:\n    fixture: success\n    error: InvalidTimeRange\n    delay: 400ms-100ms\n")}},
			want: []string{
				"scenarios/x.yaml:2: operations.CreateUserUsageDataExportTask: give one of fixture (a success), error (an error code) or fault (a broken connection), not several",
				`scenarios/x.yaml:5: operations.CreateUserUsageDataExportTask.delay: delay "400ms-100ms": a range goes from the shorter to the longer duration`,
			},
		},
		{
			name:  "a recursive alias",
			files: fstest.MapFS{"x.yaml": {Data: []byte("a: &a [*a]\noperations: {}\n")}},
			want:  []string{"scenarios/x.yaml:1: nested more than 64 levels deep (a recursive alias?)"},
		},
		{
			name:  "not YAML",
			files: fstest.MapFS{"x.yaml": {Data: []byte("description: x\noperations:\n  A:\n\terror: B\n")}},
			want:  []string{"scenarios/x.yaml:4: not valid YAML: found character that cannot start any token"},
		},
		{
			name: "every problem of one file at once, in plain words",
			files: fstest.MapFS{"x.yaml": {Data: []byte("operations:\n" +
				"  CreateUserUsageDataExportTask:\n    eror: InvalidTimeRange\n    delay: 2 seconds\n" +
				"  DescribeUserUsageDataExportTask:\n    fault: rest\n" +
				"  CreateUsageDetailDataExportTask:\n    error: InvalidTaskId.Malformed\n" +
				"  DescribeUserDomain: {}\n")}},
			want: []string{
				`scenarios/x.yaml:3: operations.CreateUserUsageDataExportTask.eror: unknown key "eror": did you mean "error"?`,
				`scenarios/x.yaml:4: operations.CreateUserUsageDataExportTask.delay: delay "2 seconds": write a duration such as 2s or 100ms-400ms`,
				`scenarios/x.yaml:6: operations.DescribeUserUsageDataExportTask.fault: fault "rest": did you mean "reset"? (one of reset, empty, garbage, hang)`,
				`scenarios/x.yaml:8: operations.CreateUsageDetailDataExportTask.error: InvalidTaskId.Malformed is not documented for CreateUsageDetailDataExportTask`,
				`scenarios/x.yaml:9: operations.DescribeUserDomain: no operation DescribeUserDomain in the spec; did you mean "DescribeUserDomains"?`,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assertProblems(t, problems(t, mock.Config{Scenarios: tc.files, ScenariosDir: "scenarios"}), tc.want...)
		})
	}
}

func TestBrokenFixtures(t *testing.T) {
	success := shippedFixture(t, "success.json")
	cases := []struct {
		name  string
		files fstest.MapFS
		want  []string
	}{
		{
			name:  "not JSON",
			files: fstest.MapFS{createAction + "/success.json": {Data: []byte("{\n  \"RequestId\": \"x\",\n  \"TaskId\": 12\n  \"EndTime\": \"y\"\n}\n")}},
			want:  []string{"fixtures/CreateUserUsageDataExportTask/success.json:4: not valid JSON: invalid character '\"' after object key:value pair"},
		},
		{
			name: "a field of the wrong type, one the schema does not allow, one missing",
			files: fstest.MapFS{createAction + "/success.json": {Data: []byte(
				"{\n  \"EndTime\": \"{{ .Params.EndTime }}\",\n  \"StartTime\": \"{{ .Params.StartTime }}\",\n  \"RequestId\": \"{{ .RequestId }}\",\n  \"TaskId\": 129456,\n  \"Extra\": \"x\"\n}\n")}},
			want: []string{
				"fixtures/CreateUserUsageDataExportTask/success.json:5: TaskId: does not match the spec's response schema for CreateUserUsageDataExportTask: TaskId 129456 is a whole number; write text",
				"fixtures/CreateUserUsageDataExportTask/success.json:6: Extra: does not match the spec's response schema for CreateUserUsageDataExportTask: unknown key \"Extra\"; known keys: EndTime, RequestId, StartTime, TaskId",
			},
		},
		{
			name: "a misspelt key names the key meant",
			files: fstest.MapFS{createAction + "/success.json": {Data: []byte(
				"{\n  \"EndTime\": \"{{ .Params.EndTime }}\",\n  \"StartTime\": \"{{ .Params.StartTime }}\",\n  \"RequestId\": \"{{ .RequestId }}\",\n  \"TaskID\": \"1\"\n}\n")}},
			want: []string{
				"fixtures/CreateUserUsageDataExportTask/success.json:1: does not match the spec's response schema for CreateUserUsageDataExportTask: missing key \"TaskId\": add it",
				"fixtures/CreateUserUsageDataExportTask/success.json:5: TaskID: does not match the spec's response schema for CreateUserUsageDataExportTask: unknown key \"TaskID\": did you mean \"TaskId\"?",
			},
		},
		{
			name:  "a template that does not parse",
			files: fstest.MapFS{createAction + "/success.json": {Data: []byte("{\n  \"RequestId\": \"{{ .RequestId \"\n}\n")}},
			want:  []string{"fixtures/CreateUserUsageDataExportTask/success.json:2: RequestId: bad template:"},
		},
		{
			name:  "a template that names nothing",
			files: fstest.MapFS{createAction + "/success.json": {Data: []byte(strings.Replace(string(success), ".RequestId", ".RequestID", 1))}},
			want:  []string{"fixtures/CreateUserUsageDataExportTask/success.json:4: RequestId: template fails with sample values: can't evaluate field RequestID in type *fixture.Data"},
		},
		{
			name: "a directory for no operation, and no success fixture",
			files: fstest.MapFS{
				"DescribeNothing/success.json": {Data: success},
				createAction + "/other.json":   {Data: success},
				createAction + "/notes.txt":    {Data: []byte("x")},
			},
			want: []string{
				"fixtures/DescribeNothing: no operation DescribeNothing in the spec",
				"fixtures/CreateUserUsageDataExportTask/notes.txt: not a fixture",
				"fixtures/CreateUserUsageDataExportTask/success.json: missing: every operation needs a success fixture",
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, mock.Config{Fixtures: withShippedFixtures(t, tc.files), FixturesDir: "fixtures", Scenarios: fstest.MapFS{}, NoShippedScenarios: true})
			assertProblems(t, got, tc.want...)
		})
	}
}

func TestBrokenSpec(t *testing.T) {
	good := shippedSpec(t)
	cases := []struct {
		name string
		spec string
		want []string
	}{
		{"not YAML", "openapi: [\n", []string{"spec.yaml:1: not valid YAML: did not find expected node content"}},
		{"not OpenAPI", "openapi: 3.0.3\ninfo: {}\npaths: {}\n", []string{"spec.yaml: not a valid OpenAPI document"}},
		{
			"an undocumented code in x-mock-errors",
			strings.Replace(good, "missing: MissingTimeParameter", "missing: MissingTime", 1),
			[]string{"spec.yaml:101: paths./?Action=CreateUserUsageDataExportTask.post.parameters.0.x-mock-errors.missing: MissingTime is not documented for CreateUserUsageDataExportTask"},
		},
		{
			"an operation type neither read nor write",
			strings.Replace(good, "x-acs-operation-type: write", "x-acs-operation-type: none", 1),
			[]string{"spec.yaml:90: paths./?Action=CreateUserUsageDataExportTask.post.x-acs-operation-type: must be read or write, not none"},
		},
		{
			"an unknown rule kind and an unknown rule field",
			strings.Replace(strings.Replace(good, "rule: time-window", "rule: time-windw", 1), "maxSpan: 744h", "maxSpan: 744h\n          maxspan: 1h", 1),
			[]string{
				`x-mock-rules.0: time-range rule: maxspan: unknown field`,
				`x-mock-rules.1: rule: unknown kind "time-windw"; known kinds: requires, time-range, time-window`,
			},
		},
		{
			"a rule on a parameter that does not exist",
			strings.Replace(good, "param: StartTime", "param: Start", 1),
			[]string{"time-window rule: param: Start is not a parameter of CreateUserUsageDataExportTask"},
		},
		{
			"a status that is not an error, and a missing common error",
			strings.Replace(strings.Replace(good, "status: 404", "status: 200", 1), "  - code: UnsupportedHTTPMethod", "  - code: UnsupportedHTTPMethodX", 1),
			[]string{
				"x-acs-common-errors.4: code InvalidAction.NotFound: status must be an HTTP error status (400-599), not 200",
				"x-acs-common-errors: must list InvalidAction.NotFound: the server produces it",
				"x-acs-common-errors: must list UnsupportedHTTPMethod: the server produces it",
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, mock.Config{Spec: []byte(tc.spec), SpecFile: "spec.yaml"})
			assertProblems(t, got, tc.want...)
		})
	}
}

func TestUnknownActiveScenario(t *testing.T) {
	got := problems(t, mock.Config{Scenario: "defualt"})
	assertProblems(t, got, `--scenario: no scenario "defualt"; did you mean "default"? (`)
}
