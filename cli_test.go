package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// startMock runs a real mock, with its clock pinned, for the client
// commands to drive.
func startMock(t *testing.T) (*mock.Server, *httptest.Server) {
	t.Helper()
	srv, err := mock.New(mock.Config{Clock: mock.FixedClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { srv.Close(); ts.Close() })
	return srv, ts
}

// cli runs the command line as main does and returns its exit code and output.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// apiCall sends a CreateUserUsageDataExportTask call (or another action)
// as an SDK would, and returns the HTTP status.
func apiCall(t *testing.T, ts *httptest.Server, action, ak string) int {
	t.Helper()
	q := url.Values{
		"Action": {action}, "Version": {"2018-05-10"}, "Format": {"JSON"}, "AccessKeyId": {ak},
		"StartTime": {"2026-11-01T00:00:00Z"}, "EndTime": {"2026-11-02T00:00:00Z"},
	}
	resp, err := http.Get(ts.URL + "/?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// state is what GET /_mock/scenarios says.
func state(t *testing.T, ts *httptest.Server) mock.ScenarioState {
	t.Helper()
	resp, err := http.Get(ts.URL + "/_mock/scenarios")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st mock.ScenarioState
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// lineWith returns the first line of out containing every one of words.
func lineWith(out string, words ...string) string {
next:
	for _, line := range strings.Split(out, "\n") {
		for _, w := range words {
			if !strings.Contains(line, w) {
				continue next
			}
		}
		return line
	}
	return ""
}

func TestScenarioListTable(t *testing.T) {
	srv, ts := startMock(t)
	if err := srv.SetScenario("InvalidTimeRange"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Bind("AK-ops", "InternalError"); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "scenario", "list", "--server", ts.URL)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if h := strings.Fields(lineWith(out, "NAME")); strings.Join(h, " ") != "ACTIVE NAME SOURCE DESCRIPTION" {
		t.Errorf("header %q\n%s", h, out)
	}
	// Every scenario, with its source and description; the active one marked.
	rows := map[string][]string{} // name → active, source, description
	lines := strings.Split(out, "\n")
	header := lines[0]
	nameAt, sourceAt, descAt := strings.Index(header, "NAME"), strings.Index(header, "SOURCE"), strings.Index(header, "DESCRIPTION")
	for _, l := range lines[1:] {
		if l == "" {
			break
		}
		rows[strings.TrimSpace(l[nameAt:sourceAt])] = []string{strings.TrimSpace(l[:nameAt]), strings.TrimSpace(l[sourceAt:descAt]), l[descAt:]}
	}
	want := state(t, ts).Scenarios
	if len(rows) != len(want) {
		t.Errorf("%d rows, want %d", len(rows), len(want))
	}
	for _, sc := range want {
		active := ""
		if sc.Name == "InvalidTimeRange" {
			active = "*"
		}
		if got := rows[sc.Name]; strings.Join(got, "|") != strings.Join([]string{active, sc.Source, sc.Description}, "|") {
			t.Errorf("row of %s: %q", sc.Name, got)
		}
	}
	if lineWith(out, "export-refused", "scenarios/export-refused.yaml", "operator problem") == "" {
		t.Errorf("the file scenario is missing:\n%s", out)
	}
	if !strings.Contains(out, "active: InvalidTimeRange\n") {
		t.Errorf("active not said:\n%s", out)
	}
	if f := strings.Fields(lineWith(out, "AK-ops")); strings.Join(f, " ") != "AK-ops InternalError" {
		t.Errorf("binding row %q\n%s", f, out)
	}
}

func TestScenarioListNoBindings(t *testing.T) {
	_, ts := startMock(t)
	code, out, _ := cli(t, "scenario", "list", "--server", ts.URL)
	if code != 0 || !strings.Contains(out, "bindings: none") || !strings.HasPrefix(lineWith(out, " default ", "Realistic validation"), "*") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestScenarioListJSON(t *testing.T) {
	srv, ts := startMock(t)
	if err := srv.Bind("AK-ops", "InternalError"); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli(t, "scenario", "list", "--json", "--server", ts.URL)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "{\n  \"active\": \"default\",\n") {
		t.Errorf("not the server's JSON indented:\n%.200s", out)
	}
	var got mock.ScenarioState
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	want := state(t, ts)
	if got.Active != "default" || got.Bindings["AK-ops"] != "InternalError" || len(got.Scenarios) != len(want.Scenarios) || len(got.Scenarios) < 20 {
		t.Errorf("got %+v", got)
	}
	if got.Scenarios[0].Operations != nil || got.Scenarios[1].Operations == nil {
		t.Errorf("outcomes lost: %+v", got.Scenarios[:2])
	}
}

func TestScenarioSet(t *testing.T) {
	srv, ts := startMock(t)
	code, out, errOut := cli(t, "scenario", "set", "InvalidTimeRange", "--server", ts.URL)
	if code != 0 || errOut != "" || out != "active scenario: InvalidTimeRange\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if st := state(t, ts); st.Active != "InvalidTimeRange" || len(st.Bindings) != 0 {
		t.Errorf("state %+v", st)
	}
	if status := apiCall(t, ts, "CreateUserUsageDataExportTask", "AK1"); status != 400 {
		t.Errorf("status %d", status)
	}
	if e := srv.Requests(mock.RequestFilter{}); len(e) != 1 || e[0].Code != "InvalidTimeRange" || e[0].Scenario != "InvalidTimeRange" {
		t.Errorf("journal %+v", e)
	}
}

func TestScenarioSetAccessKey(t *testing.T) {
	srv, ts := startMock(t)
	// Flags may come before or after the name.
	code, out, errOut := cli(t, "scenario", "set", "--server", ts.URL, "InternalError", "--access-key-id", "AK-ops")
	if code != 0 || out != "access key AK-ops now gets scenario InternalError (others get default)\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if st := state(t, ts); st.Active != "default" || len(st.Bindings) != 1 || st.Bindings["AK-ops"] != "InternalError" {
		t.Errorf("state %+v", st)
	}
	if a, b := apiCall(t, ts, "CreateUserUsageDataExportTask", "AK-ops"), apiCall(t, ts, "CreateUserUsageDataExportTask", "AK-other"); a != 500 || b != 200 {
		t.Errorf("bound key got %d, other key %d", a, b)
	}
	if e := srv.Requests(mock.RequestFilter{AccessKeyID: "AK-ops"}); len(e) != 1 || e[0].Code != "InternalError" {
		t.Errorf("journal %+v", e)
	}
}

func TestScenarioSetJSON(t *testing.T) {
	_, ts := startMock(t)
	code, out, _ := cli(t, "scenario", "set", "success", "--json", "--server", ts.URL)
	var st mock.ScenarioState
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st.Active != "success" || !strings.Contains(out, "\n  \"active\"") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestScenarioReset(t *testing.T) {
	srv, ts := startMock(t)
	_ = srv.SetScenario("InvalidTimeRange")
	_ = srv.Bind("AK-ops", "InternalError")
	code, out, errOut := cli(t, "scenario", "reset", "--server", ts.URL)
	if code != 0 || out != "scenarios reset: active scenario default, no bindings\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if st := state(t, ts); st.Active != "default" || len(st.Bindings) != 0 {
		t.Errorf("state %+v", st)
	}
}

func TestScenarioUnknown(t *testing.T) {
	_, ts := startMock(t)
	for _, args := range [][]string{
		{"scenario", "set", "InvalidTimeRang", "--server", ts.URL},
		{"scenario", "set", "InvalidTimeRang", "--access-key-id", "AK1", "--server", ts.URL},
	} {
		code, out, errOut := cli(t, args...)
		if code != 1 || out != "" {
			t.Errorf("%q: exit %d, stdout %q", args, code, out)
		}
		// The server's message, which names the closest and where the list is.
		if len(errOut) > 500 {
			t.Errorf("%q: %d characters: %s", args, len(errOut), errOut)
		}
		for _, want := range []string{"the mock at " + ts.URL, `no scenario "InvalidTimeRang"; did you mean "InvalidTimeRange"? (`, "cdnmock scenario list", "Mock.UnknownScenario"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%q: stderr lacks %q:\n%s", args, want, errOut)
			}
		}
	}
	if st := state(t, ts); st.Active != "default" || len(st.Bindings) != 0 {
		t.Errorf("state changed: %+v", st)
	}
}

// closedAddr is the address of a listener that is closed: nothing answers.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestServerNotRunning(t *testing.T) {
	addr := closedAddr(t)
	want := "cdnmock: cannot reach the mock at http://" + addr + ": is it running? start the server (cdnmock, or go run . from a checkout)"
	for _, args := range [][]string{
		{"scenario", "list"}, {"scenario", "set", "InternalError"}, {"scenario", "reset"},
		{"requests"}, {"requests", "--follow"}, {"scenario", "list", "--json"},
	} {
		code, out, errOut := cli(t, append(args, "--server", "http://"+addr)...)
		if code != 1 || out != "" || !strings.HasPrefix(errOut, want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	// A bare host:port is taken as http.
	if code, _, errOut := cli(t, "scenario", "list", "--server", addr); code != 1 || !strings.HasPrefix(errOut, want) {
		t.Errorf("host:port: exit %d, %q", code, errOut)
	}
}

func TestServerFromEnvironment(t *testing.T) {
	_, ts := startMock(t)
	t.Setenv("CDNMOCK_SERVER", ts.URL+"/")
	if code, out, errOut := cli(t, "scenario", "set", "success"); code != 0 || out != "active scenario: success\n" {
		t.Fatalf("exit %d, %q %q", code, out, errOut)
	}
	if st := state(t, ts); st.Active != "success" {
		t.Errorf("state %+v", st)
	}
	// --server wins over the environment.
	addr := closedAddr(t)
	if code, _, errOut := cli(t, "scenario", "list", "--server", addr); code != 1 || !strings.Contains(errOut, "http://"+addr) {
		t.Errorf("exit %d, %q", code, errOut)
	}
	t.Setenv("CDNMOCK_SERVER", "ftp://x")
	if code, _, errOut := cli(t, "scenario", "list"); code != 2 || !strings.Contains(errOut, "$CDNMOCK_SERVER") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

func TestNotAMock(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/_mock/scenarios" {
			w.Write([]byte("<html>hello</html>"))
			return
		}
		http.Error(w, "<html>Bad Gateway</html>", http.StatusBadGateway)
	}))
	defer other.Close()
	code, _, errOut := cli(t, "scenario", "reset", "--server", other.URL)
	if code != 1 || !strings.Contains(errOut, "the mock at "+other.URL+" answered DELETE /_mock/scenario with 502 Bad Gateway: <html>Bad Gateway</html>") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = cli(t, "scenario", "list", "--server", other.URL)
	if code != 1 || !strings.Contains(errOut, "the mock at "+other.URL+" sent an answer that is not what cdnmock sends") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scenario"}, "want a subcommand"},
		{[]string{"scenario", "drop"}, "unknown subcommand"},
		{[]string{"scenario", "set"}, "want a scenario name"},
		{[]string{"scenario", "set", "a", "b"}, `unexpected argument "b"`},
		{[]string{"scenario", "list", "extra"}, `unexpected argument "extra"`},
		{[]string{"scenario", "reset", "extra"}, `unexpected argument "extra"`},
		{[]string{"requests", "extra"}, `unexpected argument "extra"`},
		{[]string{"requests", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"scenario", "set", "x", "--access-key-id"}, "flag needs an argument"},
		{[]string{"scenario", "list", "--server", "ftp://h"}, `--server: "ftp://h" is not the URL of a server`},
		{[]string{"requests", "--server", "http://"}, "is not the URL of a server"},
	} {
		code, out, errOut := cli(t, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "usage:") {
			t.Errorf("%q: exit %d, stdout %q, stderr:\n%s", tc.args, code, out, errOut)
		}
	}
	if code, out, _ := cli(t, "requests", "-h"); code != 0 || !strings.Contains(out, "-follow") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
}

func TestRequests(t *testing.T) {
	_, ts := startMock(t)
	_, out0, _ := cli(t, "requests", "--server", ts.URL)
	if out0 != "TIME  ACTION  ACCESS KEY  SCENARIO  CODE  STATUS  LATENCY  VIOLATIONS\n" {
		t.Errorf("empty journal: %q", out0)
	}
	apiCall(t, ts, "CreateUserUsageDataExportTask", "AK1")
	apiCall(t, ts, "DescribeNothing", "AK1")
	http.Get(ts.URL + "/?Action=CreateUserUsageDataExportTask&Version=2018-05-10&Format=JSON&AccessKeyId=AK2&StartTime=2026-11-02T00:00:00Z&EndTime=2026-11-01T00:00:00Z")

	code, out, errOut := cli(t, "requests", "--server", ts.URL)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 || strings.Join(strings.Fields(lines[0]), " ") != "TIME ACTION ACCESS KEY SCENARIO CODE STATUS LATENCY VIOLATIONS" {
		t.Fatalf("table:\n%s", out)
	}
	for i, want := range [][]string{
		{"2026-11-25T12:00:00.000Z", "CreateUserUsageDataExportTask", "AK1", "default", "-", "200", "0"},
		{"2026-11-25T12:00:00.000Z", "DescribeNothing", "AK1", "default", "InvalidAction.NotFound", "404", "0"},
		{"2026-11-25T12:00:00.000Z", "CreateUserUsageDataExportTask", "AK2", "default", "InvalidTimeRange", "400", "0"},
	} {
		f := strings.Fields(lines[i+1])
		if len(f) != 8 || strings.Join(append(f[:6:6], f[7]), " ") != strings.Join(want, " ") {
			t.Errorf("row %d: %q, want %q", i, f, want)
		}
		if _, err := time.ParseDuration(f[6]); err != nil {
			t.Errorf("row %d: latency %q", i, f[6])
		}
	}

	// Filters.
	_, out, _ = cli(t, "requests", "--action", "CreateUserUsageDataExportTask", "--server", ts.URL)
	if n := strings.Count(out, "\n"); n != 3 || strings.Contains(out, "DescribeNothing") {
		t.Errorf("--action:\n%s", out)
	}
	_, out, _ = cli(t, "requests", "--access-key-id", "AK2", "--server", ts.URL)
	if n := strings.Count(out, "\n"); n != 2 || lineWith(out, "AK2", "InvalidTimeRange") == "" {
		t.Errorf("--access-key-id:\n%s", out)
	}
	_, out, _ = cli(t, "requests", "--access-key-id", "AK1", "--action", "DescribeNothing", "--server", ts.URL)
	if n := strings.Count(out, "\n"); n != 2 || lineWith(out, "AK1", "DescribeNothing") == "" {
		t.Errorf("both filters:\n%s", out)
	}

	// --json: the server's RequestsPage.
	code, out, _ = cli(t, "requests", "--json", "--access-key-id", "AK1", "--server", ts.URL)
	var page mock.RequestsPage
	if code != 0 || json.Unmarshal([]byte(out), &page) != nil || !strings.HasPrefix(out, "{\n  \"requests\": [\n") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if len(page.Requests) != 2 || page.Requests[0].Seq != 1 || page.Requests[1].Action != "DescribeNothing" || page.Requests[0].Params["StartTime"] != "2026-11-01T00:00:00Z" {
		t.Errorf("page %+v", page.Requests)
	}
}

// syncBuffer is a bytes.Buffer that a follower writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls out until cond holds; a follower polling every 5ms gets
// there in a couple of polls.
func waitFor(t *testing.T, out *syncBuffer, what string, cond func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after 5s; output:\n%s", what, out.String())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRequestsFollow(t *testing.T) {
	_, ts := startMock(t)
	apiCall(t, ts, "CreateUserUsageDataExportTask", "AK-before")

	var out, errb syncBuffer
	c := newClient(&out, &errb)
	c.pollEvery = 5 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- c.run(ctx, []string{"requests", "--follow", "--action", "CreateUserUsageDataExportTask", "--server", ts.URL})
	}()

	waitFor(t, &out, "earlier request", func(s string) bool { return strings.Contains(s, "AK-before") })
	apiCall(t, ts, "DescribeNothing", "AK-after") // filtered out
	apiCall(t, ts, "CreateUserUsageDataExportTask", "AK-after")
	waitFor(t, &out, "request sent after following began", func(s string) bool { return strings.Contains(s, "AK-after") })
	cancel()
	select {
	case code := <-done:
		if code != 0 || errb.String() != "" {
			t.Errorf("exit %d, stderr %q", code, errb.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("follow did not stop when its context was cancelled")
	}

	s := out.String()
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "TIME") || strings.Count(s, "TIME") != 1 || strings.Contains(s, "DescribeNothing") {
		t.Fatalf("want the header once and two rows, each once:\n%s", s)
	}
	// Rows printed in different polls line up with the header.
	col := strings.Index(lines[0], "ACCESS KEY")
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l[col:], "AK-") {
			t.Errorf("misaligned row %q under %q", l, lines[0])
		}
	}
}

func TestRequestsFollowJSON(t *testing.T) {
	_, ts := startMock(t)
	var out, errb syncBuffer
	c := newClient(&out, &errb)
	c.pollEvery = 5 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- c.run(ctx, []string{"requests", "--follow", "--json", "--server", ts.URL}) }()

	waitFor(t, &out, "first page", func(s string) bool { return strings.Contains(s, `"requests": []`) })
	apiCall(t, ts, "CreateUserUsageDataExportTask", "AK1")
	apiCall(t, ts, "CreateUserUsageDataExportTask", "AK2")
	waitFor(t, &out, "both requests", func(s string) bool { return strings.Contains(s, `"AK2"`) })
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	// A stream of RequestsPage documents: the first (empty), then only
	// pages with new entries, each entry once.
	dec := json.NewDecoder(strings.NewReader(out.String()))
	var seqs []uint64
	for dec.More() {
		var p mock.RequestsPage
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("%v in\n%s", err, out.String())
		}
		for _, e := range p.Requests {
			seqs = append(seqs, e.Seq)
		}
	}
	if len(seqs) != 2 || seqs[0] != 1 || seqs[1] != 2 {
		t.Errorf("seqs %v", seqs)
	}
}

func TestRequestsFollowServerStops(t *testing.T) {
	srv, err := mock.New(mock.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	var out, errb syncBuffer
	c := newClient(&out, &errb)
	c.pollEvery = 5 * time.Millisecond
	done := make(chan int, 1)
	go func() { done <- c.run(context.Background(), []string{"requests", "--follow", "--server", ts.URL}) }()
	waitFor(t, &out, "header", func(s string) bool { return strings.HasPrefix(s, "TIME") })
	ts.Close()
	srv.Close()
	select {
	case code := <-done:
		if code != 1 || !strings.Contains(errb.String(), "cannot reach the mock at "+ts.URL) {
			t.Errorf("exit %d, stderr %q", code, errb.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("follow kept going after the server stopped")
	}
}
