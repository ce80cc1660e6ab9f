package mock

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// Signature verification against real clients' requests: every capture in
// testdata/wire/ verifies with the secret SECRET and with no other, the
// server's strings to sign equal those recomputed independently in the
// captures' .txt files, and requests changed after signing fail. The fuzz
// targets hold the verifiers to the real Go SDK's own signing code.

// authCapture is one captured request of a real client.
type authCapture struct {
	set, dir, name string
	raw            []byte
	at             time.Time // when it was captured: its Timestamp / x-acs-date
}

func loadAuthCaptures(t testing.TB) []authCapture {
	t.Helper()
	var out []authCapture
	for _, file := range fuzzCaptureFiles {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var c struct {
				Name   string  `json:"name"`
				TS     float64 `json:"ts"`
				RawB64 string  `json:"raw_b64"`
			}
			if err := json.Unmarshal(line, &c); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			raw, err := base64.StdEncoding.DecodeString(c.RawB64)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			out = append(out, authCapture{set: path.Base(path.Dir(file)), dir: path.Dir(file), name: c.Name, raw: raw,
				at: time.Unix(int64(c.TS), 0).UTC()})
		}
	}
	if len(out) < 25 {
		t.Fatalf("only %d captures", len(out))
	}
	return out
}

func readRawRequest(t testing.TB, raw []byte) *http.Request {
	t.Helper()
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("not an HTTP request: %v", err)
	}
	return req
}

// verifyRaw decodes a raw request as the server does and reads its
// signature with the verifier of its style.
func verifyRaw(sp *Spec, req *http.Request) (*signed, *sigProblem, *Call) {
	call, err := wire.Decode(req, sp, 1<<20)
	if err != nil {
		return nil, &sigProblem{code: err.Code, detail: err.Message}, call
	}
	if call.ACS3 {
		body := call.Body
		if body == nil && req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		sg, prob := parseACS3(req, body)
		return sg, prob, call
	}
	sg, prob := parseRPC(req.Method, call.Params)
	return sg, prob, call
}

// recomputed reads the "#   | " lines of a capture's .txt file that follow
// the given heading: the string to sign (RPC) or canonical request (ACS3)
// an independent implementation computed.
func recomputed(t *testing.T, file, heading string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	in := false
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(l, "# "+heading):
			in = true
		case in && strings.HasPrefix(l, "#   | "):
			lines = append(lines, strings.TrimPrefix(l, "#   | "))
		case in && strings.HasPrefix(l, "#   |"):
			lines = append(lines, "")
		case in:
			in = false
		}
	}
	if len(lines) == 0 {
		t.Fatalf("%s: no %q block", file, heading)
	}
	return strings.Join(lines, "\n")
}

func testSpec(t testing.TB) *Spec {
	t.Helper()
	srv, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv.Spec()
}

func TestCapturesVerifyWithTheirSecretOnly(t *testing.T) {
	sp := testSpec(t)
	styles := map[bool]int{}
	for _, c := range loadAuthCaptures(t) {
		t.Run(c.set+"/"+c.name, func(t *testing.T) {
			req := readRawRequest(t, c.raw)
			sg, prob, _ := verifyRaw(sp, req)
			if prob != nil {
				t.Fatalf("%s: %s", prob.code, prob.detail)
			}
			styles[sg.acs3]++
			if sg.keyID != "AKID" {
				t.Errorf("key %q, want AKID", sg.keyID)
			}
			if !sg.matches("SECRET") {
				t.Errorf("does not verify with SECRET; server string to sign:\n%s", sg.stringToSign)
			}
			for _, wrong := range []string{"", "secret", "SECRET ", " SECRET", "SECRET&", "SECRET2", "SECRE", "SECRET\n"} {
				if sg.matches(wrong) {
					t.Errorf("verifies with secret %q", wrong)
				}
			}
			txt := path.Join(c.dir, c.name+"-request.txt")
			if sg.acs3 {
				a, _ := wire.ParseACS3Authorization(req.Header.Get("Authorization"))
				body, _ := io.ReadAll(bytes.NewReader(requestBody(t, c.raw)))
				sum := sha256.Sum256(body)
				got := acs3CanonicalRequest(readRawRequest(t, c.raw), a.SignedHeaders, hex.EncodeToString(sum[:]))
				if want := recomputed(t, txt, "canonical request"); got != want {
					t.Errorf("canonical request:\n%s\nwant (recomputed independently):\n%s", got, want)
				}
			} else if want := recomputed(t, txt, "string to sign"); sg.stringToSign != want {
				t.Errorf("string to sign:\n%s\nwant (recomputed independently):\n%s", sg.stringToSign, want)
			}
		})
	}
	if styles[true] < 10 || styles[false] < 10 {
		t.Errorf("styles seen: ACS3 %d, RPC %d", styles[true], styles[false])
	}
}

// requestBody is the body of a raw request.
func requestBody(t *testing.T, raw []byte) []byte {
	t.Helper()
	req := readRawRequest(t, raw)
	b, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
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
		t.Run(c.set+"/"+c.name, func(t *testing.T) {
			good.Clock().Set(c.at)
			if st, b := serveRaw(t, good, c.raw); st != 200 {
				t.Fatalf("right secret: %d %s: %s", st, b["Code"], b["Message"])
			}
			st, b := serveRaw(t, good, c.raw)
			if st != 400 || b["Code"] != "SignatureNonceUsed" {
				t.Errorf("replayed: %d %s: %s, want 400 SignatureNonceUsed", st, b["Code"], b["Message"])
			}

			wrong.Clock().Set(c.at)
			st, b = serveRaw(t, wrong, c.raw)
			sg, _, _ := verifyRaw(sp, readRawRequest(t, c.raw))
			want := "Specified signature is not matched with our calculation. server string to sign is:" + sg.stringToSign
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
		if c.set == "wire" && c.name == name {
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
			srv.Clock().Set(c.at)
			raw := replaceOnce(t, c.raw, tc.old, tc.new)
			if st, b := serveRaw(t, srv, raw); b["Code"] != tc.code || st != 400 {
				t.Errorf("%d %s: %s, want 400 %s", st, b["Code"], b["Message"], tc.code)
			}
			if st, b := serveRaw(t, srv, c.raw); st != 200 { // the original still passes
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
				srv.Clock().Set(c.at.Add(tc.skew))
				st, b := serveRaw(t, srv, c.raw)
				if b["Code"] != tc.code {
					t.Errorf("server clock %v off: %d %s: %s, want %q", tc.skew, st, b["Code"], b["Message"], tc.code)
				}
			}

			// A nonce is remembered while its timestamp can pass, and only then.
			srv := authServer(t, "SECRET")
			srv.Clock().Set(c.at)
			if st, _ := serveRaw(t, srv, c.raw); st != 200 {
				t.Fatalf("first: %d", st)
			}
			srv.Clock().Set(c.at.Add(14 * time.Minute))
			if _, b := serveRaw(t, srv, c.raw); b["Code"] != "SignatureNonceUsed" {
				t.Errorf("replay 14 minutes later: %s", b["Code"])
			}
			srv.Clock().Set(c.at.Add(16 * time.Minute))
			if _, b := serveRaw(t, srv, c.raw); b["Code"] != "InvalidTimeStamp.Expired" {
				t.Errorf("replay 16 minutes later: %s", b["Code"])
			}
		})
	}

	// A malformed timestamp, correctly signed.
	q := url.Values{"Action": {"CreateUserUsageDataExportTask"}, "Version": {"2018-05-10"}, "Format": {"JSON"}, "AccessKeyId": {"AKID"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "SignatureNonce": {"n-1"}, "Timestamp": {"2026/11/25 19:24:43"}}
	q.Set("Signature", rpcSignature("SECRET", rpcStringToSign("GET", q)))
	srv := authServer(t, "SECRET")
	st, b := serveRaw(t, srv, []byte("GET /?"+q.Encode()+" HTTP/1.1\r\nHost: x\r\n\r\n"))
	if st != 400 || b["Code"] != "InvalidTimeStamp.Format" || !strings.Contains(b["Message"], "Timestamp must be UTC") {
		t.Errorf("malformed Timestamp: %d %s: %s", st, b["Code"], b["Message"])
	}
}

func TestNonceCacheIsBounded(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := nonceCache{capacity: 3}
	for i, nonce := range []string{"a", "b", "c"} {
		if !n.use("K", nonce, t0.Add(time.Duration(i+1)*time.Minute), t0) {
			t.Fatalf("%s refused", nonce)
		}
	}
	if n.use("K", "b", t0.Add(time.Hour), t0) {
		t.Error("a nonce used twice")
	}
	if !n.use("K2", "b", t0.Add(time.Hour), t0) {
		t.Error("the same nonce of another key refused")
	}
	if n.len() != 3 { // "a" (the soonest to expire) made room for K2's
		t.Errorf("%d nonces kept, want 3", n.len())
	}
	if !n.use("K", "a", t0.Add(time.Hour), t0) {
		t.Error("the evicted nonce is still refused")
	}
	// Expired entries go as the clock passes them.
	later := t0.Add(2 * time.Hour)
	if !n.use("K", "z", later.Add(time.Minute), later) || n.len() != 1 {
		t.Errorf("%d nonces kept after all expired, want 1", n.len())
	}
	// Under load, memory stays at the cap.
	big := nonceCache{capacity: 1000}
	for i := range 10_000 {
		big.use("K", strings.Repeat("x", i%50)+string(rune('a'+i%26))+time.Duration(i).String(), t0.Add(time.Hour), t0)
	}
	if big.len() > 1000 || len(big.byExpiry) > 1000 {
		t.Errorf("%d nonces, %d heap entries, cap 1000", big.len(), len(big.byExpiry))
	}
}

func TestPercentEncoding(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"AZaz09-_.~":               "AZaz09-_.~",
		"a b+c*d/e:f(g)!'h&i=j%k中": "a%20b%2Bc%2Ad%2Fe%3Af%28g%29%21%27h%26i%3Dj%25k%E4%B8%AD",
		"\x00\xff":                 "%00%FF",
	} {
		if got := pct(in); got != want {
			t.Errorf("pct(%q) = %q, want %q", in, got, want)
		}
	}
}

// --- fuzzing ---

// addAuthSeeds adds the captures of one style as seeds.
func addAuthSeeds(f *testing.F, acs3 bool) {
	n := 0
	for _, c := range loadAuthCaptures(f) {
		if bytes.Contains(c.raw, []byte("Authorization: ACS3-")) == acs3 {
			f.Add(c.raw)
			n++
		}
	}
	if n == 0 {
		f.Fatal("no seeds")
	}
}

// fuzzAuthServers check signatures with the captures' key, the clock pinned
// at their time; each input gets a server of its own (fuzz_test.go), so a
// nonce one input used does not change the answer to the next.
func fuzzAuthServers(f *testing.F) *fuzzServers {
	return newFuzzServers(f, Config{
		Clock:             FixedClock(time.Date(2026, 11, 25, 19, 24, 43, 0, time.UTC)),
		MaxBodyBytes:      fuzzMaxBody,
		DisableThrottling: true,
		Credentials:       &Credentials{Keys: []AccessKey{{ID: "AKID", Secret: "SECRET"}}},
	})
}

// singleValued reports whether no name repeats, as the SDKs' maps require.
func singleValued(v map[string][]string) bool {
	for _, vs := range v {
		if len(vs) != 1 {
			return false
		}
	}
	return true
}

// FuzzVerifyRPC holds the RPC v1 verifier to the real Go SDK
// (darabonba-openapi's GetRPCSignature): for any request, the signature
// the SDK computes over its parameters verifies, with SECRET only. The
// whole server, with credentials, answers every input in the envelope.
func FuzzVerifyRPC(f *testing.F) {
	addAuthSeeds(f, false)
	servers := fuzzAuthServers(f)
	sp := servers.cat.spec
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil || req.Header.Get("Authorization") != "" {
			return
		}
		body, _ := io.ReadAll(io.LimitReader(req.Body, fuzzMaxBody+1))
		rebuild := func() *http.Request {
			r := req.Clone(req.Context())
			r.Body = io.NopCloser(bytes.NewReader(body))
			return r
		}

		if fuzzAnswersAPI(req, servers.cat) {
			rec := httptest.NewRecorder()
			servers.fresh(t).ServeHTTP(rec, rebuild()) // a panic fails the input
			checkEnvelope(t, req, rec, servers.allowed)
		}

		call, derr := wire.Decode(rebuild(), sp, fuzzMaxBody)
		if derr != nil || !singleValued(call.Params) {
			return
		}
		// Complete the signature's companions, then sign as the SDK does.
		for _, p := range []string{wire.ParamAccessKeyID, paramTimestamp, paramSignatureNonce} {
			if call.Params.Get(p) == "" {
				call.Params.Set(p, "x")
			}
		}
		call.Params.Set(paramSignatureMethod, rpcSignatureMethod)
		sdkSig := utils.GetRPCSignature(withoutSignature(call.Params), dara.String(req.Method), dara.String("SECRET"))
		call.Params.Set(paramSignature, dara.StringValue(sdkSig))
		sg, prob := parseRPC(req.Method, call.Params)
		if prob != nil {
			t.Fatalf("a complete signature refused: %s %s", prob.code, prob.detail)
		}
		if !sg.matches("SECRET") {
			t.Fatalf("the Go SDK's signature does not verify; server string to sign:\n%q", sg.stringToSign)
		}
		if sg.matches("SECRET2") || sg.matches("") {
			t.Fatal("verifies with another secret")
		}
		if strings.Contains(sg.stringToSign, "SECRET") && !strings.Contains(string(raw), "SECRET") {
			t.Fatal("the string to sign shows the secret")
		}
	})
}

func withoutSignature(v url.Values) map[string]*string {
	m := map[string]*string{}
	for k, vs := range v {
		if k != paramSignature {
			m[k] = dara.String(vs[0])
		}
	}
	return m
}

// FuzzVerifyACS3 holds the ACS3-HMAC-SHA256 verifier to the real Go SDK
// (darabonba-openapi's GetAuthorization): for any request on "/", the
// Authorization the SDK computes over its method, query, headers and body
// verifies, with SECRET only, and any change to the body fails it. The
// whole server, with credentials, answers every input in the envelope.
func FuzzVerifyACS3(f *testing.F) {
	addAuthSeeds(f, true)
	servers := fuzzAuthServers(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return
		}
		body, _ := io.ReadAll(io.LimitReader(req.Body, fuzzMaxBody+1))
		rebuild := func(b []byte) *http.Request {
			r := req.Clone(req.Context())
			r.Body = io.NopCloser(bytes.NewReader(b))
			return r
		}

		if fuzzAnswersAPI(req, servers.cat) {
			rec := httptest.NewRecorder()
			servers.fresh(t).ServeHTTP(rec, rebuild(body)) // a panic fails the input
			checkEnvelope(t, req, rec, servers.allowed)
		}

		// Sign the request as the SDK would, then verify it.
		if req.URL.Path != "/" || req.URL.RawPath != "" || !singleValued(req.Header) {
			return
		}
		query, err := url.ParseQuery(req.URL.RawQuery)
		if err != nil || !singleValued(query) {
			return
		}
		headers := map[string]*string{"host": dara.String(req.Host)}
		for k, vs := range req.Header {
			if strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "Host") {
				continue
			}
			headers[strings.ToLower(k)] = dara.String(vs[0])
		}
		for _, h := range []string{headerACSDate, headerACSNonce} {
			if v, ok := headers[h]; !ok || strings.TrimSpace(*v) == "" {
				headers[h] = dara.String("x")
			}
		}
		q := map[string]*string{}
		for k, vs := range query {
			q[k] = dara.String(vs[0])
		}
		sum := sha256.Sum256(body)
		payload := hex.EncodeToString(sum[:])
		auth := dara.StringValue(utils.GetAuthorization(&dara.Request{
			Method: dara.String(req.Method), Pathname: dara.String("/"), Query: q, Headers: headers,
		}, dara.String(acs3Algorithm), dara.String(payload), dara.String("AKID"), dara.String("SECRET")))

		signedReq := rebuild(body)
		signedReq.Header = http.Header{}
		for k, v := range headers {
			if k != "host" {
				signedReq.Header.Set(k, *v)
			}
		}
		signedReq.Header.Set("Authorization", auth)
		sg, prob := parseACS3(signedReq, body)
		if prob != nil {
			t.Fatalf("the Go SDK's Authorization refused: %s %s\n%s", prob.code, prob.detail, auth)
		}
		if sg.keyID != "AKID" || !sg.matches("SECRET") {
			t.Fatalf("the Go SDK's signature does not verify: %s\nserver string to sign: %q", auth, sg.stringToSign)
		}
		if sg.matches("SECRET2") {
			t.Fatal("verifies with another secret")
		}
		if sg2, prob := parseACS3(signedReq, append(bytes.Clone(body), 'x')); prob != nil || sg2.matches("SECRET") {
			t.Fatal("a changed body still verifies")
		}
	})
}

// One reader of the ACS3 Authorization header, for the signature and for
// the access key id a call is bound and journaled by, with the spacing
// real clients use: none (every capture in testdata/wire), ", " as other
// signers join the parts, or a tab. Trailing blanks are part of a value
// (testdata/fuzz/FuzzVerifyACS3/header-name-with-trailing-space).
func TestParseACS3Authorization(t *testing.T) {
	sp := testSpec(t)
	const sig = "51cd2355ffa229c759b39e5695140762c39a6fc16e9d2a4b165514004e27bd65"
	cases := []struct {
		name, header string
		want         wire.ACS3Auth
		missing      string
	}{
		{"as the captures", "ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=host;x-acs-date,Signature=" + sig,
			wire.ACS3Auth{Credential: "AKID", SignedHeaders: "host;x-acs-date", Signature: sig}, ""},
		{"a space after each comma", "ACS3-HMAC-SHA256 Credential=AKID, SignedHeaders=host;x-acs-date, Signature=" + sig,
			wire.ACS3Auth{Credential: "AKID", SignedHeaders: "host;x-acs-date", Signature: sig}, ""},
		{"a tab after each comma", "ACS3-HMAC-SHA256 Credential=AKID,\tSignedHeaders=host;x-acs-date,\tSignature=" + sig,
			wire.ACS3Auth{Credential: "AKID", SignedHeaders: "host;x-acs-date", Signature: sig}, ""},
		{"blanks before the commas are kept", "ACS3-HMAC-SHA256 Credential=AKID , SignedHeaders=host;x-acs-x \t,Signature=" + sig,
			wire.ACS3Auth{Credential: "AKID ", SignedHeaders: "host;x-acs-x \t", Signature: sig}, ""},
		{"two spaces after the algorithm", "ACS3-HMAC-SHA256  Credential=AKID,SignedHeaders=host,Signature=00",
			wire.ACS3Auth{Credential: "AKID", SignedHeaders: "host", Signature: "00"}, ""},
		{"another order", "ACS3-HMAC-SHA256 SignedHeaders=host, Credential=AK2, Signature=00",
			wire.ACS3Auth{Credential: "AK2", SignedHeaders: "host", Signature: "00"}, ""},
		{"the first non-empty value", "ACS3-HMAC-SHA256 Credential=,Credential=AK3,SignedHeaders=host,Signature=00",
			wire.ACS3Auth{Credential: "AK3", SignedHeaders: "host", Signature: "00"}, ""},
		{"no Credential", "ACS3-HMAC-SHA256 SignedHeaders=host,Signature=00", wire.ACS3Auth{Credential: "", SignedHeaders: "host", Signature: "00"}, "Credential"},
		{"an empty Credential", "ACS3-HMAC-SHA256 Credential=, SignedHeaders=host,Signature=00", wire.ACS3Auth{Credential: "", SignedHeaders: "host", Signature: "00"}, "Credential"},
		{"no SignedHeaders", "ACS3-HMAC-SHA256 Credential=X", wire.ACS3Auth{Credential: "X", SignedHeaders: "", Signature: ""}, "SignedHeaders"},
		{"no Signature", "ACS3-HMAC-SHA256 Credential=X, SignedHeaders=host, Signature=", wire.ACS3Auth{Credential: "X", SignedHeaders: "host", Signature: ""}, "Signature"},
		{"names are case-sensitive", "ACS3-HMAC-SHA256 credential=X,SignedHeaders=host,Signature=00", wire.ACS3Auth{Credential: "", SignedHeaders: "host", Signature: "00"}, "Credential"},
		{"another scheme", "Bearer Credential=AK", wire.ACS3Auth{}, "Credential"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, missing := wire.ParseACS3Authorization(tc.header)
			if got != tc.want || missing != tc.missing {
				t.Errorf("parse: %+v, missing %q; want %+v, missing %q", got, missing, tc.want, tc.missing)
			}
			req := httptest.NewRequest(http.MethodPost, "/", nil)
			req.Header.Set("Authorization", tc.header)
			call, _ := wire.Decode(req, sp, 1<<20)
			if call.AccessKeyID != tc.want.Credential {
				t.Errorf("Decode's access key id %q, want %q", call.AccessKeyID, tc.want.Credential)
			}
		})
	}

	// A real signed request still verifies with the parts spaced out.
	n := 0
	for _, c := range loadAuthCaptures(t) {
		req := readRawRequest(t, c.raw)
		h := req.Header.Get("Authorization")
		if !strings.HasPrefix(h, wire.ACS3Prefix) {
			continue
		}
		n++
		for _, sep := range []string{", ", ",\t", ",  "} {
			req := readRawRequest(t, c.raw)
			req.Header.Set("Authorization", strings.ReplaceAll(h, ",", sep))
			sg, prob, call := verifyRaw(sp, req)
			if prob != nil || sg.keyID != "AKID" || call.AccessKeyID != "AKID" || !sg.matches("SECRET") {
				t.Errorf("%s/%s with %q between the parts: %+v, key %v, does not verify", c.set, c.name, sep, prob, call.AccessKeyID)
			}
		}
	}
	if n == 0 {
		t.Error("no ACS3 capture")
	}
}
