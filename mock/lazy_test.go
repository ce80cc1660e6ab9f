package mock

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
	genspec "github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

// The generated layer is loaded lazily (package fixture, lazy.go): New
// reads its index, and each operation is loaded on its first call.

func lazyCall(t testing.TB, s *Server, action string) (int, map[string]any) {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/?Action="+action+"&Version=2018-05-10&Format=JSON", nil))
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: %d %s", action, w.Code, w.Body)
	}
	return w.Code, body
}

func TestGeneratedOperationsLoadOnFirstCall(t *testing.T) {
	contract.ResetCache() // a fresh process's first server
	s, err := New(Config{Clock: FixedClock(benchNow), DisableThrottling: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sp := s.Spec()
	if n := len(sp.OperationNames()); n != 166 {
		t.Fatalf("%d operations, want 166", n)
	}
	const action = "DescribeCdnService"
	op := sp.Summary(action)
	if op.Loaded() {
		t.Fatalf("%s is loaded before its first call", action)
	}
	var lazy []string // the generated operations, none loaded yet
	for _, name := range sp.OperationNames() {
		if !sp.Summary(name).Loaded() {
			lazy = append(lazy, name)
		}
	}
	if len(lazy) < 140 { // 166, less those the hand-written spec defines
		t.Fatalf("only %d operations wait for their first call", len(lazy))
	}

	// Listings see every operation and its documented codes from the index.
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/_mock/operations", nil))
	var page OperationsPage
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || len(page.Operations) != 166 {
		t.Fatalf("GET /_mock/operations: %d operations (%v)", len(page.Operations), err)
	}
	for _, info := range page.Operations {
		if info.Name == "BatchUpdateCdnDomain" && (len(info.Errors) == 0 || len(info.Parameters) == 0 || info.RateLimit != 30) {
			t.Errorf("BatchUpdateCdnDomain is listed without its errors, parameters or rate: %+v", info)
		}
	}
	sc := s.catalog.Load().scenarios["InvalidDomainName.Malformed"]
	if steps, _ := sc.Steps("BatchUpdateCdnDomain"); sc == nil || len(steps) == 0 {
		t.Error("the built-in scenario of BatchUpdateCdnDomain's documented code is missing")
	}
	// Nor do the other listings, or calls refused before they reach an
	// operation (a method it does not take).
	for _, path := range []string{"/_mock/scenarios", "/_mock/coverage", "/_mock/requests"} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: %d", path, w.Code)
		}
	}
	if code, body := lazyCall(t, s, "DescribeBlockedRegions"); code != http.StatusBadRequest || body["Code"] != "UnsupportedHTTPMethod" {
		t.Errorf("POST to a GET-only operation: %d %v", code, body)
	}
	for _, name := range lazy {
		if sp.Summary(name).Loaded() {
			t.Errorf("listing operations, scenarios or coverage, or refusing a call, loaded %s", name)
		}
	}

	// The first calls, side by side, load it once; all are answered.
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Go(func() { codes[i], _ = lazyCall(t, s, action) })
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("call %d: status %d", i, c)
		}
	}
	if !op.Loaded() {
		t.Errorf("%s is not loaded after its first call", action)
	}
	if sp.Summary("BatchUpdateCdnDomain").Loaded() {
		t.Error("calling one operation loaded another")
	}
}

// brokenGenerated is the generated spec with one parameter of BatchStopCdnDomain
// in a header, which the mock refuses, and the line of that mistake.
func brokenGenerated(t testing.TB) ([]byte, int) {
	t.Helper()
	data, err := genspec.FS.ReadFile(genspec.Default)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(data, []byte("/?Action=BatchStopCdnDomain:"))
	in := bytes.Index(data[at:], []byte("in: query"))
	if at < 0 || in < 0 {
		t.Fatal("unexpected generated spec layout")
	}
	in += at
	broken := append(append(bytes.Clone(data[:in]), "in: header"...), data[in+len("in: query"):]...)
	return broken, bytes.Count(data[:in], []byte("\n")) + 1
}

// TestBrokenGeneratedOperation: a generated operation that fails to load on
// its first call answers a clear 500 and logs why, every time; the others
// are served; validate (Check) refuses the same file at once.
func TestBrokenGeneratedOperation(t *testing.T) {
	broken, line := brokenGenerated(t)
	sum := sha256.Sum256(broken)
	idx := genspec.DefaultIndex
	idx.Sum = hex.EncodeToString(sum[:]) // the index, of this copy: served lazily as the embedded one is
	var logs bytes.Buffer
	cfg := Config{GeneratedSpec: broken, GeneratedSpecFile: "gen.yaml", generatedIndex: &idx, Clock: FixedClock(benchNow),
		Logger: slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New loaded the broken operation at startup: %v", err)
	}
	defer s.Close()

	want := "gen.yaml:" + strconv.Itoa(line) + ": "
	for range 2 {
		code, body := lazyCall(t, s, "BatchStopCdnDomain")
		msg, _ := body["Message"].(string)
		if code != http.StatusInternalServerError || body["Code"] != "Mock.OperationUnavailable" ||
			!strings.Contains(msg, want) || !strings.Contains(msg, "RPC parameters are query parameters") {
			t.Errorf("BatchStopCdnDomain: %d %v, want 500 Mock.OperationUnavailable naming %s", code, body, want)
		}
	}
	if !strings.Contains(logs.String(), "operation cannot be loaded") || !strings.Contains(logs.String(), "action=BatchStopCdnDomain") {
		t.Errorf("no log line says why:\n%s", logs.String())
	}
	if code, _ := lazyCall(t, s, "DescribeCdnService"); code != http.StatusOK {
		t.Errorf("another operation answers %d", code)
	}

	cfg.Logger = nil
	err = Check(cfg)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Check: %v, want a problem at %s", err, want)
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestDefaultsReachTheFixtureNotTheJournal: the spec's defaults are added
// to the call's own parameters for the task and the fixture, and taken out
// before the journal keeps what was sent.
func TestDefaultsReachTheFixtureNotTheJournal(t *testing.T) {
	s, err := New(Config{Clock: FixedClock(benchNow), DisableThrottling: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, newBenchRequest()) // no Language: its default is zh-cn
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var tasks []map[string]string
	for _, ts := range s.tasks.All() {
		for _, task := range ts {
			tasks = append(tasks, task.Params())
		}
	}
	if len(tasks) != 1 || tasks[0]["Language"] != "zh-cn" {
		t.Errorf("the task's parameters lack the default Language: %v", tasks)
	}
	entries := s.journal.Snapshot(func(*journal.Record) bool { return true })
	if len(entries) != 1 {
		t.Fatalf("%d journal entries", len(entries))
	}
	if p := entries[0].View().Params; p["Language"] != "" || p["StartTime"] == "" {
		t.Errorf("the journal keeps %v: the default, or not what was sent", p)
	}
}

// TestGeneratedLayerAfterEviction: servers started one after another with
// other generated specs between them (as many mocktest.Start calls do)
// push the default generated layer out of what the process keeps; the
// next server with the default one still answers its generated operations.
func TestGeneratedLayerAfterEviction(t *testing.T) {
	contract.ResetCache() // a fresh process
	data, err := genspec.FS.ReadFile(genspec.Default)
	if err != nil {
		t.Fatal(err)
	}
	custom := func(n int) []byte { // another generated spec: loaded in full, not from the index
		return append(bytes.Clone(data), fmt.Sprintf("# copy %d\n", n)...)
	}
	steps := []struct {
		name string
		cfg  Config
		fail bool
	}{
		{"G1", Config{GeneratedSpec: custom(1), GeneratedSpecFile: "g1.yaml"}, false},
		{"G2, broken hand-written spec", Config{GeneratedSpec: custom(2), GeneratedSpecFile: "g2.yaml", Spec: []byte("openapi: ["), SpecFile: "bad.yaml"}, true},
		{"default", Config{}, false},
		{"G2", Config{GeneratedSpec: custom(2), GeneratedSpecFile: "g2.yaml"}, false},
		{"G3", Config{GeneratedSpec: custom(3), GeneratedSpecFile: "g3.yaml"}, false},
		{"default again", Config{}, false},
	}
	for _, st := range steps {
		st.cfg.Clock, st.cfg.DisableThrottling = FixedClock(benchNow), true
		s, err := New(st.cfg)
		if st.fail {
			if err == nil {
				s.Close()
				t.Fatalf("%s: New accepted a broken spec", st.name)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if code, body := lazyCall(t, s, "DescribeCdnService"); code != http.StatusOK {
			t.Errorf("%s: DescribeCdnService answers %d %v", st.name, code, body)
		}
		s.Close()
	}
}

// TestDriftOfAGeneratedOperationNotLoaded: a call the mock refuses before
// it reaches the operation (a POST to a GET-only generated operation) is
// relayed with the operation as routing knows it; the upstream's success
// body is still held to its response schema, which needs it loaded.
func TestDriftOfAGeneratedOperationNotLoaded(t *testing.T) {
	contract.ResetCache() // a fresh process: nothing loaded yet
	const action = "DescribeBlockedRegions"
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		_, _ = w.Write([]byte(`{"RequestId":"UP-1","BrandNewField":"x"}`))
	}))
	defer up.Close()
	s, err := New(Config{Clock: FixedClock(benchNow), Upstream: &UpstreamConfig{URL: up.URL, AccessKeyID: "AK-up", AccessKeySecret: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if op := s.Spec().Summary(action); op == nil || op.Allows(http.MethodPost) || op.Loaded() {
		t.Fatalf("%s must be a generated GET-only operation not loaded yet", action)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/?Action="+action+"&Version=2018-05-10&Format=JSON", nil))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "BrandNewField") {
		t.Fatalf("the upstream's answer must reach the client: %d %s", w.Code, w.Body)
	}
	if h := w.Header().Get(HeaderDrift); !strings.Contains(h, "body") || !strings.Contains(h, "BrandNewField") {
		t.Errorf("X-Mock-Drift %q: the body's extra field is not reported", h)
	}
}

// TestSpecOperationIsLoaded: what the public Spec() returns for a generated
// operation is the operation in full, whatever has been called: checking a
// request against it works (it panicked on the index's summary).
func TestSpecOperationIsLoaded(t *testing.T) {
	contract.ResetCache() // a fresh process: nothing loaded yet
	s, err := New(Config{Clock: FixedClock(benchNow)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sp := s.Spec()
	const action = "DescribeCdnUserDomainsByFunc"
	if sp.Summary(action).Loaded() {
		t.Fatalf("%s is loaded before anything asked for it", action)
	}
	op := sp.Operation(action)
	if op == nil || !op.Loaded() || op.Response == nil {
		t.Fatalf("Spec().Operation(%s) is not loaded in full: %+v", action, op)
	}
	// (No generated-only operation has both a bounded PageSize and a
	// declared list; DescribeUserDomains, which has, is hand-written.)
	vs := sp.CheckRequest(context.Background(), op, url.Values{"FuncId": {"7"}, "PageSize": {"501"}, "Bogus": {"1"}})
	var got []string
	for _, v := range vs {
		got = append(got, v.Parameter)
	}
	if !slices.Equal(got, []string{"PageSize", "Bogus"}) {
		t.Errorf("violations %v, want PageSize (over its maximum) and Bogus (unknown)", vs)
	}
	if sp.Operation("NoSuchAction") != nil {
		t.Error("an unknown operation is not nil")
	}
}

// TestScenarioWhenOnAGeneratedOperation: a scenario file's step that
// matches a repeat-list parameter (Tag.1.Key) of a generated operation is
// checked, at New, against the operation in full, and then served.
func TestScenarioWhenOnAGeneratedOperation(t *testing.T) {
	contract.ResetCache() // a fresh process: nothing loaded yet
	const file = "operations:\n  DescribeUserDomains:\n    - when: {Tag.1.Key: env}\n      error: InvalidParameter\n    - fixture: success\n"
	s, err := New(Config{Clock: FixedClock(benchNow), DisableThrottling: true, Scenario: "tagged",
		Scenarios: fstest.MapFS{"tagged.yaml": {Data: []byte(file)}}})
	if err != nil {
		t.Fatalf("New refused a when on a declared list parameter: %v", err)
	}
	defer s.Close()
	send := func(query string) (int, map[string]any) {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/?Action=DescribeUserDomains&Version=2018-05-10&Format=JSON"+query, nil))
		var body map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &body)
		return w.Code, body
	}
	if code, body := send("&Tag.1.Key=env&Tag.1.Value=prod"); code != http.StatusBadRequest || body["Code"] != "InvalidParameter" {
		t.Errorf("tagged call: %d %v, want 400 InvalidParameter", code, body)
	}
	if code, body := send("&Tag.1.Key=team&Tag.1.Value=cdn"); code != http.StatusOK {
		t.Errorf("other call: %d %v, want 200", code, body)
	}
}

// TestGeneratedIndexOutOfDate: an index whose sum matches the generated
// spec but which says something else of an operation (its rate, a
// parameter's Required) makes that operation answer a clear 500 naming
// the fix; the others are served.
func TestGeneratedIndexOutOfDate(t *testing.T) {
	data, err := genspec.FS.ReadFile(genspec.Default)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what   string
		change func(*genspec.Op)
	}{
		{"rate", func(op *genspec.Op) { op.RateLimit++ }},
		{"required", func(op *genspec.Op) {
			op.Params = append([]genspec.Param(nil), op.Params...)
			op.Params[0].Required = !op.Params[0].Required
		}},
	} {
		idx := genspec.DefaultIndex // the sum of the embedded spec: served from the index
		idx.Ops = append([]genspec.Op(nil), idx.Ops...)
		for i := range idx.Ops {
			if idx.Ops[i].Name == "DescribeCdnUserDomainsByFunc" {
				c.change(&idx.Ops[i])
			}
		}
		s, err := New(Config{GeneratedSpec: data, GeneratedSpecFile: "gen-" + c.what + ".yaml", generatedIndex: &idx,
			Clock: FixedClock(benchNow), DisableThrottling: true})
		if err != nil {
			t.Fatal(err)
		}
		code, body := lazyCall(t, s, "DescribeCdnUserDomainsByFunc")
		if msg, _ := body["Message"].(string); code != http.StatusInternalServerError || !strings.Contains(msg, "differs from the index") {
			t.Errorf("%s: %d %v, want 500 saying the operation differs from the index", c.what, code, body)
		}
		if code, _ := lazyCall(t, s, "DescribeCdnService"); code != http.StatusOK {
			t.Errorf("%s: another operation answers %d", c.what, code)
		}
		s.Close()
	}
}
