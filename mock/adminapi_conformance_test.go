package mock

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/admin"
)

func TestAdminAPIDocumentIsValid(t *testing.T) {
	doc, err := adminDocument()
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := adminRouter(); err != nil {
		t.Fatal(err)
	}
}

// documentedRoutes lists "METHOD path" for every operation of the document.
func documentedRoutes(doc *openapi3.T) []string {
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+path)
		}
	}
	sort.Strings(out)
	return out
}

// The document and the server's admin routes name the same paths and
// methods: a route added without its description fails here.
func TestAdminAPIDocumentHasEveryRoute(t *testing.T) {
	doc, err := adminDocument()
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := limitsServer(t, Config{})
	var served []string
	for _, r := range srv.echo.Routes() {
		if !isAdminPath(r.Path) {
			continue
		}
		// echo's :name and * are the document's {name}; /ui/* holds one file.
		p := regexp.MustCompile(`:([A-Za-z]+)`).ReplaceAllString(r.Path, "{$1}")
		p = strings.Replace(p, "/ui/*", "/ui/{file}", 1)
		served = append(served, r.Method+" "+p)
	}
	sort.Strings(served)
	if got, want := strings.Join(documentedRoutes(doc), "\n"), strings.Join(served, "\n"); got != want {
		t.Errorf("the document's operations:\n%s\n\nthe server's admin routes:\n%s", got, want)
	}
}

// Every documented path and method has a heading `### METHOD path` in
// docs/admin-api.md, and every such heading a documented operation.
func TestAdminAPIDocsHeadings(t *testing.T) {
	const page = "../docs/admin-api.md"
	f, err := os.Open(page)
	if err != nil {
		t.Fatalf("%v: each operation of mock/adminapi/openapi.yaml needs a heading such as `### GET /_mock/downloads/{token}` in %s", err, page)
	}
	defer f.Close()
	for _, p := range headingProblems(t, page, f, documentedRoutesOf(t)) {
		t.Error(p)
	}
}

var docsHeading = regexp.MustCompile(`^###\s+([A-Z]+)\s+(/_mock\S*)\s*$`)

// headingProblems compares the `### METHOD path` headings of a Markdown
// page with the operations ("METHOD path").
func headingProblems(t *testing.T, page string, md io.Reader, routes []string) []string {
	t.Helper()
	var problems []string
	headings := map[string]int{}
	sc := bufio.NewScanner(md)
	for line := 1; sc.Scan(); line++ {
		m := docsHeading.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		h := m[1] + " " + m[2]
		if prev, dup := headings[h]; dup {
			problems = append(problems, fmt.Sprintf("%s:%d: `### %s` again (first on line %d)", page, line, h, prev))
			continue
		}
		headings[h] = line
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, r := range routes {
		documented[r] = true
		if headings[r] == 0 {
			problems = append(problems, fmt.Sprintf("%s has no heading `### %s` for an operation of mock/adminapi/openapi.yaml", page, r))
		}
	}
	var extra []string
	for h, line := range headings {
		if !documented[h] {
			extra = append(extra, fmt.Sprintf("%s:%d: `### %s` is no operation of mock/adminapi/openapi.yaml", page, line, h))
		}
	}
	sort.Strings(extra)
	return append(problems, extra...)
}

func TestHeadingProblems(t *testing.T) {
	md := "# Admin API\n\n### GET /_mock/health\n\ntext\n\n### PUT /_mock/scenario\n### DELETE /_mock/nope\n" +
		"### GET /_mock/health\n## GET /_mock/clock\n### The journal\n"
	got := headingProblems(t, "page.md", strings.NewReader(md), []string{"GET /_mock/health", "PUT /_mock/scenario", "GET /_mock/clock"})
	want := []string{
		"page.md:9: `### GET /_mock/health` again (first on line 3)",
		"page.md has no heading `### GET /_mock/clock` for an operation of mock/adminapi/openapi.yaml",
		"page.md:8: `### DELETE /_mock/nope` is no operation of mock/adminapi/openapi.yaml",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The check itself finds what does not match.
func TestAdminCheckerCatchesDrift(t *testing.T) {
	ck := &adminChecker{}
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	for _, tc := range []struct {
		name, method, path, reqBody string
		listener                    string
		status                      int
		header                      http.Header
		body                        string
		want                        string // "" for no mismatch
	}{
		{"a good answer", "GET", "/_mock/health", "", listenerBoth, 200, jsonCT, `{"status":"ok"}`, ""},
		{"a field too many", "GET", "/_mock/health", "", listenerBoth, 200, jsonCT, `{"status":"ok","uptime":1}`, "uptime"},
		{"a field missing", "GET", "/_mock/clock", "", listenerBoth, 200, jsonCT, `{"now":"2026-11-25T12:00:00Z"}`, "pinned"},
		{"a status not documented", "GET", "/_mock/health", "", listenerBoth, 418, jsonCT, `{"status":"ok"}`, "status is not supported"},
		{"a body where none is", "DELETE", "/_mock/requests", "", listenerBoth, 204, http.Header{}, `{}`, "no body"},
		{"a refused request accepted", "PUT", "/_mock/scenario", `{"scenario":1}`, listenerBoth, 200, jsonCT, `{"active":"x","bindings":{}}`, "refuses the request"},
		{"a refused request refused", "PUT", "/_mock/scenario", `{"scenario":1}`, listenerBoth, 400, jsonCT, `{"code":"Mock.MalformedJSON","message":"m"}`, ""},
		{"an error of another shape", "PUT", "/_mock/scenario", `{"scenario":"x"}`, listenerBoth, 404, jsonCT, `{"Code":"x"}`, "AdminError"},
		{"no route, 200", "GET", "/_mock/nope", "", listenerBoth, 200, jsonCT, `{}`, "want one of"},
		{"no route, 404", "GET", "/_mock/nope", "", listenerBoth, 404, jsonCT, `{"code":"Mock.404","message":"Not Found"}`, ""},
		{"401 without its header", "GET", "/_mock/tasks", "", listenerBoth, 401, jsonCT, `{"code":"Mock.Unauthorized","message":"m"}`, "WWW-Authenticate"},
		{"the API's listener", "GET", "/_mock/scenarios", "", listenerAPI, 200, jsonCT, `{"active":"x","bindings":{},"scenarios":[]}`, "want one of [404]"},
		{"a download in the admin error", "GET", "/_mock/downloads/x", "", listenerAPI, 404,
			http.Header{"Content-Type": {"application/json"}, "X-Acs-Request-Id": {"R"}}, `{"code":"Mock.404","message":"m"}`, "RequestId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.reqBody))
			if tc.reqBody != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			err := ck.check(tc.listener, r, []byte(tc.reqBody), tc.status, tc.header, []byte(tc.body))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("a mismatch: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want a mismatch about %q", err, tc.want)
			}
		})
	}
}

// TestAdminAPIConformance produces every answer of the document it can
// reach, so the check (adminapi_test.go) sees each at least once even when
// run alone, and fails on the mismatches among them.
func TestAdminAPIConformance(t *testing.T) {
	mark := adminChecks.mark()
	defer func() {
		for _, f := range adminChecks.since(mark) {
			t.Error(f)
		}
	}()

	srv, _ := limitsServer(t, Config{})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	send := func(method, path, body string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	expect := func(want int, method, path, body string, header ...string) []byte {
		t.Helper()
		resp, b := send(method, path, body, header...)
		if resp.StatusCode != want {
			t.Errorf("%s %s: %d %s, want %d", method, path, resp.StatusCode, b, want)
		}
		return b
	}
	api := func(ak string, kv ...string) {
		t.Helper()
		q := url.Values{"Version": {"2018-05-10"}, "Format": {"JSON"}, "AccessKeyId": {ak}}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		send(http.MethodPost, "/?"+q.Encode(), "")
	}

	expect(200, "GET", "/_mock/health", "")
	if b := expect(200, "GET", "/_mock/openapi.yaml", ""); !bytes.Equal(b, adminapi.Document) {
		t.Error("GET /_mock/openapi.yaml is not the embedded document")
	}
	expect(200, "GET", "/_mock/scenarios", "")
	expect(200, "PUT", "/_mock/scenario", `{"scenario":"InvalidTimeRange"}`)
	expect(200, "PUT", "/_mock/scenario", `{"scenario":"Throttling.User","accessKeyId":"AK-x"}`)
	expect(400, "PUT", "/_mock/scenario", `{"scenario":`)
	expect(400, "PUT", "/_mock/scenario", `{"name":"default"}`)
	expect(404, "PUT", "/_mock/scenario", `{"scenario":"NoSuchScenario"}`)
	srv.control.SetCapacity(1) // AK-x is bound: the next new key passes the bound
	expect(409, "PUT", "/_mock/scenario", `{"scenario":"InvalidTimeRange","accessKeyId":"AK-y"}`)
	srv.control.SetCapacity(0)
	// As the docs' curl -d sends it.
	expect(200, "PUT", "/_mock/scenario", `{"scenario":"fault:reset"}`, "Content-Type", "application/x-www-form-urlencoded")
	expect(200, "PUT", "/_mock/scenario", `{"scenario":"InvalidTimeRange","accessKeyId":"AK-z"}`)
	expect(200, "DELETE", "/_mock/scenario?accessKeyId=AK-z", "")
	expect(404, "DELETE", "/_mock/scenario?accessKeyId=AK-z", "")
	expect(400, "DELETE", "/_mock/scenario?accessKeyId=", "")
	expect(200, "DELETE", "/_mock/scenario", "")

	// A request that breaks the spec: the journal and the violations.
	api("AK-1", "Action", "CreateUserUsageDataExportTask", "StartTime", "2026-11-01T00:00:00Z",
		"EndTime", "2026-11-02T00:00:00Z", "Undeclared", "1")
	send(http.MethodPost, "/?Action=DescribeUserUsageDataExportTask", "") // no Version: an error answer
	expect(200, "GET", "/_mock/requests", "")
	expect(200, "GET", "/_mock/requests?action=CreateUserUsageDataExportTask&accessKeyId=AK-1&since=0", "")
	expect(200, "GET", "/_mock/requests?since=2026-11-25T12:00:00Z", "")
	expect(400, "GET", "/_mock/requests?since=yesterday", "")
	var vs ViolationsPage
	if err := json.Unmarshal(expect(200, "GET", "/_mock/violations", ""), &vs); err != nil || len(vs.Violations) == 0 {
		t.Errorf("GET /_mock/violations: %v %+v, want the undeclared parameter", err, vs)
	}
	expect(204, "DELETE", "/_mock/violations", "")
	if b := expect(200, "GET", "/_mock/violations", ""); !bytes.Contains(b, []byte(`"violations":[]`)) {
		t.Errorf("GET /_mock/violations with none: %s, want an empty list, not null", b)
	}
	expect(200, "GET", "/_mock/coverage", "")
	expect(200, "GET", "/_mock/coverage?action=*ExportTask", "")
	expect(204, "DELETE", "/_mock/coverage", "")
	expect(204, "DELETE", "/_mock/requests", "")

	// Tasks of both families, their files, the clock.
	api("AK-1", "Action", "CreateUserUsageDataExportTask", "StartTime", "2026-11-01T00:00:00Z",
		"EndTime", "2026-11-02T00:00:00Z", "TaskName", "usage", "Language", "en-us")
	api("AK-2", "Action", "CreateUsageDetailDataExportTask", "Type", "flow", "DomainNames", "a.example.com",
		"StartTime", "2026-11-01T00:00:00Z", "EndTime", "2026-11-01T01:00:00Z")
	var page TasksPage
	if err := json.Unmarshal(expect(200, "GET", "/_mock/tasks", ""), &page); err != nil || len(page.Accounts) != 2 {
		t.Fatalf("GET /_mock/tasks: %v %+v", err, page)
	}
	early := strings.TrimPrefix(page.Accounts[0].Tasks[0].FileURL, ts.URL)
	expect(404, "GET", early, "") // not finished yet
	expect(200, "GET", "/_mock/clock", "")
	expect(200, "POST", "/_mock/clock", `{"advance":"10m"}`)
	expect(400, "POST", "/_mock/clock", `{"advance":"10m","set":"2026-12-01T00:00:00Z"}`)
	expect(400, "POST", "/_mock/clock", `{}`)
	expect(400, "POST", "/_mock/clock", `{"advance":"-1s"}`)
	expect(400, "POST", "/_mock/clock", `{"set":"tomorrow"}`)
	expect(200, "GET", "/_mock/tasks?accessKeyId=AK-2", "")
	for _, a := range page.Accounts {
		expect(200, "GET", strings.TrimPrefix(a.Tasks[0].FileURL, ts.URL), "")
	}
	file := strings.TrimPrefix(page.Accounts[0].Tasks[0].FileURL, ts.URL)
	_, release := holdDownloads(t, srv, file, admin.DefaultMaxDownloads)
	// As many being made as the server makes at once; bounded, not hung, should it queue.
	if busy := serveWithin(t, srv, httptest.NewRequest("GET", file, nil)); busy != nil && busy.Code != 503 {
		t.Errorf("GET %s with every slot taken: %d %s, want 503", file, busy.Code, busy.Body)
	}
	release()
	expect(404, "GET", "/_mock/downloads/nosuchtoken", "")
	// Resources: a domain and a refresh task of two accounts.
	api("AK-1", "Action", "AddCdnDomain", "DomainName", "a.example.com", "CdnType", "web",
		"Sources", `[{"content":"1.1.1.1","type":"ipaddr","port":80}]`)
	api("AK-2", "Action", "RefreshObjectCaches", "ObjectPath", "http://a.example.com/x")
	var rp adminapi.ResourcesPage
	if err := json.Unmarshal(expect(200, "GET", "/_mock/resources", ""), &rp); err != nil || len(rp.Accounts) != 2 || rp.Total != 2 {
		t.Fatalf("GET /_mock/resources: %v %+v", err, rp)
	}
	if err := json.Unmarshal(expect(200, "GET", "/_mock/resources?accessKeyId=AK-1&resource=domain", ""), &rp); err != nil ||
		len(rp.Accounts) != 1 || rp.Accounts[0].Items["domain"][0]["DomainStatus"] != "configuring" {
		t.Errorf("GET /_mock/resources?accessKeyId=AK-1&resource=domain: %v %+v", err, rp)
	}
	expect(404, "GET", "/_mock/resources?resource=nothing", "")
	expect(400, "GET", "/_mock/resources?limit=0", "")
	expect(404, "DELETE", "/_mock/resources?resource=nothing", "")
	if body := expect(200, "DELETE", "/_mock/resources?accessKeyId=AK-2", ""); string(body) != `{"deleted":1}`+"\n" {
		t.Errorf("DELETE /_mock/resources?accessKeyId=AK-2: %s", body)
	}
	if err := json.Unmarshal(expect(200, "GET", "/_mock/resources", ""), &rp); err != nil || len(rp.Accounts) != 1 || rp.Accounts[0].AccessKeyID != "AK-1" {
		t.Errorf("after forgetting AK-2's: %v %+v", err, rp)
	}
	expect(200, "DELETE", "/_mock/resources", "")
	expect(200, "POST", "/_mock/clock", `{"set":"2026-11-25T12:00:00Z"}`)
	expect(204, "DELETE", "/_mock/state", "")
	expect(200, "GET", "/_mock/tasks", "")

	// The console.
	expect(200, "GET", "/_mock/operations", "")
	for _, p := range []string{"/_mock/ui", "/_mock/ui/", "/_mock/ui/console.js", "/_mock/ui/console.css", "/_mock/ui/favicon.svg"} {
		resp, _ := send("GET", p, "")
		expect(304, "GET", p, "", "If-None-Match", resp.Header.Get("ETag"))
		expect(206, "GET", p, "", "Range", "bytes=0-9")
		expect(416, "GET", p, "", "Range", "bytes=99999999-")
	}
	expect(404, "GET", "/_mock/ui/nope.js", "")

	// What no route answers.
	expect(404, "GET", "/_mock/nope", "")
	expect(405, "POST", "/_mock/health", "")
	expect(405, "PATCH", "/_mock/scenario", "")

	// With --admin-token.
	locked, _ := limitsServer(t, Config{AdminToken: "s3cret"})
	lts := httptest.NewServer(locked)
	defer lts.Close()
	ts = lts
	for _, r := range documentedRoutesOf(t) {
		method, path, _ := strings.Cut(r, " ")
		path = strings.NewReplacer("{token}", "nosuchtoken", "{file}", "console.js").Replace(path)
		resp, _ := send(method, path, "")
		switch open := admin.OpenRoute(strings.NewReplacer("nosuchtoken", ":token", "console.js", "*").Replace(path)); {
		case open && resp.StatusCode == 401, !open && resp.StatusCode != 401:
			t.Errorf("with a token, %s %s without it: %d", method, path, resp.StatusCode)
		}
	}
	expect(200, "GET", "/_mock/scenarios", "", "Authorization", "Bearer s3cret")
	expect(401, "GET", "/_mock/scenarios", "", "Authorization", "Bearer wrong")
	expect(401, "GET", "/_mock/nope", "")

	// With --admin-addr: the API's listener serves no admin route but downloads.
	split, _ := limitsServer(t, Config{})
	apiTS := httptest.NewServer(split.APIHandler())
	defer apiTS.Close()
	admTS := httptest.NewServer(split.AdminHandler())
	defer admTS.Close()
	ts = apiTS
	expect(404, "GET", "/_mock/scenarios", "")
	expect(404, "GET", "/_mock/downloads/nosuchtoken", "")
	ts = admTS
	expect(200, "GET", "/_mock/scenarios", "")

	// Every documented answer but the unreachable ones was produced.
	unreachable := map[string]bool{
		"DELETE /_mock/state 500":          true, // the --state file fails
		"DELETE /_mock/resources 500":      true, // the --state file fails
		"GET /_mock/downloads/{token} 500": true, // making a report fails
	}
	doc, _ := adminDocument()
	adminChecks.mu.Lock()
	for _, a := range documentedAnswers(doc) {
		if !adminChecks.covered[a] && !unreachable[a] {
			t.Errorf("no exchange produced the documented answer %s", a)
		}
	}
	adminChecks.mu.Unlock()
}

func documentedRoutesOf(t *testing.T) []string {
	t.Helper()
	doc, err := adminDocument()
	if err != nil {
		t.Fatal(err)
	}
	return documentedRoutes(doc)
}
