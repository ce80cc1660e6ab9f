package mocktest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mocktest"
)

const createAction = "CreateUserUsageDataExportTask"

// get sends an API call with the given access key (and action, by default
// CreateUserUsageDataExportTask) and returns the HTTP status and body.
func get(t *testing.T, srv *mocktest.Server, ak string, kv ...string) (int, string) {
	t.Helper()
	q := url.Values{
		"Action": {createAction}, "Version": {"2018-05-10"}, "Format": {"JSON"}, "AccessKeyId": {ak},
		"StartTime": {"2026-11-01T00:00:00Z"}, "EndTime": {"2026-11-02T00:00:00Z"},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	resp, err := http.Get(srv.URL() + "/?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// fakeTB records a failure instead of failing the test, so tests can check
// what mocktest reports. Fatalf stops the caller, as t.Fatalf does.
type fakeTB struct {
	t      *testing.T
	failed string
}

type fatal struct{}

func (f *fakeTB) Helper()          {}
func (f *fakeTB) Cleanup(c func()) { f.t.Cleanup(c) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	panic(fatal{})
}

// failure runs fn with a fakeTB and returns what it reported, "" if nothing.
func failure(t *testing.T, fn func(tb mocktest.TB)) (msg string) {
	t.Helper()
	tb := &fakeTB{t: t}
	defer func() {
		if r := recover(); r != nil && r != (fatal{}) {
			panic(r)
		}
		msg = tb.failed
	}()
	fn(tb)
	return ""
}

func TestStartEndpointURL(t *testing.T) {
	srv := mocktest.Start(t)
	host, port, ok := strings.Cut(srv.Endpoint(), ":")
	if !ok || host != "127.0.0.1" || port == "" || strings.Contains(srv.Endpoint(), "/") {
		t.Errorf("Endpoint %q: want host:port", srv.Endpoint())
	}
	if srv.URL() != "http://"+srv.Endpoint() {
		t.Errorf("URL %q, Endpoint %q", srv.URL(), srv.Endpoint())
	}
	resp, err := http.Get(srv.URL() + "/_mock/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health: %v %v", resp, err)
	}
	resp.Body.Close()
	if status, body := get(t, srv, "AK1"); status != 200 || !strings.Contains(body, `"TaskId"`) {
		t.Errorf("%d %s", status, body)
	}
	if srv.Server() == nil || srv.Server().Spec().Version != "2018-05-10" {
		t.Error("Server() is not the mock")
	}
	if len(srv.Server().Requests(mock.RequestFilter{})) != 1 {
		t.Error("Server() is not the mock that answered")
	}
}

func TestStopsAtCleanup(t *testing.T) {
	var url string
	t.Run("test", func(t *testing.T) { url = mocktest.Start(t).URL() })
	if _, err := http.Get(url + "/_mock/health"); err == nil {
		t.Error("the mock still answers after its test ended")
	}
}

// A request held by fault:hang must not keep the test from ending.
func TestCleanupReleasesHungRequests(t *testing.T) {
	errc := make(chan error, 1)
	start := time.Now()
	t.Run("test", func(t *testing.T) {
		srv := mocktest.Start(t, mocktest.WithScenario("fault:hang"))
		sent := make(chan struct{})
		req, _ := http.NewRequest("GET", srv.URL()+"/?Action=CreateUserUsageDataExportTask&Version=2018-05-10", nil)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			WroteRequest: func(httptrace.WroteRequestInfo) { close(sent) },
		}))
		go func() {
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			errc <- err
		}()
		<-sent
	}) // returns once the cleanups have run
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the test took %v to end", took)
	}
	select {
	case err := <-errc:
		if err == nil {
			t.Error("the hung request got an answer")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the hung request was not released")
	}
}

func TestStartFailsOnBadConfig(t *testing.T) {
	msg := failure(t, func(tb mocktest.TB) {
		mocktest.Start(tb, mocktest.WithConfig(func(c *mock.Config) {
			c.Scenarios = fstest.MapFS{"broken.yaml": {Data: []byte("operations:\n  NoSuchOperation:\n    error: InternalError\n")}}
			c.ScenariosDir = "testscenarios"
		}))
		t.Error("Start returned")
	})
	if !strings.HasPrefix(msg, "mocktest: the mock does not start: ") || !strings.Contains(msg, "testscenarios/broken.yaml") || !strings.Contains(msg, "NoSuchOperation") {
		t.Errorf("failure: %q", msg)
	}
}

func TestWithConfig(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithConfig(func(c *mock.Config) {
		c.NewRequestID = func() string { return "REQ-FIXED" }
	}))
	if _, body := get(t, srv, "AK1"); !strings.Contains(body, `"RequestId":"REQ-FIXED"`) {
		t.Errorf("body %s", body)
	}
}

func TestWithClockAndClock(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithClock(now))
	if !srv.Clock().Pinned() || !srv.Clock().Now().Equal(now) || srv.Clock() != srv.Server().Clock() {
		t.Fatalf("clock %v pinned %v", srv.Clock().Now(), srv.Clock().Pinned())
	}
	get(t, srv, "AK1")
	// Moving the clock moves the server's notion of now: a year later the
	// request's StartTime is too old.
	srv.Clock().Advance(400 * 24 * time.Hour)
	if status, body := get(t, srv, "AK1"); status != 400 || !strings.Contains(body, "InvalidStartTime.ValueNotSupported") {
		t.Errorf("%d %s", status, body)
	}
	es := srv.Requests()
	if len(es) != 2 || !es[0].Time.Equal(now) || !es[1].Time.Equal(now.Add(400*24*time.Hour)) {
		t.Errorf("journal times: %v", es)
	}
	// Without WithClock, real time.
	if c := mocktest.Start(t).Clock(); c.Pinned() || time.Since(c.Now()) > time.Minute {
		t.Errorf("default clock pinned %v at %v", c.Pinned(), c.Now())
	}
}

func TestWithScenario(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithClock(now), mocktest.WithScenario("InvalidTimeRange"))
	if status, body := get(t, srv, "AK1"); status != 400 || !strings.Contains(body, `"Code":"InvalidTimeRange"`) {
		t.Errorf("%d %s", status, body)
	}
	msg := failure(t, func(tb mocktest.TB) { mocktest.Start(tb, mocktest.WithScenario("InvalidTimeRang")) })
	if !strings.HasPrefix(msg, `mocktest: WithScenario: no scenario "InvalidTimeRang"; did you mean "InvalidTimeRange"? (`) || len(msg) > 500 {
		t.Errorf("failure: %q", msg)
	}
}

func TestSetScenario(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithClock(now))
	srv.SetScenario("InternalError")
	if status, _ := get(t, srv, "AK1"); status != 500 {
		t.Errorf("status %d", status)
	}
	if es := srv.Requests(); len(es) != 1 || es[0].Scenario != "InternalError" || es[0].Code != "InternalError" {
		t.Errorf("journal %+v", es)
	}

	msg := failure(t, func(tb mocktest.TB) { mocktest.Start(tb).SetScenario("export-refuse") })
	for _, want := range []string{`mocktest: SetScenario: no scenario "export-refuse"; did you mean "export-refused"? (`, "GET /_mock/scenarios"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure lacks %q: %q", want, msg)
		}
	}
	if len(msg) > 500 {
		t.Errorf("failure is %d characters: %q", len(msg), msg)
	}
}

func TestBind(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithClock(now))
	srv.SetScenario("success")
	srv.Bind("AK-ops", "ServiceUnavailable")
	if a, b := func() int { s, _ := get(t, srv, "AK-ops"); return s }(), func() int { s, _ := get(t, srv, "AK-dev"); return s }(); a != 503 || b != 200 {
		t.Errorf("bound key got %d, other key %d", a, b)
	}
	if es := srv.Requests(mock.RequestFilter{AccessKeyID: "AK-dev"}); len(es) != 1 || es[0].Scenario != "success" {
		t.Errorf("journal %+v", es)
	}

	msg := failure(t, func(tb mocktest.TB) { mocktest.Start(tb).Bind("AK1", "fault:rest") })
	if !strings.HasPrefix(msg, `mocktest: Bind("AK1"): no scenario "fault:rest"; did you mean "fault:reset"? (`) {
		t.Errorf("failure: %q", msg)
	}
	msg = failure(t, func(tb mocktest.TB) { mocktest.Start(tb).Bind("", "InternalError") })
	if !strings.Contains(msg, "want an access key id") {
		t.Errorf("failure: %q", msg)
	}
}

func TestReset(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithClock(now))
	srv.SetScenario("InternalError")
	srv.Bind("AK-ops", "ServiceUnavailable")
	get(t, srv, "AK-ops")
	srv.Reset()
	for _, ak := range []string{"AK-ops", "AK-dev"} {
		if status, body := get(t, srv, ak); status != 200 {
			t.Errorf("%s after Reset: %d %s", ak, status, body)
		}
	}
	if es := srv.Requests(); len(es) != 3 || es[1].Scenario != "default" || es[2].Scenario != "default" {
		t.Errorf("journal (kept across Reset) %+v", es)
	}
}

func TestRequests(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithClock(now))
	if es := srv.Requests(); len(es) != 0 {
		t.Fatalf("fresh journal: %+v", es)
	}
	get(t, srv, "AK1")
	get(t, srv, "AK2")
	get(t, srv, "AK1", "Action", "DescribeNothing")
	get(t, srv, "AK1", "EndTime", "2026-10-01T00:00:00Z")

	seqs := func(es []*mock.Entry) string {
		var b strings.Builder
		for _, e := range es {
			fmt.Fprintf(&b, "%d:%s:%s:%s ", e.Seq, e.AccessKeyID, e.Action, e.Code)
		}
		return strings.TrimSpace(b.String())
	}
	for _, tc := range []struct {
		filters []mock.RequestFilter
		want    string
	}{
		{nil, "1:AK1:CreateUserUsageDataExportTask: 2:AK2:CreateUserUsageDataExportTask: 3:AK1:DescribeNothing:InvalidAction.NotFound 4:AK1:CreateUserUsageDataExportTask:InvalidTimeRange"},
		{[]mock.RequestFilter{{Action: createAction}}, "1:AK1:CreateUserUsageDataExportTask: 2:AK2:CreateUserUsageDataExportTask: 4:AK1:CreateUserUsageDataExportTask:InvalidTimeRange"},
		{[]mock.RequestFilter{{AccessKeyID: "AK2"}}, "2:AK2:CreateUserUsageDataExportTask:"},
		{[]mock.RequestFilter{{AfterSeq: 2}}, "3:AK1:DescribeNothing:InvalidAction.NotFound 4:AK1:CreateUserUsageDataExportTask:InvalidTimeRange"},
		// Several filters: the entries that pass every one.
		{[]mock.RequestFilter{{Action: createAction}, {AccessKeyID: "AK1"}}, "1:AK1:CreateUserUsageDataExportTask: 4:AK1:CreateUserUsageDataExportTask:InvalidTimeRange"},
		{[]mock.RequestFilter{{Action: createAction}, {AccessKeyID: "AK1"}, {AfterSeq: 1}}, "4:AK1:CreateUserUsageDataExportTask:InvalidTimeRange"},
		{[]mock.RequestFilter{{AccessKeyID: "AK2"}, {AccessKeyID: "AK1"}}, ""},
	} {
		if got := seqs(srv.Requests(tc.filters...)); got != tc.want {
			t.Errorf("Requests(%+v) = %s\nwant %s", tc.filters, got, tc.want)
		}
	}
	if es := srv.Requests(mock.RequestFilter{AccessKeyID: "AK2"}); es[0].Params["StartTime"] != "2026-11-01T00:00:00Z" || es[0].Status != 200 {
		t.Errorf("entry %+v", es[0])
	}
}

// The mocktest.TB interface is what testing.TB offers.
var _ mocktest.TB = testing.TB(nil)

// Coverage takes one glob: two arguments were once joined into one pattern.
var _ func(*mocktest.Server, string) adminapi.CoverageReport = (*mocktest.Server).Coverage

func TestCoverage(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithClock(now))
	get(t, srv, "AK1")
	srv.SetScenario("InvalidTimeRange")
	get(t, srv, "AK1")
	r := srv.Coverage(createAction)
	if len(r.Operations) != 1 || r.Covered != 2 || r.Total < 3 {
		t.Fatalf("coverage of %s: %+v", createAction, r)
	}
	counted := map[string]int64{}
	for _, o := range r.Operations[0].Outcomes {
		counted[o.Outcome] = o.Count
	}
	if counted["success"] != 1 || counted["InvalidTimeRange"] != 1 {
		t.Errorf("counts: %v", counted)
	}
	if all := srv.Coverage(""); len(all.Operations) < 100 || all.Covered != 2 {
		t.Errorf("every operation: %d, covered %d", len(all.Operations), all.Covered)
	}
}
