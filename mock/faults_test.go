package mock_test

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// legacyCreate calls CreateUserUsageDataExportTask with the old Go SDK.
func legacyCreate(t *testing.T, ts *httptest.Server, ak string, setup func(*cdn.Client, *cdn.CreateUserUsageDataExportTaskRequest)) (*cdn.CreateUserUsageDataExportTaskResponse, error) {
	t.Helper()
	client, err := cdn.NewClientWithAccessKey("cn-hangzhou", ak, "SECRET")
	if err != nil {
		t.Fatal(err)
	}
	req := cdn.CreateCreateUserUsageDataExportTaskRequest()
	req.Domain = strings.TrimPrefix(ts.URL, "http://")
	req.Scheme = "http"
	req.StartTime, req.EndTime = "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"
	if setup != nil {
		setup(client, req)
	}
	return client.CreateUserUsageDataExportTask(req)
}

// openapiCreate calls it with darabonba-openapi's CallApi (ACS3 signing).
func openapiCreate(t *testing.T, ts *httptest.Server, ak string, cfg func(*openapi.Config)) (map[string]any, error) {
	t.Helper()
	c := &openapi.Config{
		AccessKeyId: tea.String(ak), AccessKeySecret: tea.String("SECRET"),
		Endpoint: tea.String(strings.TrimPrefix(ts.URL, "http://")), Protocol: tea.String("HTTP"),
	}
	if cfg != nil {
		cfg(c)
	}
	client, err := openapi.NewClient(c)
	if err != nil {
		t.Fatal(err)
	}
	params := &openapi.Params{
		Action: tea.String(createAction), Version: tea.String("2018-05-10"), Protocol: tea.String("HTTP"),
		Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"), Style: tea.String("RPC"),
		ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
	}
	req := &openapi.OpenApiRequest{Query: map[string]*string{
		"StartTime": tea.String("2026-11-01T00:00:00Z"), "EndTime": tea.String("2026-11-02T00:00:00Z"),
	}}
	return client.CallApi(params, req, &util.RuntimeOptions{})
}

func TestFaultsSeenAsInProduction(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	t.Run("reset", func(t *testing.T) {
		bind(t, srv, "AK-reset", "fault:reset")
		_, err := legacyCreate(t, ts, "AK-reset", nil)
		var ue *url.Error
		if !errors.As(err, &ue) || !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("old SDK: %T %v, want *url.Error with ECONNRESET", err, err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		bind(t, srv, "AK-empty", "fault:empty")
		_, err := legacyCreate(t, ts, "AK-empty", nil)
		var ue *url.Error
		if !errors.As(err, &ue) || !errors.Is(err, io.EOF) {
			t.Errorf("old SDK: %T %v, want *url.Error with EOF", err, err)
		}
	})
	t.Run("garbage", func(t *testing.T) {
		bind(t, srv, "AK-garbage", "fault:garbage")
		_, err := legacyCreate(t, ts, "AK-garbage", nil)
		var ce *sdkerrors.ClientError
		if !errors.As(err, &ce) || ce.ErrorCode() != "SDK.JsonUnmarshalError" {
			t.Errorf("old SDK: %T %v, want ClientError SDK.JsonUnmarshalError", err, err)
		}
		_, err = openapiCreate(t, ts, "AK-garbage", nil)
		var se *json.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("darabonba: %T %v, want *json.SyntaxError", err, err)
		}
	})
}

// closeWithin closes an httptest server, which waits for every handler to
// end; a handler that never ends fails the test instead of hanging it.
func closeWithin(t *testing.T, ts *httptest.Server) {
	t.Helper()
	done := make(chan struct{})
	go func() { ts.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a handler was never released")
	}
}

func TestHangReleasedWhenTheClientGivesUp(t *testing.T) {
	srv, ts := newServer(t, mock.Config{Scenario: "fault:hang"})
	_, err := legacyCreate(t, ts, "AK-hang", func(_ *cdn.Client, req *cdn.CreateUserUsageDataExportTaskRequest) {
		req.SetReadTimeout(100 * time.Millisecond)
	})
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("old SDK: %T %v, want a timeout", err, err)
	}
	// httptest's Close does not wait for a hijacked connection's handler,
	// but the mock's own Close waits for every API handler to end.
	closeWithin(t, ts)
	srv.Close()
	es := srv.Requests(mock.RequestFilter{})
	if len(es) != 1 || es[0].Code != "fault:hang" || es[0].Status != 0 {
		t.Errorf("journal: %+v", es)
	}
}

func TestHangReleasedWhenTheServerCloses(t *testing.T) {
	srv, err := mock.New(mock.Config{Scenario: "fault:hang", Clock: mock.FixedClock(testNow)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	active := make(chan struct{}, 1)
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateActive {
			active <- struct{}{} // the server is reading the request: Close will wait for it
		}
	}
	ts.Start()
	got := make(chan error, 1)
	go func() {
		resp, err := http.Post(ts.URL+"/?"+createParams().Encode(), "", nil)
		if err == nil {
			resp.Body.Close()
		}
		got <- err
	}()
	<-active
	srv.Close()
	closeWithin(t, ts)
	if err := <-got; err == nil {
		t.Error("the held call got an answer")
	}
	// The client saw its connection drop, so the handler has started;
	// httptest does not wait for a hijacked connection, the mock's Close does.
	srv.Close()
	es := srv.Requests(mock.RequestFilter{})
	if len(es) != 1 || es[0].Code != "fault:hang" {
		t.Errorf("journal: %+v", es)
	}
}

func TestDelays(t *testing.T) {
	_, ts := newServer(t, mock.Config{Delay: mustDelay(t, "300ms")})
	r := call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Delay": {"soon"}})
	if r.status != 400 || r.str("Code") != "Mock.BadRequest" || !strings.Contains(r.str("Message"), "X-Mock-Delay") {
		t.Errorf("a bad X-Mock-Delay: %d %s", r.status, r.body)
	}
	start := time.Now()
	r = call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Delay": {"20ms-40ms"}})
	if took := time.Since(start); r.status != 200 || took < 20*time.Millisecond {
		t.Errorf("X-Mock-Delay 20ms-40ms: %d after %v", r.status, took)
	}
	start = time.Now()
	if r = call(t, ts, http.MethodPost, createParams(), nil); time.Since(start) < 300*time.Millisecond {
		t.Errorf("--delay 300ms answered after %v", time.Since(start))
	}
}

func mustDelay(t *testing.T, s string) mock.Delay {
	t.Helper()
	d, err := mock.ParseDelay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// stepScenarios are scenario files with sequences and rules.
var stepScenarios = fstest.MapFS{
	"flaky.yaml": {Data: []byte(`
description: two internal errors, then success
operations:
  CreateUserUsageDataExportTask:
    - error: InternalError
      times: 2
    - fixture: success
`)},
	"by-name.yaml": {Data: []byte(`
description: answers by TaskName
operations:
  CreateUserUsageDataExportTask:
    - when: {TaskName: "fail-*"}
      error: InvalidParameterOperator
    - when: {TaskName: "slow?"}
      error: ServiceUnavailable
      times: 1
    - fixture: success
      validate: false
`)},
}

func stepServer(t *testing.T) (*mock.Server, *httptest.Server) {
	return newServer(t, mock.Config{Scenarios: stepScenarios})
}

func TestAutoRetrySeesTwoErrorsThenSuccess(t *testing.T) {
	srv, ts := stepServer(t)
	if err := srv.Bind("AK-retry", "flaky"); err != nil {
		t.Fatal(err)
	}
	resp, err := legacyCreate(t, ts, "AK-retry", func(c *cdn.Client, _ *cdn.CreateUserUsageDataExportTaskRequest) {
		c.GetConfig().AutoRetry = true
		c.GetConfig().MaxRetryTime = 3
	})
	if err != nil {
		t.Fatalf("one call with AutoRetry: %v", err)
	}
	if resp.StartTime != "2026-11-01T00:00:00Z" || resp.TaskId == "" {
		t.Errorf("response %+v", resp)
	}
	var codes []string
	for _, e := range srv.Requests(mock.RequestFilter{AccessKeyID: "AK-retry"}) {
		codes = append(codes, e.Code+"/"+http.StatusText(e.Status))
	}
	want := "InternalError/Internal Server Error,InternalError/Internal Server Error,/OK"
	if strings.Join(codes, ",") != want {
		t.Errorf("attempts %v, want %s", codes, want)
	}

	// Setting the scenario again restarts the sequence.
	if _, err := legacyCreate(t, ts, "AK-retry", nil); err != nil {
		t.Fatalf("after the sequence: %v", err)
	}
	bind(t, srv, "AK-retry", "flaky")
	_, err = legacyCreate(t, ts, "AK-retry", nil)
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) || se.ErrorCode() != "InternalError" || se.HttpStatus() != 500 {
		t.Errorf("after Bind again: %v, want InternalError 500", err)
	}
}

func TestStepsAreCountedPerAccessKey(t *testing.T) {
	srv, ts := stepServer(t)
	setScenario(t, srv, "flaky")
	for _, ak := range []string{"AK-a", "AK-b"} {
		for i, want := range []int{500, 500, 200, 200} {
			if r := call(t, ts, http.MethodPost, createParams("AccessKeyId", ak), nil); r.status != want {
				t.Errorf("%s call %d: %d, want %d", ak, i+1, r.status, want)
			}
		}
	}
}

func TestWhenConditions(t *testing.T) {
	_, ts := stepServer(t)
	h := http.Header{"X-Mock-Scenario": {"by-name"}}
	cases := []struct {
		task   string
		status int
		code   string
	}{
		{"fail-export", 400, "InvalidParameterOperator"},
		{"fail-", 400, "InvalidParameterOperator"},
		{"fail", 200, ""},
		{"slow1", 503, "ServiceUnavailable"},
		{"slow1", 200, ""}, // times: 1 is used up
		{"slow12", 200, ""},
		{"", 200, ""},
	}
	for _, tc := range cases {
		r := call(t, ts, http.MethodPost, createParams("TaskName", tc.task), h)
		if r.status != tc.status || r.str("Code") != tc.code {
			t.Errorf("TaskName %q: %d %s, want %d %s", tc.task, r.status, r.str("Code"), tc.status, tc.code)
		}
	}
}

func TestStepsUnderConcurrency(t *testing.T) {
	srv, ts := stepServer(t)
	setScenario(t, srv, "flaky")
	const n = 40
	statuses := make(chan int, n)
	for i := 0; i < n; i++ {
		go func() {
			resp, err := http.Post(ts.URL+"/?"+createParams("AccessKeyId", "AK-shared").Encode(), "", nil)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	count := map[int]int{}
	for i := 0; i < n; i++ {
		count[<-statuses]++
	}
	if count[500] != 2 || count[200] != n-2 {
		t.Errorf("statuses %v: want exactly 2 errors, whatever the interleaving", count)
	}
}

func TestParallelBindingsStayApart(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	codes := srv.Spec().Operation(createAction).Errors()
	for i := 0; i < 50; i++ {
		code := codes[i%len(codes)].Code
		ak := "AK-par-" + string(rune('A'+i/26)) + string(rune('a'+i%26))
		t.Run(ak, func(t *testing.T) {
			t.Parallel()
			if err := srv.Bind(ak, code); err != nil {
				t.Fatal(err)
			}
			// tea v1.3.13 shares one http.Client per endpoint and runtime
			// options, and races on it under concurrent calls (an SDK bug):
			// a distinct read timeout gives each subtest its own client.
			distinct := func(c *openapi.Config) { c.ReadTimeout = tea.Int(10000 + i) }
			for j := 0; j < 3; j++ {
				_, err := openapiCreate(t, ts, ak, distinct)
				var se *tea.SDKError
				if !errors.As(err, &se) || tea.StringValue(se.Code) != code {
					t.Fatalf("%s bound to %s got %v", ak, code, err)
				}
			}
		})
	}
}

func TestThrottlingAtTheDocumentedRate(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	limit := srv.Spec().Operation(createAction).RateLimit
	if limit != 100 {
		t.Fatalf("spec rate limit %d, want the documented 100", limit)
	}
	for i := 0; i < limit; i++ {
		if r := call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK-busy"), nil); r.status != 200 {
			t.Fatalf("call %d of %d within the limit: %d %s", i+1, limit, r.status, r.body)
		}
	}
	_, err := openapiCreate(t, ts, "AK-busy", nil)
	var se *tea.SDKError
	if !errors.As(err, &se) || tea.StringValue(se.Code) != "Throttling.User" || tea.IntValue(se.StatusCode) != 400 {
		t.Fatalf("call %d: %v, want Throttling.User 400", limit+1, err)
	}
	if !strings.Contains(tea.StringValue(se.Message), "Request was denied due to user flow control.") {
		t.Errorf("message %q", tea.StringValue(se.Message))
	}
	if _, err := openapiCreate(t, ts, "AK-idle", nil); err != nil {
		t.Errorf("another access key is throttled too: %v", err)
	}
	srv.Clock().Advance(time.Second)
	if _, err := openapiCreate(t, ts, "AK-busy", nil); err != nil {
		t.Errorf("a second later: %v", err)
	}
	// Scenarios that force an outcome do not throttle.
	for i := 0; i < limit+10; i++ {
		if r := call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK-forced"), http.Header{"X-Mock-Scenario": {"success"}}); r.status != 200 {
			t.Fatalf("success scenario throttled at call %d", i+1)
		}
	}
}

func TestThrottlingOff(t *testing.T) {
	_, ts := newServer(t, mock.Config{DisableThrottling: true})
	for i := 0; i < 150; i++ {
		if r := call(t, ts, http.MethodPost, createParams(), nil); r.status != 200 {
			t.Fatalf("call %d: %d %s", i+1, r.status, r.body)
		}
	}
}
