package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
	"github.com/alibaba-cloud-mock/cdnmock/spec"
)

func limitsParams(kv ...string) url.Values {
	v := url.Values{"Action": {"CreateUserUsageDataExportTask"}, "Version": {"2018-05-10"}, "Format": {"JSON"},
		"StartTime": {"2026-11-01T00:00:00Z"}, "EndTime": {"2026-11-02T00:00:00Z"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// serveJSON sends one request and decodes a JSON answer.
func serveJSON(t *testing.T, h http.Handler, req *http.Request) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%d, not JSON: %q", rec.Code, rec.Body)
	}
	return rec.Code, body
}

func limitsServer(t *testing.T, cfg Config) (*Server, *bytes.Buffer) {
	t.Helper()
	logs := &bytes.Buffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if cfg.Clock == nil {
		cfg.Clock = FixedClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, logs
}

func TestParameterLimits(t *testing.T) {
	srv, _ := limitsServer(t, Config{})
	post := func(body string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	many := limitsParams()
	for i := len(many); i < 501; i++ {
		many.Add(fmt.Sprintf("P%d", i), "x")
	}
	for _, tc := range []struct {
		name string
		req  *http.Request
		code string
		msg  string
	}{
		{"500 parameters", post(limitsParams().Encode() + strings.Repeat("&P=x", 495)), "", ""},
		{"501 parameters", post(many.Encode()), "Mock.TooManyParameters", "The request has 501 parameters (query and form body together); the mock accepts at most 500."},
		{"501 with repeated names", post(limitsParams().Encode() + strings.Repeat("&P=x", 496)), "Mock.TooManyParameters", "at most 500"},
		{"a 64 KiB value", post(limitsParams("TaskName", strings.Repeat("v", 64<<10)).Encode()), "", ""},
		{"a longer value", post(limitsParams("TaskName", strings.Repeat("v", 64<<10+1)).Encode()), "Mock.ParameterTooLong",
			`The value of parameter "TaskName" is 65537 bytes long; the mock accepts at most 65536 bytes.`},
		{"a longer name", post(limitsParams(strings.Repeat("N", 64<<10+1), "1").Encode()), "Mock.ParameterTooLong", "A parameter name is 65537 bytes long"},
		{"a long value in the query", httptest.NewRequest(http.MethodPost, "/?"+limitsParams("TaskName", strings.Repeat("v", 70000)).Encode(), nil),
			"Mock.ParameterTooLong", "TaskName"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := serveJSON(t, srv, tc.req)
			code, _ := body["Code"].(string)
			msg, _ := body["Message"].(string)
			switch {
			case tc.code == "" && status != 200:
				t.Errorf("%d %s: %s", status, code, msg)
			case tc.code != "" && (status != 400 || code != tc.code || !strings.Contains(msg, tc.msg)):
				t.Errorf("%d %s: %s\nwant 400 %s: %s", status, code, msg, tc.code, tc.msg)
			}
		})
	}

	// The limits are settings.
	few, _ := limitsServer(t, Config{MaxParams: 6})
	if st, b := serveJSON(t, few, post(limitsParams("TaskName", "a", "Language", "en-us").Encode())); st != 400 || b["Code"] != "Mock.TooManyParameters" {
		t.Errorf("MaxParams 6: %d %v", st, b)
	}
	short, _ := limitsServer(t, Config{MaxParamBytes: 25})
	if st, b := serveJSON(t, short, post(limitsParams().Encode())); st != 400 || b["Code"] != "Mock.ParameterTooLong" ||
		!strings.Contains(b["Message"].(string), `"Action" is 29 bytes long; the mock accepts at most 25`) {
		t.Errorf("MaxParamBytes 25: %d %v", st, b)
	}
}

func TestPanicsBecomeInternalErrors(t *testing.T) {
	t.Run("in a fixture", func(t *testing.T) {
		srv, logs := limitsServer(t, Config{})
		cat := *srv.catalog.Load()
		cat.fixtures = fixture.Set{} // rendering the answer dereferences a missing fixture
		srv.catalog.Store(&cat)
		req := httptest.NewRequest(http.MethodPost, "/?"+limitsParams().Encode()+"&Signature=c2lnbmF0dXJl", nil)
		status, body := serveJSON(t, srv, req)
		if status != 500 || body["Code"] != "InternalError" || body["RequestId"] == "" ||
			body["Message"] != "The request processing has failed due to some unknown error, exception or failure." {
			t.Errorf("%d %v", status, body)
		}
		es := srv.Requests(RequestFilter{})
		if len(es) != 1 || es[0].Code != "InternalError" || es[0].Status != 500 || es[0].RequestID != body["RequestId"] {
			t.Errorf("journal: %+v", es)
		}
		log := logs.String()
		if !strings.Contains(log, "msg=panic") || !strings.Contains(log, "nil pointer dereference") || !strings.Contains(log, "stack=") {
			t.Errorf("log: %s", log)
		}
		if strings.Contains(log, "c2lnbmF0dXJl") {
			t.Error("the log holds the Signature")
		}
	})

	t.Run("before the pipeline", func(t *testing.T) {
		var calls atomic.Int32
		srv, logs := limitsServer(t, Config{NewRequestID: func() string {
			if calls.Add(1) == 1 {
				panic("request ids exhausted")
			}
			return "RID-2"
		}})
		status, body := serveJSON(t, srv, httptest.NewRequest(http.MethodGet, "/?"+limitsParams().Encode(), nil))
		// The same answer as a panic in the pipeline: one internalError.
		if want := internalError(srv.Spec()); status != want.Status || body["Code"] != want.Code ||
			body["Message"] != want.Message || body["RequestId"] != "RID-2" {
			t.Errorf("%d %v", status, body)
		}
		if !strings.Contains(logs.String(), "request ids exhausted") {
			t.Errorf("log: %s", logs)
		}
	})

	t.Run("while decoding", func(t *testing.T) {
		// A form body whose read panics: the call's Format is not set yet.
		srv, logs := limitsServer(t, Config{})
		req := httptest.NewRequest(http.MethodPost, "/", panickyBody{})
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != 500 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/xml") ||
			!strings.Contains(w.Body.String(), "<Code>InternalError</Code>") {
			t.Errorf("%d %s %s, want 500 InternalError in XML", w.Code, w.Header().Get("Content-Type"), w.Body)
		}
		es := srv.Requests(RequestFilter{})
		if len(es) != 1 || es[0].Code != "InternalError" || es[0].Method != http.MethodPost {
			t.Errorf("journal: %+v", es)
		}
		if !strings.Contains(logs.String(), "the body broke on purpose") {
			t.Errorf("log: %s", logs)
		}
	})

	t.Run("a spec without InternalError", func(t *testing.T) {
		data, _ := spec.FS.ReadFile(spec.Default)
		entry := "  - code: InternalError\n    status: 500\n    message: The request processing has failed due to some unknown error, exception or failure.\n"
		if !bytes.Contains(data, []byte(entry)) {
			t.Fatal("the shipped spec's InternalError entry moved")
		}
		var calls atomic.Int32
		srv, _ := limitsServer(t, Config{Spec: bytes.Replace(data, []byte(entry), nil, 1), NewRequestID: func() string {
			if calls.Add(1) == 1 {
				panic("request ids exhausted")
			}
			return "RID-2"
		}})
		status, body := serveJSON(t, srv, httptest.NewRequest(http.MethodGet, "/?"+limitsParams().Encode(), nil))
		if want := internalError(srv.Spec()); status != 500 || body["Code"] != "InternalError" || body["Message"] != want.Message {
			t.Errorf("%d %v, want the built-in %+v", status, body, want)
		}
	})

	t.Run("in the admin API", func(t *testing.T) {
		srv, logs := limitsServer(t, Config{})
		srv.echo.GET(AdminPrefix+"/boom", func(echo.Context) error { panic(fmt.Errorf("boom")) })
		status, body := serveJSON(t, srv, httptest.NewRequest(http.MethodGet, AdminPrefix+"/boom", nil))
		if status != 500 || body["code"] != "Mock.500" {
			t.Errorf("%d %v", status, body)
		}
		if !strings.Contains(logs.String(), "boom") {
			t.Errorf("log: %s", logs)
		}
	})

	t.Run("over a real connection", func(t *testing.T) {
		srv, _ := limitsServer(t, Config{})
		cat := *srv.catalog.Load()
		cat.fixtures = fixture.Set{}
		srv.catalog.Store(&cat)
		ts := httptest.NewServer(srv)
		defer ts.Close()
		resp, err := http.Post(ts.URL+"/?"+limitsParams().Encode(), "", nil)
		if err != nil {
			t.Fatalf("the connection was dropped: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != 500 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})

	t.Run("deliberate aborts pass through", func(t *testing.T) {
		srv, _ := limitsServer(t, Config{Scenario: "fault:reset"})
		defer func() {
			if v := recover(); v != http.ErrAbortHandler { //nolint:errorlint // the sentinel itself
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
			if es := srv.Requests(RequestFilter{}); len(es) != 1 || es[0].Code != "fault:reset" || es[0].Status != 0 {
				t.Errorf("journal: %+v", es)
			}
		}()
		// A recorder cannot be hijacked: the fault aborts the handler.
		srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/?"+limitsParams().Encode(), nil))
	})
}

// Every body the server reads has one limit and one answer: a form body and
// an ACS3 body (read to check its hash) over MaxBodyBytes are a 413, a body
// that fails to read a 400; admin bodies over 64 KiB are refused.
func TestBodyLimitsEverywhere(t *testing.T) {
	srv, _ := limitsServer(t, Config{MaxBodyBytes: 100,
		Credentials: &Credentials{Keys: []AccessKey{{ID: "AKID", Secret: "SECRET"}}}})
	big := strings.Repeat("x", 101)
	const tooLarge = "The request body is larger than the mock's limit of 100 bytes."

	form := httptest.NewRequest(http.MethodPost, "/?Format=JSON", strings.NewReader("TaskName="+big))
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	acs3 := httptest.NewRequest(http.MethodPost, "/?"+limitsParams().Encode(), strings.NewReader(big))
	acs3.Header.Set("Content-Type", "application/json")
	acs3.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=host,Signature=00")
	for name, req := range map[string]*http.Request{"form body": form, "ACS3 body": acs3} {
		if st, body := serveJSON(t, srv, req); st != 413 || body["Code"] != "Mock.RequestTooLarge" || body["Message"] != tooLarge {
			t.Errorf("%s: %d %v", name, st, body)
		}
	}

	if _, err := wire.ReadBody(io.NopCloser(iotest.ErrReader(errors.New("cut"))), 100); err == nil ||
		err.Status != 400 || err.Code != "Mock.BadRequest" || err.Message != "reading the request body failed: cut" {
		t.Errorf("a failed read: %v", err)
	}
	if b, err := wire.ReadBody(io.NopCloser(strings.NewReader(big[:100])), 100); err != nil || len(b) != 100 {
		t.Errorf("a body of exactly the limit: %d bytes, %v", len(b), err)
	}

	pad := `{"scenario":"success"` + strings.Repeat(" ", 64<<10) + `}`
	for _, tc := range []struct{ method, path, code string }{
		{http.MethodPut, "/_mock/scenario", "Mock.MalformedJSON"},
		{http.MethodPost, "/_mock/clock", "Mock.BadClock"},
	} {
		req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(pad))
		if st, body := serveJSON(t, srv, req); st != 400 || body["code"] != tc.code || !strings.Contains(fmt.Sprint(body["message"]), "too large") {
			t.Errorf("%s %s, a body over 64 KiB: %d %v", tc.method, tc.path, st, body)
		}
	}
}

// panickyBody is a request body whose read panics.
type panickyBody struct{}

func (panickyBody) Read([]byte) (int, error) { panic("the body broke on purpose") }
