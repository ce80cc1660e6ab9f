package mock

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/auth"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/capture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// Authentication through the whole server, with real clients' requests
// (testdata/wire/): each passes once with the right secret, is refused
// when replayed, with a wrong secret, with its clock too far off or changed
// after signing. The signatures themselves are tested in package auth.

// authCapture is one captured request of a real client.
type authCapture = capture.Capture

func loadAuthCaptures(t testing.TB) []authCapture { return capture.MustLoad(t, ".") }

func readRawRequest(t testing.TB, raw []byte) *http.Request { return capture.MustReadRequest(t, raw) }

// serverStringToSign is the string to sign the server computes for a raw
// request.
func serverStringToSign(t *testing.T, sp *Spec, req *http.Request) string {
	t.Helper()
	call := new(wire.Call)
	derr := call.Decode(req, sp, 1<<20)
	if derr != nil {
		t.Fatal(derr.Message)
	}
	var sg *auth.Signed
	var prob *auth.Problem
	if call.ACS3 {
		body := call.Body
		if body == nil && req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		sg, prob = auth.ParseACS3(req, body)
	} else {
		sg, prob = auth.ParseRPC(req.Method, call.Params)
	}
	if prob != nil {
		t.Fatalf("%s: %s", prob.Code, prob.Detail)
	}
	return sg.StringToSign
}

// authServer is the mock with the captures' key and the success scenario,
// so that the captures' old StartTime does not matter.
func authServer(t testing.TB, secret string) *Server {
	t.Helper()
	srv, err := New(Config{
		Scenario:          ScenarioSuccess,
		Clock:             FixedClock(time.Date(2026, 11, 25, 19, 24, 43, 0, time.UTC)),
		Credentials:       &Credentials{Keys: []AccessKey{{ID: "AKID", Secret: secret}}},
		DisableThrottling: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// serveRaw sends a raw request through the whole server.
func serveRaw(t testing.TB, srv *Server, raw []byte) (int, map[string]string) {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, readRawRequest(t, raw))
	var body map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	out := map[string]string{}
	for k, v := range body {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	if out["RequestId"] == "" {
		t.Fatalf("not a JSON answer: %d %s", rec.Code, rec.Body)
	}
	return rec.Code, out
}

func TestCapturesThroughTheServer(t *testing.T) {
	good, wrong := authServer(t, "SECRET"), authServer(t, "NOT-THE-SECRET")
	sp := good.Spec()
	for _, c := range loadAuthCaptures(t) {
		t.Run(c.Set+"/"+c.Name, func(t *testing.T) {
			good.Clock().Set(c.At)
			if st, b := serveRaw(t, good, c.Raw); st != 200 {
				t.Fatalf("right secret: %d %s: %s", st, b["Code"], b["Message"])
			}
			st, b := serveRaw(t, good, c.Raw)
			if st != 400 || b["Code"] != "SignatureNonceUsed" {
				t.Errorf("replayed: %d %s: %s, want 400 SignatureNonceUsed", st, b["Code"], b["Message"])
			}

			wrong.Clock().Set(c.At)
			st, b = serveRaw(t, wrong, c.Raw)
			want := "Specified signature is not matched with our calculation. server string to sign is:" + serverStringToSign(t, sp, readRawRequest(t, c.Raw))
			if st != 400 || b["Code"] != "SignatureDoesNotMatch" || b["Message"] != want {
				t.Errorf("wrong secret: %d %s: %q\nwant 400 SignatureDoesNotMatch: %q", st, b["Code"], b["Message"], want)
			}
		})
	}
	// The journal has every outcome, and never a signature.
	for _, e := range good.Requests(RequestFilter{}) {
		if _, ok := e.Params["Signature"]; ok {
			t.Fatalf("the journal kept a Signature: %+v", e)
		}
	}
}

// captureNamed returns the raw bytes of one capture of the plain set.
func captureNamed(t *testing.T, name string) authCapture {
	t.Helper()
	for _, c := range loadAuthCaptures(t) {
		if c.Set == "wire" && c.Name == name {
			return c
		}
	}
	t.Fatalf("no capture %s", name)
	return authCapture{}
}

// replaceOnce changes one occurrence of old in a raw request, failing the
// test when there is not exactly one.
func replaceOnce(t *testing.T, raw []byte, old, new string) []byte {
	t.Helper()
	if n := bytes.Count(raw, []byte(old)); n != 1 {
		t.Fatalf("%q occurs %d times in the capture", old, n)
	}
	return bytes.Replace(raw, []byte(old), []byte(new), 1)
}

func TestTamperedRequestsAreRejected(t *testing.T) {
	cases := []struct {
		name, capture, old, new, code string
	}{
		// A parameter changed after signing.
		{"RPC query parameter", "go-alibaba-cloud-sdk-go", "TaskName=usage-2015-12", "TaskName=usage-2015-11", "SignatureDoesNotMatch"},
		{"RPC darabonba v2 parameter", "go-darabonba-openapi-sigv2", "Language=en-us", "Language=zh-cn", "SignatureDoesNotMatch"},
		{"RPC form body parameter", "node-pop-core-post", "TaskName=usage-2015-12", "TaskName=usage-2015-11", "SignatureDoesNotMatch"},
		{"RPC GET turned into POST", "node-pop-core-get", "GET /", "POST /", "SignatureDoesNotMatch"},
		{"RPC parameter added", "go-alibaba-cloud-sdk-go", "TaskName=usage-2015-12", "TaskName=usage-2015-12&OwnerId=1", "SignatureDoesNotMatch"},
		{"ACS3 query parameter", "go-darabonba-openapi-acs3", "TaskName=usage-2015-12", "TaskName=usage-2015-11", "SignatureDoesNotMatch"},
		// The body changed after signing.
		{"ACS3 form body", "go-darabonba-openapi-acs3-formbody", "usage-2015-12", "usage-2015-11", "SignatureDoesNotMatch"},
		// A signed header changed after signing.
		{"ACS3 x-acs-action", "node-cdn20180510-v5-acs3", "x-acs-action: CreateUserUsageDataExportTask", "x-acs-action: DeleteUserUsageDataExportTask", "SignatureDoesNotMatch"},
		{"ACS3 x-acs-date", "go-darabonba-openapi-acs3", "x-acs-date: 2026-11-25T19:24:43Z", "x-acs-date: 2026-11-25T19:24:42Z", "SignatureDoesNotMatch"},
		{"ACS3 host", "go-darabonba-openapi-acs3", "Host: 127.0.0.1:38472", "Host: 127.0.0.1:38473", "SignatureDoesNotMatch"},
		{"ACS3 x-acs-content-sha256", "go-darabonba-openapi-acs3", "x-acs-content-sha256: e3b0", "x-acs-content-sha256: f3b0", "SignatureDoesNotMatch"},
		// Parts taken away or left unsigned.
		{"ACS3 unsigned x-acs header", "go-darabonba-openapi-acs3", "x-acs-action:", "x-acs-extra: 1\r\nx-acs-action:", "IncompleteSignature"},
		{"ACS3 no SignedHeaders", "go-darabonba-openapi-acs3", "SignedHeaders=", "Signed=", "IncompleteSignature"},
		{"RPC no Signature", "go-alibaba-cloud-sdk-go", "&Signature=", "&Sig=", "MissingParameter"},
		{"RPC other SignatureMethod", "go-alibaba-cloud-sdk-go", "SignatureMethod=HMAC-SHA1", "SignatureMethod=HMAC-SHA256", "InvalidSignatureMethod"},
		{"ACS3 other algorithm", "go-darabonba-openapi-acs3", "Authorization: ACS3-HMAC-SHA256 ", "Authorization: ACS3-HMAC-SM3 ", "InvalidSignatureMethod"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := captureNamed(t, tc.capture)
			srv := authServer(t, "SECRET")
			srv.Clock().Set(c.At)
			raw := replaceOnce(t, c.Raw, tc.old, tc.new)
			if st, b := serveRaw(t, srv, raw); b["Code"] != tc.code || st != 400 {
				t.Errorf("%d %s: %s, want 400 %s", st, b["Code"], b["Message"], tc.code)
			}
			if st, b := serveRaw(t, srv, c.Raw); st != 200 { // the original still passes
				t.Errorf("original: %d %s: %s", st, b["Code"], b["Message"])
			}
		})
	}
}

func TestTimestampsAndNonces(t *testing.T) {
	for _, name := range []string{"go-alibaba-cloud-sdk-go", "go-darabonba-openapi-acs3"} {
		c := captureNamed(t, name)
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				skew time.Duration
				code string
			}{
				{-16 * time.Minute, "InvalidTimeStamp.Expired"}, // the server is 16 minutes behind: from the future
				{16 * time.Minute, "InvalidTimeStamp.Expired"},  // stale
				{15*time.Minute + time.Second, "InvalidTimeStamp.Expired"},
				{15 * time.Minute, ""},
				{-15 * time.Minute, ""},
			} {
				srv := authServer(t, "SECRET")
				srv.Clock().Set(c.At.Add(tc.skew))
				st, b := serveRaw(t, srv, c.Raw)
				if b["Code"] != tc.code {
					t.Errorf("server clock %v off: %d %s: %s, want %q", tc.skew, st, b["Code"], b["Message"], tc.code)
				}
			}

			// A nonce is remembered while its timestamp can pass, and only then.
			srv := authServer(t, "SECRET")
			srv.Clock().Set(c.At)
			if st, _ := serveRaw(t, srv, c.Raw); st != 200 {
				t.Fatalf("first: %d", st)
			}
			srv.Clock().Set(c.At.Add(14 * time.Minute))
			if _, b := serveRaw(t, srv, c.Raw); b["Code"] != "SignatureNonceUsed" {
				t.Errorf("replay 14 minutes later: %s", b["Code"])
			}
			srv.Clock().Set(c.At.Add(16 * time.Minute))
			if _, b := serveRaw(t, srv, c.Raw); b["Code"] != "InvalidTimeStamp.Expired" {
				t.Errorf("replay 16 minutes later: %s", b["Code"])
			}
		})
	}

	// A malformed timestamp, correctly signed.
	q := url.Values{"Action": {"CreateUserUsageDataExportTask"}, "Version": {"2018-05-10"}, "Format": {"JSON"}, "AccessKeyId": {"AKID"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "SignatureNonce": {"n-1"}, "Timestamp": {"2026/11/25 19:24:43"}}
	q.Set("Signature", auth.SignRPC("GET", q, "SECRET"))
	srv := authServer(t, "SECRET")
	st, b := serveRaw(t, srv, []byte("GET /?"+q.Encode()+" HTTP/1.1\r\nHost: x\r\n\r\n"))
	if st != 400 || b["Code"] != "InvalidTimeStamp.Format" || !strings.Contains(b["Message"], "Timestamp must be UTC") {
		t.Errorf("malformed Timestamp: %d %s: %s", st, b["Code"], b["Message"])
	}
}

// --- fuzzing ---

// FuzzServeSigned sends any request, seeded with the captures of both
// signature styles, to the whole server with credentials: it answers every
// input in the API's envelope and never panics. Each input gets a server
// of its own (fuzz_test.go), so a nonce one input used does not change the
// answer to the next; the clock is pinned at the captures' time.
func FuzzServeSigned(f *testing.F) {
	for _, c := range loadAuthCaptures(f) {
		f.Add(c.Raw)
	}
	servers := newFuzzServers(f, Config{
		Clock:             FixedClock(time.Date(2026, 11, 25, 19, 24, 43, 0, time.UTC)),
		MaxBodyBytes:      fuzzMaxBody,
		DisableThrottling: true,
		Credentials:       &Credentials{Keys: []AccessKey{{ID: "AKID", Secret: "SECRET"}}},
	})
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil || !fuzzAnswersAPI(req, servers.cat) {
			return
		}
		body, _ := io.ReadAll(io.LimitReader(req.Body, fuzzMaxBody+1))
		req.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		servers.fresh(t).ServeHTTP(rec, req) // a panic fails the input
		checkEnvelope(t, req, rec, servers.allowed)
	})
}
