package mock_test

// Helpers of sdk_test.go: the three real clients behind one small interface,
// so every case runs unchanged against each of them.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// sdkT0 is the mock's pinned clock in these tests.
var sdkT0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

const (
	sdkAction  = "CreateUserUsageDataExportTask"
	sdkVersion = "2018-05-10"
	sdkHostID  = "cdn.aliyuncs.com"
	sdkDay     = 24 * time.Hour
)

// sdkRequestID is what Alibaba's RequestIds look like: an upper-case UUID.
var sdkRequestID = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)

// sdkAt formats the instant d after the pinned clock in the API's layout.
func sdkAt(d time.Duration) string { return sdkT0.Add(d).Format("2006-01-02T15:04:05Z") }

// sdkServer starts the mock with the embedded files and the clock pinned.
func sdkServer(t *testing.T) (*mock.Server, *httptest.Server) {
	t.Helper()
	srv, err := mock.New(mock.Config{Clock: mock.FixedClock(sdkT0)})
	if err != nil {
		t.Fatalf("mock.New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	t.Cleanup(srv.Close) // first: it releases held requests
	return srv, ts
}

// sdkKey is an access key id of the test's own, so throttling buckets and
// scenario bindings of parallel subtests never meet.
func sdkKey(t *testing.T) string {
	return "AK-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' {
			return r
		}
		return '-'
	}, t.Name())
}

// sdkBind binds an access key to a scenario through the admin API, as a
// test harness outside Go would.
func sdkBind(t *testing.T, ts *httptest.Server, ak, scenario string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"scenario": scenario, "accessKeyId": ak})
	req, err := http.NewRequest(http.MethodPut, ts.URL+"/_mock/scenario", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var state struct {
		Bindings map[string]string `json:"bindings"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil {
		t.Fatalf("PUT /_mock/scenario: %v", err)
	}
	if resp.StatusCode != http.StatusOK || state.Bindings[ak] != scenario {
		t.Fatalf("PUT /_mock/scenario %s: status %d, bindings %v", body, resp.StatusCode, state.Bindings)
	}
}

// sdkParams is a valid call's API parameters, changed by key/value pairs;
// an empty value removes the parameter, so it is not sent at all.
func sdkParams(kv ...string) map[string]string {
	p := map[string]string{"StartTime": "2026-11-01T00:00:00Z", "EndTime": "2026-11-02T00:00:00Z"}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(p, kv[i])
		} else {
			p[kv[i]] = kv[i+1]
		}
	}
	return p
}

// sdkCall is one call, whatever the client.
type sdkCall struct {
	AccessKey string
	Scenario  string            // the X-Mock-Scenario header; "" sends none
	Action    string            // "" for CreateUserUsageDataExportTask
	Version   string            // "" for 2018-05-10
	Params    map[string]string // API parameters
}

func (c sdkCall) action() string  { return sdkFirst(c.Action, sdkAction) }
func (c sdkCall) version() string { return sdkFirst(c.Version, sdkVersion) }

func sdkFirst(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// sdkAnswer is a success as the client returned it.
type sdkAnswer struct {
	StartTime, EndTime, RequestID, TaskID string
	Header                                http.Header
}

// sdkFailure is an API error as the client surfaced it.
type sdkFailure struct {
	Status                                      int
	Code, Message, RequestID, HostID, Recommend string
}

// sdkClient is one real SDK: call makes the request, failure unwraps the
// SDK's own error type (failing the test on any other error).
type sdkClient struct {
	name    string
	call    func(t *testing.T, ts *httptest.Server, c sdkCall) (sdkAnswer, error)
	failure func(t *testing.T, err error) sdkFailure
}

func sdkClients() []sdkClient {
	return []sdkClient{
		{name: "alibaba-cloud-sdk-go", call: sdkOldCall, failure: sdkOldFailure},
		{name: "darabonba-ACS3", call: sdkOpenapiCaller(""), failure: sdkOpenapiFailure},
		{name: "darabonba-v2", call: sdkOpenapiCaller("v2"), failure: sdkOpenapiFailure},
	}
}

// sdkForEach runs f in a parallel subtest per client.
func sdkForEach(t *testing.T, f func(t *testing.T, cl sdkClient)) {
	t.Helper()
	for _, cl := range sdkClients() {
		t.Run(cl.name, func(t *testing.T) {
			t.Parallel()
			f(t, cl)
		})
	}
}

// sdkOldCall uses the generated CDN client of the old SDK, or its
// CommonRequest when the call changes Action or Version (the generated
// request cannot).
func sdkOldCall(t *testing.T, ts *httptest.Server, c sdkCall) (sdkAnswer, error) {
	t.Helper()
	client, err := cdn.NewClientWithAccessKey("cn-hangzhou", c.AccessKey, "SECRET")
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(ts.URL, "http://")
	if c.Action != "" || c.Version != "" {
		req := requests.NewCommonRequest()
		req.Method, req.Scheme, req.Domain = requests.POST, "http", host
		req.Product, req.Version, req.ApiName = "Cdn", c.version(), c.action()
		for k, v := range c.Params {
			req.QueryParams[k] = v
		}
		if c.Scenario != "" {
			req.Headers[mock.HeaderScenario] = c.Scenario
		}
		resp, err := client.ProcessCommonRequest(req)
		if err != nil {
			return sdkAnswer{}, err
		}
		var body struct{ StartTime, EndTime, RequestId, TaskId string }
		if err := json.Unmarshal(resp.GetHttpContentBytes(), &body); err != nil {
			t.Fatalf("%s: %v", resp.GetHttpContentString(), err)
		}
		return sdkAnswer{body.StartTime, body.EndTime, body.RequestId, body.TaskId, resp.GetHttpHeaders()}, nil
	}

	req := cdn.CreateCreateUserUsageDataExportTaskRequest()
	req.Domain, req.Scheme = host, "http"
	for k, v := range c.Params {
		switch k {
		case "StartTime":
			req.StartTime = v
		case "EndTime":
			req.EndTime = v
		case "TaskName":
			req.TaskName = v
		case "Language":
			req.Language = v
		default:
			t.Fatalf("the generated request has no parameter %s", k)
		}
	}
	if c.Scenario != "" {
		req.GetHeaders()[mock.HeaderScenario] = c.Scenario
	}
	resp, err := client.CreateUserUsageDataExportTask(req)
	if err != nil {
		return sdkAnswer{}, err
	}
	return sdkAnswer{resp.StartTime, resp.EndTime, resp.RequestId, resp.TaskId, resp.GetHttpHeaders()}, nil
}

func sdkOldFailure(t *testing.T, err error) sdkFailure {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("got %T %v, want *errors.ServerError", err, err)
	}
	return sdkFailure{se.HttpStatus(), se.ErrorCode(), se.Message(), se.RequestId(), se.HostId(), se.Recommend()}
}

// sdkOpenapiMu serialises darabonba calls. tea v1.3.13 shares one pooled
// http.Client per endpoint and runtime options, and dara.DoRequest sets its
// Timeout (under its own lock) while another call's Client.Do reads it
// (dara/core.go:326 against net/http client.go:608): a data race inside the
// SDK, which -race reports as soon as two calls to one endpoint overlap.
var sdkOpenapiMu sync.Mutex

// sdkOpenapiCaller calls through darabonba-openapi's CallApi, as the generated
// cdn-20180510 client does; signatureAlgorithm "v2" switches it to the RPC v1
// signature (DoRPCRequest), "" leaves ACS3-HMAC-SHA256 (DoRequest).
func sdkOpenapiCaller(signatureAlgorithm string) func(*testing.T, *httptest.Server, sdkCall) (sdkAnswer, error) {
	return func(t *testing.T, ts *httptest.Server, c sdkCall) (sdkAnswer, error) {
		t.Helper()
		cfg := &openapi.Config{
			AccessKeyId: tea.String(c.AccessKey), AccessKeySecret: tea.String("SECRET"),
			Endpoint: tea.String(strings.TrimPrefix(ts.URL, "http://")), Protocol: tea.String("HTTP"),
		}
		if signatureAlgorithm != "" {
			cfg.SignatureAlgorithm = tea.String(signatureAlgorithm)
		}
		client, err := openapi.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		params := &openapi.Params{
			Action: tea.String(c.action()), Version: tea.String(c.version()), Protocol: tea.String("HTTP"),
			Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"), Style: tea.String("RPC"),
			ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
		}
		req := &openapi.OpenApiRequest{Query: map[string]*string{}, Headers: map[string]*string{}}
		for k, v := range c.Params {
			req.Query[k] = tea.String(v)
		}
		if c.Scenario != "" {
			req.Headers[mock.HeaderScenario] = tea.String(c.Scenario)
		}
		sdkOpenapiMu.Lock()
		res, err := client.CallApi(params, req, &util.RuntimeOptions{})
		sdkOpenapiMu.Unlock()
		if err != nil {
			return sdkAnswer{}, err
		}
		if status := fmt.Sprint(res["statusCode"]); status != "200" { // a json.Number after dara.Convert
			t.Errorf("statusCode %s, want 200", status)
		}
		body, ok := res["body"].(map[string]any)
		if !ok {
			t.Fatalf("body is %T, want a JSON object: %v", res["body"], res["body"])
		}
		str := func(key string) string {
			s, ok := body[key].(string)
			if !ok {
				t.Errorf("body %s is %T %v, want a string", key, body[key], body[key])
			}
			return s
		}
		return sdkAnswer{str("StartTime"), str("EndTime"), str("RequestId"), str("TaskId"), sdkOpenapiHeaders(t, res["headers"])}, nil
	}
}

// sdkOpenapiHeaders reads the response headers darabonba returns: lower-cased
// names, one value each, in whichever map type this version uses.
func sdkOpenapiHeaders(t *testing.T, raw any) http.Header {
	t.Helper()
	h := http.Header{}
	switch m := raw.(type) {
	case map[string]*string:
		for k, v := range m {
			h.Set(k, tea.StringValue(v))
		}
	case map[string]string:
		for k, v := range m {
			h.Set(k, v)
		}
	case map[string]any:
		for k, v := range m {
			s, _ := v.(string)
			h.Set(k, s)
		}
	default:
		t.Fatalf("headers are %T", raw)
	}
	return h
}

func sdkOpenapiFailure(t *testing.T, err error) sdkFailure {
	t.Helper()
	var se *tea.SDKError
	if !errors.As(err, &se) {
		t.Fatalf("got %T %v, want *tea.SDKError", err, err)
	}
	var data map[string]any
	if err := json.Unmarshal([]byte(tea.StringValue(se.Data)), &data); err != nil {
		t.Fatalf("SDKError.Data %q: %v", tea.StringValue(se.Data), err)
	}
	str := func(key string) string {
		s, ok := data[key].(string)
		if !ok {
			t.Errorf("SDKError.Data %s is %T %v, want a string", key, data[key], data[key])
		}
		return s
	}
	f := sdkFailure{tea.IntValue(se.StatusCode), tea.StringValue(se.Code), str("Message"),
		str("RequestId"), str("HostId"), str("Recommend")}
	if c := str("Code"); c != f.Code {
		t.Errorf("SDKError.Code %q but Data.Code %q", f.Code, c)
	}
	if msg := tea.StringValue(se.Message); !strings.Contains(msg, f.Message) || !strings.Contains(msg, f.RequestID) {
		t.Errorf("SDKError.Message %q does not carry the body's Message %q and RequestId %q", msg, f.Message, f.RequestID)
	}
	return f
}

// sdkExpectFailure checks that a call failed with the given error, and that
// the envelope around it is whole, and returns what the client surfaced.
// want.Message is the exact text expected ("{name}" already replaced).
func sdkExpectFailure(t *testing.T, cl sdkClient, err error, want mock.ErrorDef) sdkFailure {
	t.Helper()
	if err == nil {
		t.Fatalf("succeeded, want %d %s", want.Status, want.Code)
	}
	got := cl.failure(t, err)
	if got.Status != want.Status || got.Code != want.Code {
		t.Errorf("got %d %s, want %d %s (message %q)", got.Status, got.Code, want.Status, want.Code, got.Message)
	}
	if got.Message != want.Message {
		t.Errorf("message %q, want %q", got.Message, want.Message)
	}
	if !sdkRequestID.MatchString(got.RequestID) {
		t.Errorf("RequestId %q is not an upper-case UUID", got.RequestID)
	}
	if got.HostID != sdkHostID {
		t.Errorf("HostId %q, want %s", got.HostID, sdkHostID)
	}
	if got.Recommend == "" || !strings.Contains(got.Recommend, got.RequestID) {
		t.Errorf("Recommend %q does not point at RequestId %s", got.Recommend, got.RequestID)
	}
	return got
}

// sdkWithName is the spec's message as the server fills it for a parameter.
func sdkWithName(d mock.ErrorDef, name string) mock.ErrorDef {
	d.Message = strings.ReplaceAll(d.Message, "{name}", name)
	return d
}
