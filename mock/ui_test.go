package mock_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// The browser test (e2e/console.test.mjs) drives the console itself; these
// tests cover what the server adds for it.

func get(t *testing.T, url string, header http.Header) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	return do(t, req)
}

func TestUIPageIsServed(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	for _, path := range []string{"/_mock/ui", "/_mock/ui/", "/_mock/ui/index.html"} {
		r := get(t, ts.URL+path, nil)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
		if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
		if !strings.Contains(r.body, "<title>cdnmock console</title>") {
			t.Errorf("GET %s: not the console:\n%.300s", path, r.body)
		}
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no X-Content-Type-Options: nosniff", path)
		}
	}
	if r := get(t, ts.URL+"/_mock/requests", nil); !strings.Contains(r.body, `"requests":[]`) {
		t.Errorf("serving the console put something in the API journal: %s", r.body)
	}
}

// assetRef finds what the page loads: src= and href= attributes.
var assetRef = regexp.MustCompile(`(?:src|href)="([^"#]+)"`)

func TestUIAssetsLoad(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	page := get(t, ts.URL+"/_mock/ui", nil).body
	wantType := map[string]string{
		".js":  "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8",
		".svg": "image/svg+xml",
	}
	seen := map[string]bool{}
	for _, m := range assetRef.FindAllStringSubmatch(page, -1) {
		ref := m[1]
		if !strings.HasPrefix(ref, "/_mock/ui/") {
			t.Errorf("the page loads %q: everything must come from /_mock/ui/", ref)
			continue
		}
		ext := ref[strings.LastIndex(ref, "."):]
		seen[ext] = true
		r := get(t, ts.URL+ref, nil)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != wantType[ext] || r.body == "" {
			t.Errorf("GET %s: %d %q, %d bytes; want 200 %q", ref, r.status, r.header.Get("Content-Type"), len(r.body), wantType[ext])
		}
		// Nothing is fetched from elsewhere: no absolute URLs, no CSS imports.
		for _, bad := range []string{"https://", "@import", "url(", "fonts.g"} {
			if ext != ".svg" && strings.Contains(r.body, bad) {
				t.Errorf("%s contains %q: the console must load nothing from outside the mock", ref, bad)
			}
		}
		// The ETag lets a browser revalidate without downloading again.
		etag := r.header.Get("ETag")
		if etag == "" {
			t.Errorf("GET %s: no ETag", ref)
		} else if again := get(t, ts.URL+ref, http.Header{"If-None-Match": {etag}}); again.status != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match: %d, want 304", ref, again.status)
		}
	}
	for ext := range wantType {
		if !seen[ext] {
			t.Errorf("the page loads no %s file: %v", ext, seen)
		}
	}
}

func TestUIUnknownAssetIsAdminNotFound(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	r := get(t, ts.URL+"/_mock/ui/nope.js", nil)
	if r.status != http.StatusNotFound || r.str("code") != "Mock.404" {
		t.Errorf("GET /_mock/ui/nope.js: %d %s, want 404 Mock.404", r.status, r.body)
	}
	// Assets are looked up by name among the embedded files, never on disk.
	for _, p := range []string{"/_mock/ui/../ui.go", "/_mock/ui/%2e%2e/ui.go", "/_mock/ui/ui/index.html"} {
		if r := get(t, ts.URL+p, nil); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d %.100s, want 404", p, r.status, r.body)
		}
	}
}

// operationsPage decodes GET /_mock/operations.
func operationsPage(t *testing.T, url string) mock.OperationsPage {
	t.Helper()
	r := get(t, url+"/_mock/operations", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /_mock/operations: %d %s", r.status, r.body)
	}
	var page mock.OperationsPage
	if err := json.Unmarshal([]byte(r.body), &page); err != nil {
		t.Fatalf("GET /_mock/operations: %v\n%s", err, r.body)
	}
	return page
}

func TestUIOperationsListTheSpec(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	page := operationsPage(t, ts.URL)
	if page.Product != "Cdn" || page.Version != "2018-05-10" {
		t.Errorf("GET /_mock/operations: product %q, version %q", page.Product, page.Version)
	}
	if names := opNames(page); !slices.Equal(names, srv.Spec().OperationNames()) {
		t.Fatalf("operations %v, want the spec's %v", names, srv.Spec().OperationNames())
	}
	op := page.Operations[slices.Index(opNames(page), createAction)]
	if op.Name != createAction || !slices.Equal(op.Methods, []string{"GET", "POST"}) || op.RateLimit == 0 {
		t.Errorf("operation: %+v", op)
	}
	if !slices.Contains(op.Fixtures, "success") || !slices.Contains(op.Fixtures, "fixed-task") {
		t.Errorf("fixtures: %v", op.Fixtures)
	}
	var params []string
	for _, p := range op.Parameters {
		params = append(params, p.Name)
		if (p.Name == "StartTime" || p.Name == "EndTime") != p.Required {
			t.Errorf("parameter %+v: only StartTime and EndTime are required", p)
		}
	}
	if !slices.Equal(params, []string{"StartTime", "EndTime", "TaskName", "Language"}) {
		t.Errorf("parameters in spec order: %v", params)
	}

	// Every error has a scenario that exists and forces exactly it.
	var scenarios mock.ScenarioState
	if err := json.Unmarshal([]byte(get(t, ts.URL+"/_mock/scenarios", nil).body), &scenarios); err != nil {
		t.Fatal(err)
	}
	forced := map[string]mock.StepInfo{}
	for _, sc := range scenarios.Scenarios {
		if steps := sc.Operations[createAction]; len(steps) == 1 {
			forced[sc.Name] = steps[0]
		}
	}
	byCode := map[string]mock.ErrorInfo{}
	for _, e := range op.Errors {
		byCode[e.Code] = e
		st, ok := forced[e.Scenario]
		if !ok || st.Error != e.Code || st.Status != e.Status || st.Message != e.Message {
			t.Errorf("%s (%d): scenario %q answers %+v", e.Code, e.Status, e.Scenario, st)
		}
	}
	if e := byCode["InvalidTimeRange"]; e.Status != 400 || e.Common || e.Message != "Invalid StartTime and EndTime range." {
		t.Errorf("InvalidTimeRange: %+v", e)
	}
	if e := byCode["ServiceUnavailable"]; e.Status != 503 || !e.Common {
		t.Errorf("ServiceUnavailable, a common error: %+v", e)
	}
	if e := byCode["MissingParameter"]; !strings.Contains(e.Message, `"StartTime"`) {
		t.Errorf("a generic message names the operation's first required parameter: %+v", e)
	}
	if len(op.Errors) != len(byCode) {
		t.Errorf("a code is listed twice: %d errors, %d codes", len(op.Errors), len(byCode))
	}
}

// The mock's assumptions are data the operations page shows: an
// x-mock-state's (CheckCdnDomainExist: which Status the owner gets) and
// an error code's; an operation with none shows none.
func TestUIOperationsShowAssumptions(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	page := operationsPage(t, ts.URL)
	byName := map[string]mock.OperationInfo{}
	for _, op := range page.Operations {
		byName[op.Name] = op
	}
	if got := byName["CheckCdnDomainExist"].Assumed; len(got) == 0 || !strings.Contains(got[0], "DomainExistCdnProduct") {
		t.Errorf("CheckCdnDomainExist: x-mock-assumed %q, want the owner's Status", got)
	}
	var otherUser mock.ErrorInfo
	for _, e := range byName["AddCdnDomain"].Errors {
		if e.Code == "DomainExist.OtherUser" {
			otherUser = e
		}
	}
	if !strings.Contains(otherUser.Assumed, "CheckCdnDomainExist") {
		t.Errorf("AddCdnDomain's DomainExist.OtherUser: x-mock-assumed %q, want why", otherUser.Assumed)
	}
	if op := byName[createAction]; len(op.Assumed) != 0 || op.Errors[0].Assumed != "" {
		t.Errorf("%s assumes nothing: %q, %q", createAction, op.Assumed, op.Errors[0].Assumed)
	}
}

func opNames(page mock.OperationsPage) []string {
	var names []string
	for _, op := range page.Operations {
		names = append(names, op.Name)
	}
	return names
}

// probeOp is an operation the shipped spec does not have.
const probeOp = `
post:
  operationId: DescribeConsoleProbe
  x-acs-methods: [POST]
  parameters:
    - name: DomainName
      in: query
      required: true
      schema: {type: string, example: example.com}
    - name: Detail
      in: query
      schema: {type: integer, minimum: 1, maximum: 3, default: 2}
  responses:
    "200":
      description: OK
      content:
        application/json:
          schema:
            type: object
            additionalProperties: false
            required: [RequestId]
            properties:
              RequestId: {type: string}
  x-acs-errors:
    - {code: InvalidDomain.NotFound, status: 404, message: The domain provided does not belong to you.}
`

// An operation added as data shows up in the console's list with no Go change.
func TestUIOperationsFollowAnAddedOperation(t *testing.T) {
	specBytes := specWithOperation(t, "DescribeConsoleProbe", probeOp)
	fx := withShippedFixtures(t, fstest.MapFS{"DescribeConsoleProbe/success.json": {Data: []byte(`{"RequestId": "{{ .RequestId }}"}`)}})
	srv, ts := newServer(t, mock.Config{Spec: specBytes, SpecFile: "spec.yaml", Fixtures: fx, Scenarios: fstest.MapFS{}})
	page := operationsPage(t, ts.URL)
	names := opNames(page)
	if !slices.Contains(names, "DescribeConsoleProbe") || !slices.Equal(names, srv.Spec().OperationNames()) {
		t.Fatalf("operations %v, want the spec's %v", names, srv.Spec().OperationNames())
	}
	op := page.Operations[slices.Index(names, "DescribeConsoleProbe")]
	if op.Errors[0].Code != "InvalidDomain.NotFound" || op.Errors[0].Status != 404 || op.Errors[0].Scenario != "InvalidDomain.NotFound" || op.Errors[0].Common {
		t.Errorf("its documented error comes first: %+v", op.Errors[0])
	}
	if !slices.Equal(op.Methods, []string{"POST"}) || op.RateLimit != 0 || op.Parameters[1].Default != "2" ||
		!slices.Equal(op.Fixtures, []string{"success"}) {
		t.Errorf("DescribeConsoleProbe: %+v", op)
	}
}
