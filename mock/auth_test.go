package mock_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// Authentication with real SDKs: with Config.Credentials, each Go SDK
// passes with the right secret and meets the real service's error codes
// for every mistake. (signature_test.go replays captured requests.)

const (
	authSecret  = "right-s3cret-5f2a"
	wrongSecret = "wrong-s3cret-9c1d"
)

// authCredentials are the keys of these tests; a fresh value each time,
// since Credentials index themselves on first use.
func authCredentials() *mock.Credentials {
	return &mock.Credentials{Keys: []mock.AccessKey{
		{ID: "AK-full", Secret: authSecret},
		{ID: "AK-off", Secret: authSecret, Inactive: true},
		{ID: "AK-nodelete", Secret: authSecret, Account: "team-a",
			Policy: &mock.Policy{Allow: []string{"cdn:*"}, Deny: []string{"cdn:Delete*"}}},
		{ID: "AK-describe", Secret: authSecret, Account: "team-a", Policy: &mock.Policy{Allow: []string{"cdn:Describe*"}}},
	}}
}

// authSDK is one real Go SDK calling any action with a key and secret.
type authSDK struct {
	name    string
	call    func(t *testing.T, ts *httptest.Server, ak, secret, action string, params map[string]string) (map[string]any, error)
	failure func(t *testing.T, err error) sdkFailure
}

func authSDKs() []authSDK {
	return []authSDK{
		{"alibaba-cloud-sdk-go RPC v1", authOldCall, sdkOldFailure},
		{"darabonba ACS3", authOpenapiCaller(""), sdkOpenapiFailure},
		{"darabonba v2 RPC v1", authOpenapiCaller("v2"), sdkOpenapiFailure},
	}
}

// authWindow is a valid export period by the real clock, which the SDKs
// sign their timestamps with.
func authWindow() map[string]string {
	now := time.Now().UTC().Truncate(time.Hour)
	return map[string]string{
		"StartTime": now.Add(-48 * time.Hour).Format("2006-01-02T15:04:05Z"),
		"EndTime":   now.Add(-24 * time.Hour).Format("2006-01-02T15:04:05Z"),
	}
}

// authOldCall uses the old SDK's generated CDN client for the create, and
// its CommonRequest for other actions: both sign with RPC v1.
func authOldCall(t *testing.T, ts *httptest.Server, ak, secret, action string, params map[string]string) (map[string]any, error) {
	t.Helper()
	client, err := cdn.NewClientWithAccessKey("cn-hangzhou", ak, secret)
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(ts.URL, "http://")
	var raw []byte
	if action == createAction {
		req := cdn.CreateCreateUserUsageDataExportTaskRequest()
		req.Domain, req.Scheme = host, "http"
		req.StartTime, req.EndTime = params["StartTime"], params["EndTime"]
		resp, err := client.CreateUserUsageDataExportTask(req)
		if err != nil {
			return nil, err
		}
		raw = resp.GetHttpContentBytes()
	} else {
		req := requests.NewCommonRequest()
		req.Method, req.Scheme, req.Domain = requests.POST, "http", host
		req.Product, req.Version, req.ApiName = "Cdn", "2018-05-10", action
		for k, v := range params {
			req.QueryParams[k] = v
		}
		resp, err := client.ProcessCommonRequest(req)
		if err != nil {
			return nil, err
		}
		raw = resp.GetHttpContentBytes()
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return body, nil
}

// authOpenapiCaller calls through darabonba-openapi's CallApi: ACS3 by
// default, RPC v1 with "v2".
func authOpenapiCaller(signatureAlgorithm string) func(*testing.T, *httptest.Server, string, string, string, map[string]string) (map[string]any, error) {
	return func(t *testing.T, ts *httptest.Server, ak, secret, action string, params map[string]string) (map[string]any, error) {
		t.Helper()
		cfg := &openapi.Config{
			AccessKeyId: tea.String(ak), AccessKeySecret: tea.String(secret),
			Endpoint: tea.String(strings.TrimPrefix(ts.URL, "http://")), Protocol: tea.String("HTTP"),
		}
		if signatureAlgorithm != "" {
			cfg.SignatureAlgorithm = tea.String(signatureAlgorithm)
		}
		client, err := openapi.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		p := &openapi.Params{
			Action: tea.String(action), Version: tea.String("2018-05-10"), Protocol: tea.String("HTTP"),
			Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"), Style: tea.String("RPC"),
			ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
		}
		req := &openapi.OpenApiRequest{Query: map[string]*string{}}
		for k, v := range params {
			req.Query[k] = tea.String(v)
		}
		sdkOpenapiMu.Lock() // see sdk_helpers_test.go: a data race inside the SDK
		res, err := client.CallApi(p, req, &util.RuntimeOptions{})
		sdkOpenapiMu.Unlock()
		if err != nil {
			return nil, err
		}
		body, _ := res["body"].(map[string]any)
		return body, nil
	}
}

// authTestServer runs the mock with credentials on real time (the SDKs
// sign with it), logging into the returned buffer.
func authTestServer(t *testing.T, cfg mock.Config) (*mock.Server, *httptest.Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if cfg.Credentials == nil {
		cfg.Credentials = authCredentials()
	}
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	t.Cleanup(srv.Close) // first: it releases held requests
	return srv, ts, logs
}

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

func TestSDKsWithCredentials(t *testing.T) {
	srv, ts, _ := authTestServer(t, mock.Config{})
	for _, sdk := range authSDKs() {
		t.Run(sdk.name, func(t *testing.T) {
			fail := func(what string, err error, status int, code string, msg ...string) sdkFailure {
				t.Helper()
				if err == nil {
					t.Fatalf("%s: no error, want %d %s", what, status, code)
				}
				f := sdk.failure(t, err)
				if f.Status != status || f.Code != code {
					t.Errorf("%s: %d %s (%s), want %d %s", what, f.Status, f.Code, f.Message, status, code)
				}
				for _, m := range msg {
					if !strings.Contains(f.Message, m) {
						t.Errorf("%s: message %q lacks %q", what, f.Message, m)
					}
				}
				return f
			}

			if _, err := sdk.call(t, ts, "AK-full", authSecret, createAction, authWindow()); err != nil {
				t.Fatalf("right secret: %v", err)
			}
			_, err := sdk.call(t, ts, "AK-full", wrongSecret, createAction, authWindow())
			f := fail("wrong secret", err, 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:")
			if strings.HasPrefix(sdk.name, "alibaba-cloud-sdk-go") && f.Recommend != "InvalidAccessKeySecret: Please check you AccessKeySecret" {
				// The old SDK compares the server's string to sign with its own: equal means a wrong secret.
				t.Errorf("wrong secret: Recommend %q, want the SDK's InvalidAccessKeySecret advice", f.Recommend)
			}
			_, err = sdk.call(t, ts, "AK-nobody", authSecret, createAction, authWindow())
			fail("unknown key", err, 404, "InvalidAccessKeyId.NotFound")
			_, err = sdk.call(t, ts, "AK-off", authSecret, createAction, authWindow())
			fail("inactive key", err, 400, "InvalidAccessKeyId.Inactive")

			// RAM: an explicit deny wins over cdn:*; a key allowed Describe* only.
			if _, err := sdk.call(t, ts, "AK-nodelete", authSecret, createAction, authWindow()); err != nil {
				t.Errorf("cdn:* allows the create: %v", err)
			}
			_, err = sdk.call(t, ts, "AK-nodelete", authSecret, "DeleteUserUsageDataExportTask", map[string]string{"TaskId": "1"})
			fail("denied delete", err, 403, "Forbidden.RAM", "cdn:DeleteUserUsageDataExportTask", `explicitly denied by "cdn:Delete*"`)
			if _, err := sdk.call(t, ts, "AK-describe", authSecret, "DescribeUserUsageDataExportTask", nil); err != nil {
				t.Errorf("cdn:Describe* allows the describe: %v", err)
			}
			_, err = sdk.call(t, ts, "AK-describe", authSecret, createAction, authWindow())
			fail("create not allowed", err, 403, "Forbidden.RAM", "cdn:CreateUserUsageDataExportTask", "not allowed by the key's policy")
		})
	}

	// Every outcome is journaled like any other.
	codes := map[string]int{}
	for _, e := range srv.Requests(mock.RequestFilter{}) {
		codes[e.Code]++
	}
	for code, n := range map[string]int{"": 9, "SignatureDoesNotMatch": 3, "InvalidAccessKeyId.NotFound": 3,
		"InvalidAccessKeyId.Inactive": 3, "Forbidden.RAM": 6} {
		if codes[code] != n {
			t.Errorf("journal: %d entries with code %q, want %d (all: %v)", codes[code], code, n, codes)
		}
	}
}

// A key's account owns its export tasks: another key of the account sees
// them, and the admin API lists them under the account.
func TestAccountsOwnTasks(t *testing.T) {
	_, ts, _ := authTestServer(t, mock.Config{})
	call := authOpenapiCaller("")
	created, err := call(t, ts, "AK-nodelete", authSecret, createAction, authWindow())
	if err != nil {
		t.Fatal(err)
	}
	listed, err := call(t, ts, "AK-describe", authSecret, "DescribeUserUsageDataExportTask", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(authJSON(t, listed), `"TaskId":"`+created["TaskId"].(string)+`"`) {
		t.Errorf("another key of the account does not see task %v: %s", created["TaskId"], authJSON(t, listed))
	}
	if other, err := call(t, ts, "AK-full", authSecret, "DescribeUserUsageDataExportTask", nil); err != nil ||
		strings.Contains(authJSON(t, other), `"TaskId":"`+created["TaskId"].(string)+`"`) {
		t.Errorf("a key of another account sees the task: %v %s", err, authJSON(t, other))
	}
	r := admin(t, ts, http.MethodGet, "/_mock/tasks", "")
	if !strings.Contains(r.body, `"accessKeyId":"team-a"`) {
		t.Errorf("GET /_mock/tasks does not list the account: %s", r.body)
	}
}

func authJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Neither the journal nor the log ever holds a secret or a signature: the
// Signature parameter and the ACS3 Authorization's signature are recorded
// as they arrive, then looked for everywhere the server writes.
func TestSecretsAndSignaturesNeverRecorded(t *testing.T) {
	srv, inner, logs := authTestServer(t, mock.Config{})
	var mu sync.Mutex
	var signatures []string
	acs3Sig := regexp.MustCompile(`Signature=([0-9a-fA-F]+)`)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		q, _ := url.ParseQuery(r.URL.RawQuery)
		f, _ := url.ParseQuery(string(body))
		mu.Lock()
		signatures = append(signatures, q["Signature"]...)
		signatures = append(signatures, f["Signature"]...)
		if m := acs3Sig.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			signatures = append(signatures, m[1])
		}
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)

	for _, sdk := range authSDKs() {
		for _, secret := range []string{authSecret, wrongSecret} {
			_, _ = sdk.call(t, ts, "AK-full", secret, createAction, authWindow())
			_, _ = sdk.call(t, ts, "AK-describe", secret, createAction, authWindow())
		}
	}
	if len(signatures) != 12 {
		t.Fatalf("%d signatures seen, want 12", len(signatures))
	}
	journal := admin(t, inner, http.MethodGet, "/_mock/requests", "").body
	violations := admin(t, inner, http.MethodGet, "/_mock/violations", "").body
	entries := authJSON(t, srv.Requests(mock.RequestFilter{}))
	log := logs.String()
	if !strings.Contains(journal, "SignatureDoesNotMatch") || !strings.Contains(log, "code=SignatureDoesNotMatch") {
		t.Fatalf("the journal or the log lacks the calls:\n%s\n%s", journal, log)
	}
	for where, text := range map[string]string{"GET /_mock/requests": journal, "GET /_mock/violations": violations,
		"Requests()": entries, "the log": log} {
		for _, secret := range []string{authSecret, wrongSecret} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds the secret %q", where, secret)
			}
		}
		for _, sig := range signatures {
			if strings.Contains(text, sig) || strings.Contains(text, url.QueryEscape(sig)) {
				t.Errorf("%s holds the signature %q", where, sig)
			}
		}
	}
}

func TestWithoutCredentialsNothingIsChecked(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	r := call(t, ts, http.MethodPost, createParams("AccessKeyId", "ANY", "Signature", "not-a-signature",
		"Timestamp", "yesterday", "SignatureNonce", "1"), http.Header{"Authorization": {"ACS3-HMAC-SHA256 Credential=X"}})
	if r.status != 200 {
		t.Errorf("%d %s", r.status, r.body)
	}
	r = call(t, ts, http.MethodPost, createParams("SignatureNonce", "1"), nil) // the same nonce again
	if r.status != 200 {
		t.Errorf("%d %s", r.status, r.body)
	}
}

func TestAdminToken(t *testing.T) {
	_, ts := newServer(t, mock.Config{AdminToken: "t0ken-8d1e"})
	send := func(method, path, auth string) reply {
		t.Helper()
		req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(`{"scenario":"InternalError"}`))
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return do(t, req)
	}
	for _, tc := range []struct {
		method, path, auth string
		status             int
	}{
		{"GET", "/_mock/scenarios", "", 401},
		{"GET", "/_mock/scenarios", "Bearer wrong", 401},
		{"GET", "/_mock/scenarios", "Bearer t0ken-8d1e-and-more", 401},
		{"GET", "/_mock/scenarios", "Basic dDBrZW4tOGQxZQ==", 401},
		{"GET", "/_mock/scenarios", "t0ken-8d1e", 401},
		{"PUT", "/_mock/scenario", "", 401},
		{"DELETE", "/_mock/requests", "", 401},
		{"GET", "/_mock/operations", "", 401},
		{"GET", "/_mock/tasks", "", 401},
		{"POST", "/_mock/clock", "", 401},
		{"DELETE", "/_mock/state", "", 401},
		{"GET", "/_mock/nope", "", 401},
		{"GET", "/_mock/scenarios", "Bearer t0ken-8d1e", 200},
		{"GET", "/_mock/scenarios", "bearer  t0ken-8d1e", 200},
		{"GET", "/_mock/health", "", 200},
		{"GET", "/_mock/ui", "", 200},
		{"GET", "/_mock/ui/console.js", "", 200},
		{"GET", "/_mock/downloads/0123", "", 404}, // its own secret in the URL; not the admin token
	} {
		r := send(tc.method, tc.path, tc.auth)
		if r.status != tc.status {
			t.Errorf("%s %s with %q: %d %s, want %d", tc.method, tc.path, tc.auth, r.status, r.body, tc.status)
		}
		if r.status == 401 && (r.str("code") != "Mock.Unauthorized" || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer")) {
			t.Errorf("%s %s: 401 body %s, WWW-Authenticate %q", tc.method, tc.path, r.body, r.header.Get("WWW-Authenticate"))
		}
	}
	if r := send("GET", "/_mock/scenarios", "Bearer t0ken-8d1e"); !strings.Contains(r.body, `"active":"default"`) {
		t.Errorf("a refused PUT changed the scenario: %s", r.body)
	}
	if r := call(t, ts, http.MethodPost, createParams(), nil); r.status != 200 {
		t.Errorf("the API needs no admin token: %d %s", r.status, r.body)
	}
	// Without a token the admin API is open, as before.
	_, open := newServer(t, mock.Config{})
	if r := admin(t, open, http.MethodGet, "/_mock/scenarios", ""); r.status != 200 {
		t.Errorf("no token: %d", r.status)
	}
}

// With --admin-addr the API and the admin API have a listener each: the
// API's serves no /_mock/ route but downloads (their URLs point at it).
func TestAdminOnItsOwnListener(t *testing.T) {
	srv, err := mock.New(mock.Config{Clock: mock.FixedClock(testNow)})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(srv.APIHandler())
	t.Cleanup(api.Close)
	adm := httptest.NewServer(srv.AdminHandler())
	t.Cleanup(adm.Close)
	t.Cleanup(srv.Close)

	for _, p := range []string{"/_mock/scenarios", "/_mock/health", "/_mock/ui", "/_mock", "/%5Fmock/scenarios"} {
		if r := admin(t, api, http.MethodGet, p, ""); r.status != 404 || r.str("code") == "" {
			t.Errorf("API listener, GET %s: %d %s, want a 404", p, r.status, r.body)
		}
	}
	if r := admin(t, adm, http.MethodGet, "/_mock/scenarios", ""); r.status != 200 {
		t.Errorf("admin listener: %d %s", r.status, r.body)
	}
	if r := call(t, adm, http.MethodPost, createParams(), nil); r.status != 404 || r.str("code") != "Mock.NotFound" {
		t.Errorf("admin listener, API call: %d %s", r.status, r.body)
	}

	// An export made on the API listener downloads from it.
	r := call(t, api, http.MethodPost, createParams(), nil)
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	srv.Clock().Advance(10 * time.Minute)
	r = call(t, api, http.MethodPost, url.Values{"Action": {"DescribeUserUsageDataExportTask"}, "Version": {"2018-05-10"}, "Format": {"JSON"}}, nil)
	m := regexp.MustCompile(`"DownloadUrl":"([^"]+)"`).FindStringSubmatch(r.body)
	if m == nil || !strings.HasPrefix(m[1], api.URL+"/_mock/downloads/") {
		t.Fatalf("no download on the API listener: %s", r.body)
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("download: %d", resp.StatusCode)
	}

	// ServeHTTP still serves both.
	_, both := newServer(t, mock.Config{})
	if r := admin(t, both, http.MethodGet, "/_mock/health", ""); r.status != 200 {
		t.Errorf("ServeHTTP, admin: %d", r.status)
	}
	if r := call(t, both, http.MethodPost, createParams(), nil); r.status != 200 {
		t.Errorf("ServeHTTP, API: %d", r.status)
	}
}
