package mock_test

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// The upstream of these tests is the mock itself, with --credentials that
// hold only the upstream's key: a call the proxy signs wrongly, or does
// not sign again, is refused there.
const (
	upstreamKeyID  = "LTAI5tUpstreamKeyForProxyTests"
	upstreamSecret = "upstream-secret-never-recorded"
)

// startUpstream runs the mock as the real service would be: credentials
// on, real time (the proxy signs with the time of day).
func startUpstream(t *testing.T) (*mock.Server, *httptest.Server) {
	t.Helper()
	creds, err := mock.LoadCredentials("upstream.yaml", []byte("accessKeys:\n  - id: "+upstreamKeyID+"\n    secret: "+upstreamSecret+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(mock.Config{Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	t.Cleanup(srv.Close)
	return srv, ts
}

func proxyConfig(upstreamURL string) mock.Config {
	return mock.Config{Upstream: &mock.UpstreamConfig{URL: upstreamURL, AccessKeyID: upstreamKeyID, AccessKeySecret: upstreamSecret}}
}

// sdkRaw calls action with params through one of the three real clients
// (any key, any secret) and returns the HTTP status and the JSON body.
func sdkRaw(t *testing.T, client string, ts *httptest.Server, action string, params map[string]string, header map[string]string) (int, map[string]any) {
	t.Helper()
	host := strings.TrimPrefix(ts.URL, "http://")
	if client == "alibaba-cloud-sdk-go" {
		c, err := cdn.NewClientWithAccessKey("cn-hangzhou", "AK-client", "client-secret")
		if err != nil {
			t.Fatal(err)
		}
		req := requests.NewCommonRequest()
		req.Method, req.Scheme, req.Domain = requests.POST, "http", host
		req.Product, req.Version, req.ApiName = "Cdn", "2018-05-10", action
		for k, v := range params {
			req.QueryParams[k] = v
		}
		for k, v := range header {
			req.Headers[k] = v
		}
		resp, err := c.ProcessCommonRequest(req)
		if resp == nil || resp.GetHttpStatus() == 0 {
			t.Fatalf("%s: %v", client, err)
		}
		var body map[string]any
		if err := json.Unmarshal(resp.GetHttpContentBytes(), &body); err != nil {
			t.Fatalf("%s: %v: %s", client, err, resp.GetHttpContentString())
		}
		return resp.GetHttpStatus(), body
	}
	cfg := &openapi.Config{AccessKeyId: tea.String("AK-client"), AccessKeySecret: tea.String("client-secret"),
		Endpoint: tea.String(host), Protocol: tea.String("HTTP")}
	if client == "darabonba-v2" {
		cfg.SignatureAlgorithm = tea.String("v2")
	}
	c, err := openapi.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := &openapi.Params{Action: tea.String(action), Version: tea.String("2018-05-10"), Protocol: tea.String("HTTP"),
		Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"), Style: tea.String("RPC"),
		ReqBodyType: tea.String("formData"), BodyType: tea.String("json")}
	req := &openapi.OpenApiRequest{Query: map[string]*string{}, Headers: map[string]*string{}}
	for k, v := range params {
		req.Query[k] = tea.String(v)
	}
	for k, v := range header {
		req.Headers[k] = tea.String(v)
	}
	sdkOpenapiMu.Lock()
	res, err := c.CallApi(p, req, &util.RuntimeOptions{})
	sdkOpenapiMu.Unlock()
	if err != nil {
		var se *tea.SDKError
		if !errorsAs(err, &se) {
			t.Fatalf("%s: %T %v", client, err, err)
		}
		var body map[string]any
		_ = json.Unmarshal([]byte(tea.StringValue(se.Data)), &body)
		return tea.IntValue(se.StatusCode), body
	}
	body, _ := res["body"].(map[string]any)
	return 200, body
}

// journal reads a server's journal through the Go API.
func lastEntry(t *testing.T, srv *mock.Server) *mock.Entry {
	t.Helper()
	es := srv.Requests(mock.RequestFilter{})
	if len(es) == 0 {
		t.Fatal("the journal is empty")
	}
	return es[len(es)-1]
}

func TestProxyForwardsWhatEachSDKSignsAgain(t *testing.T) {
	up, upTS := startUpstream(t)
	proxy, ts := newServer(t, proxyConfig(upTS.URL))
	for _, client := range []string{"alibaba-cloud-sdk-go", "darabonba-ACS3", "darabonba-v2"} {
		t.Run(client, func(t *testing.T) {
			status, body := sdkRaw(t, client, ts, "DescribeCdnService", nil, nil)
			if status != 200 || body["InternetChargeType"] == nil {
				t.Fatalf("status %d, body %v", status, body)
			}
			ue := lastEntry(t, up)
			if ue.AccessKeyID != upstreamKeyID || ue.Code != "" || ue.Action != "DescribeCdnService" {
				t.Fatalf("upstream journal: key %q code %q action %q; want the upstream's key and success", ue.AccessKeyID, ue.Code, ue.Action)
			}
			if body["RequestId"] != ue.RequestID {
				t.Errorf("RequestId %v, want the upstream's %s", body["RequestId"], ue.RequestID)
			}
			pe := lastEntry(t, proxy)
			if pe.Upstream == nil || pe.Upstream.Status != 200 || pe.Upstream.Code != "" || pe.Upstream.RequestID != ue.RequestID {
				t.Errorf("proxy journal upstream = %+v", pe.Upstream)
			}
		})
	}
}

func TestProxyKeepsForcedOutcomesLocalAndForwardsInvalidCalls(t *testing.T) {
	up, upTS := startUpstream(t)
	_, ts := newServer(t, proxyConfig(upTS.URL))

	// A forced error is the mock's: the upstream never hears of it.
	status, body := sdkRaw(t, "darabonba-ACS3", ts, "DescribeCdnService", nil, map[string]string{mock.HeaderScenario: "InternalError"})
	if status != 500 || body["Code"] != "InternalError" {
		t.Fatalf("forced error: %d %v", status, body)
	}
	if n := len(up.Requests(mock.RequestFilter{})); n != 0 {
		t.Fatalf("the upstream got %d calls for a forced outcome", n)
	}

	// An invalid call is the upstream's to judge.
	status, body = sdkRaw(t, "alibaba-cloud-sdk-go", ts, "CreateUserUsageDataExportTask", map[string]string{"EndTime": "2026-11-02T00:00:00Z"}, nil)
	if status != 400 || body["Code"] != "MissingTimeParameter" {
		t.Fatalf("invalid call: %d %v", status, body)
	}
	if ue := lastEntry(t, up); ue.Action != "CreateUserUsageDataExportTask" || ue.Code != "MissingTimeParameter" || ue.AccessKeyID != upstreamKeyID {
		t.Fatalf("upstream journal: %+v", ue)
	}
}

func TestProxyTransportFailuresAnswerInTheEnvelope(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	srv, ts := newServer(t, proxyConfig(closed))
	r := call(t, ts, http.MethodGet, url.Values{"Action": {"DescribeCdnService"}, "Version": {"2018-05-10"}, "Format": {"JSON"}}, nil)
	if r.status != http.StatusBadGateway || r.str("Code") != "Mock.UpstreamUnreachable" || r.str("RequestId") == "" {
		t.Fatalf("refused: %d %s", r.status, r.body)
	}
	if e := lastEntry(t, srv); e.Code != "Mock.UpstreamUnreachable" || e.Status != 502 || e.Upstream == nil {
		t.Fatalf("journal: %+v", e)
	}

	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(hang.Close)
	cfg := proxyConfig(hang.URL)
	cfg.Upstream.Client = &http.Client{Timeout: 50 * time.Millisecond}
	_, ts = newServer(t, cfg)
	r = call(t, ts, http.MethodGet, url.Values{"Action": {"DescribeCdnService"}, "Version": {"2018-05-10"}, "Format": {"JSON"}}, nil)
	if r.status != http.StatusGatewayTimeout || r.str("Code") != "Mock.UpstreamTimeout" {
		t.Fatalf("timeout: %d %s", r.status, r.body)
	}
}

// driftingUpstream answers DescribeCdnService with a success body that
// breaks the schema, and everything else with an undocumented code.
func driftingUpstream(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Header().Set("x-acs-request-id", "UPSTREAM-REQ-1")
		if r.Form.Get("Action") == "DescribeCdnService" || r.Header.Get("x-acs-action") == "DescribeCdnService" {
			_, _ = w.Write([]byte(`{"RequestId":"UPSTREAM-REQ-1","InstanceId":42,"BrandNewField":"x"}`))
			return
		}
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"RequestId":"UPSTREAM-REQ-1","Code":"Brand.NewCode","Message":"?"}`))
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestProxyReportsDrift(t *testing.T) {
	srv, ts := newServer(t, proxyConfig(driftingUpstream(t).URL))
	r := call(t, ts, http.MethodGet, url.Values{"Action": {"DescribeCdnService"}, "Version": {"2018-05-10"}, "Format": {"JSON"}}, nil)
	if r.status != 200 || r.fields["BrandNewField"] != "x" || r.header.Get("x-acs-request-id") != "UPSTREAM-REQ-1" {
		t.Fatalf("the upstream's answer must reach the client unchanged: %d %v %s", r.status, r.header, r.body)
	}
	h := r.header.Get(mock.HeaderDrift)
	if !strings.Contains(h, "body/InstanceId") || !strings.Contains(h, "BrandNewField") {
		t.Errorf("X-Mock-Drift: %q", h)
	}
	r = call(t, ts, http.MethodGet, createParams(), nil)
	if r.status != 400 || r.str("Code") != "Brand.NewCode" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	vs := srv.Violations()
	got := map[string]bool{}
	for _, v := range vs {
		if v.UpstreamRequestID != "UPSTREAM-REQ-1" {
			t.Errorf("violation without the upstream's RequestId: %+v", v)
		}
		got[v.Kind+" "+v.Action+" "+v.Parameter] = true
	}
	for _, want := range []string{
		"response DescribeCdnService body/InstanceId",
		"response DescribeCdnService body/BrandNewField",
		"response CreateUserUsageDataExportTask code",
		"validation CreateUserUsageDataExportTask code", // the mock would have accepted it
	} {
		if !got[want] {
			t.Errorf("missing violation %q in %v", want, got)
		}
	}
	if n := srv.ViolationCount(); n != 2 {
		t.Errorf("ViolationCount %d, want 2 drifting calls", n)
	}
	if e := lastEntry(t, srv); e.Upstream == nil || e.Upstream.Code != "Brand.NewCode" || e.Code != "Brand.NewCode" || len(e.Drift) == 0 {
		t.Errorf("journal entry: %+v", e)
	}
}

func errorsAs(err error, target **tea.SDKError) bool {
	se, ok := err.(*tea.SDKError)
	if ok {
		*target = se
	}
	return ok
}

// Forwards in flight are bounded: one more is answered 503 at once.
func TestProxyBoundsForwardsInFlight(t *testing.T) {
	arrived, release := make(chan struct{}, 8), make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"RequestId":"R"}`))
	}))
	t.Cleanup(up.Close)
	cfg := proxyConfig(up.URL)
	cfg.Upstream.MaxInFlight = 1
	srv, ts := newServer(t, cfg)
	q := url.Values{"Action": {"DescribeCdnService"}, "Version": {"2018-05-10"}, "Format": {"JSON"}}
	first := make(chan reply, 1)
	go func() { first <- call(t, ts, http.MethodGet, q, nil) }()
	<-arrived
	r := call(t, ts, http.MethodGet, q, nil)
	if r.status != http.StatusServiceUnavailable || r.str("Code") != "Mock.UpstreamBusy" {
		t.Errorf("second forward: %d %s", r.status, r.body)
	}
	if e := lastEntry(t, srv); e.Upstream == nil || e.Upstream.Code != "Mock.UpstreamBusy" {
		t.Errorf("journal: %+v", e.Upstream)
	}
	close(release)
	if r := <-first; r.status != 200 {
		t.Errorf("first forward: %d %s", r.status, r.body)
	}
	if r := call(t, ts, http.MethodGet, q, nil); r.status != 200 {
		t.Errorf("after the first ended: %d %s", r.status, r.body)
	}
}

// A negative MaxInFlight is refused by New, naming the field, like
// Config.MaxDownloads: never a panic making the slots.
func TestProxyNegativeMaxInFlight(t *testing.T) {
	cfg := proxyConfig("http://127.0.0.1:1")
	cfg.Upstream.MaxInFlight = -1
	if _, err := mock.New(cfg); err == nil || !strings.Contains(err.Error(), "MaxInFlight") {
		t.Errorf("MaxInFlight -1: %v, want an error naming it", err)
	}
}

// The mock's own rate limits are off in proxy mode (the upstream
// throttles), unless UpstreamConfig.Throttle asks for them.
func TestProxyLeavesThrottlingToTheUpstream(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"RequestId":"R"}`))
	}))
	t.Cleanup(up.Close)
	q := url.Values{"Action": {"DescribeCdnSubList"}, "Version": {"2018-05-10"}, "Format": {"JSON"}, "AccessKeyId": {"AK-busy"}}
	for _, throttle := range []bool{false, true} {
		cfg := proxyConfig(up.URL)
		cfg.Upstream.Throttle = throttle
		srv, ts := newServer(t, cfg) // a pinned clock: the bucket never refills
		limit := srv.Spec().Operation("DescribeCdnSubList").RateLimit
		throttled := 0
		for i := 0; i < limit+2; i++ {
			if r := call(t, ts, http.MethodGet, q, nil); r.str("Code") == "Throttling.User" {
				throttled++
			}
		}
		if (throttled > 0) != throttle {
			t.Errorf("Throttle %t: %d of %d calls throttled by the mock", throttle, throttled, limit+2)
		}
	}
}
