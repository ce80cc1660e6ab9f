package mock_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/auth"
	"github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

// countingUpstream answers DescribeCdnService with a body that counts the
// calls, an account id and a signed OSS URL, as real answers carry them.
func countingUpstream(t *testing.T) *httptest.Server {
	t.Helper()
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		fmt.Fprintf(w, `{"RequestId":"REQ-%d","InstanceId":"call-%d","AliUid":"1234567890123456",`+
			`"OpeningTime":"https://b.oss-cn-hangzhou.aliyuncs.com/f?OSSAccessKeyId=LTAIossKey&Signature=c2lnbmF0dXJl&Expires=1"}`, i, i)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func describe(extra ...string) url.Values {
	v := url.Values{"Action": {"DescribeCdnService"}, "Version": {"2018-05-10"}, "Format": {"JSON"},
		"AccessKeyId": {"AK-any"}, "SignatureNonce": {"n-" + fmt.Sprint(len(extra))}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

func TestRecordThenReplay(t *testing.T) {
	dir := t.TempDir()
	cfg := proxyConfig(countingUpstream(t).URL)
	cfg.Record = dir
	_, ts := newServer(t, cfg)
	var recorded []string
	for i := 0; i < 2; i++ {
		r := call(t, ts, http.MethodGet, describe(), nil)
		recorded = append(recorded, r.str("InstanceId"))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 2 {
		t.Fatalf("%d files, want one per exchange: %v", len(files), files)
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		s := string(data)
		for _, secret := range []string{upstreamKeyID, upstreamSecret, "1234567890123456", "LTAIossKey", "c2lnbmF0dXJl", "AK-any"} {
			if strings.Contains(s, secret) {
				t.Errorf("%s holds %q:\n%s", filepath.Base(f), secret, s)
			}
		}
		if !strings.Contains(s, `"recorded"`) || !strings.Contains(s, `<redacted:AliUid>`) {
			t.Errorf("%s:\n%s", filepath.Base(f), s)
		}
	}

	// Replay alone: another key, another nonce, parameters in another
	// order; the same bodies in the recorded order, with fresh RequestIds.
	srv, ts := newServer(t, mock.Config{Replay: dir})
	for i, want := range recorded {
		q := describe("SignatureNonce", "other-nonce", "AccessKeyId", "AK-someone-else")
		r := call(t, ts, http.MethodPost, q, nil)
		if r.status != 200 || r.str("InstanceId") != want || strings.HasPrefix(r.str("RequestId"), "REQ-") {
			t.Fatalf("replay %d: %d %s, want InstanceId %s and a fresh RequestId", i, r.status, r.body, want)
		}
		if e := lastEntry(t, srv); e.Replay == nil || !e.Replay.Replayed || e.Replay.Recording == "" {
			t.Errorf("journal: %+v", e.Replay)
		}
	}

	// A miss goes through the pipeline (the fixture answers) and says why.
	r := call(t, ts, http.MethodGet, describe("RegionId", "cn-shanghai"), nil)
	if r.status != 200 || r.str("InstanceId") != "aliuidxx" {
		t.Fatalf("miss: %d %s, want the mock's fixture", r.status, r.body)
	}
	e := lastEntry(t, srv)
	if e.Replay == nil || e.Replay.Replayed || e.Replay.Parameter != "RegionId" || !strings.HasPrefix(e.Replay.Closest, "DescribeCdnService.") {
		t.Errorf("miss journal: %+v", e.Replay)
	}
}

// A recording that would still hold a secret is refused, and says so.
func TestRecordRefusesALeftOverSecret(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"RequestId":"R","%s":1}`, upstreamSecret) // a secret where redaction does not look: a key
	}))
	t.Cleanup(up.Close)
	dir := t.TempDir()
	cfg := proxyConfig(up.URL)
	cfg.Record = dir
	srv, ts := newServer(t, cfg)
	if r := call(t, ts, http.MethodGet, describe(), nil); r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Fatalf("written: %v", files)
	}
	if e := lastEntry(t, srv); e.Upstream == nil || !strings.Contains(e.Upstream.RecordError, "not written") {
		t.Fatalf("journal: %+v", e.Upstream)
	}
}

// The upstream may echo what the mock signed with: SignatureDoesNotMatch
// quotes its string to sign, where values are percent-encoded twice. The
// mock's own nonce, timestamp, signature and STS token never reach a file.
func TestRecordRedactsTheValuesTheMockSignedWith(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		for _, k := range []string{"SignatureNonce", "Timestamp", "Signature", "SecurityToken"} {
			seen = append(seen, r.Form.Get(k))
		}
		mu.Unlock()
		sts := auth.RPCStringToSign(r.Method, r.Form)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		b, _ := json.Marshal(map[string]string{"RequestId": "R", "Code": "SignatureDoesNotMatch",
			"Message":   "Specified signature is not matched with our calculation. server string to sign is:" + sts,
			"Recommend": "nonce " + url.QueryEscape(r.Form.Get("SignatureNonce")) + " at " + r.Form.Get("Timestamp") + " sig " + r.Form.Get("Signature")})
		_, _ = w.Write(b)
	}))
	t.Cleanup(up.Close)
	dir := t.TempDir()
	cfg := proxyConfig(up.URL)
	cfg.Upstream.SecurityToken = "sts/token+with=signs"
	cfg.Record = dir
	srv, ts := newServer(t, cfg)
	if r := call(t, ts, http.MethodGet, describe(), nil); r.status != 400 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if e := lastEntry(t, srv); e.Upstream == nil || e.Upstream.Recording == "" {
		t.Fatalf("not recorded: %+v", e.Upstream)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("files: %v", files)
	}
	data, _ := os.ReadFile(files[0])
	if !strings.Contains(string(data), "server string to sign is:GET") {
		t.Fatalf("the echo is gone:\n%s", data)
	}
	for _, v := range seen {
		once := auth.PercentEncode(v)
		for _, form := range []string{v, once, auth.PercentEncode(once)} {
			if strings.Contains(string(data), form) {
				t.Errorf("%q (as %q) left in:\n%s", v, form, data)
			}
		}
	}
}

// The client's signature values never reach the upstream: a short one
// (SignatureNonce=1) does not make every recording refused.
func TestRecordIgnoresTheClientsSignatureValues(t *testing.T) {
	dir := t.TempDir()
	cfg := proxyConfig(countingUpstream(t).URL)
	cfg.Record = dir
	srv, ts := newServer(t, cfg)
	if r := call(t, ts, http.MethodGet, describe("SignatureNonce", "1", "Signature", "c"), nil); r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if e := lastEntry(t, srv); e.Upstream == nil || e.Upstream.Recording == "" {
		t.Fatalf("not recorded: %+v", e.Upstream)
	}
}

// A TLS private key (x-mock-secret-parameters) never reaches a recording
// or the journal: both keep its digest, so replay still matches.
func TestSecretParametersAreKeptAsTheirDigest(t *testing.T) {
	const privateKey = "-----BEGIN RSA PRIVATE KEY-----MIIEsecretkeymaterial-----END RSA PRIVATE KEY-----"
	setCert := func(key string) url.Values {
		return url.Values{"Action": {"SetCdnDomainSSLCertificate"}, "Version": {"2018-05-10"}, "Format": {"JSON"},
			"DomainName": {"example.com"}, "SSLProtocol": {"on"}, "SSLPub": {"cert"}, "SSLPri": {key}}
	}
	dir := t.TempDir()
	cfg := proxyConfig(countingUpstream(t).URL)
	cfg.Record = dir
	srv, ts := newServer(t, cfg)
	if r := call(t, ts, http.MethodPost, setCert(privateKey), nil); r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	e := lastEntry(t, srv)
	if got := e.Params["SSLPri"]; !strings.HasPrefix(got, "<redacted:sha256:") || len(got) != len("<redacted:sha256:12345678>") {
		t.Errorf("journal SSLPri = %q", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("files %v (journal %+v)", files, e.Upstream)
	}
	data, _ := os.ReadFile(files[0])
	if strings.Contains(string(data), "secretkeymaterial") || !strings.Contains(string(data), `"`+e.Params["SSLPri"]+`"`) {
		t.Errorf("recording:\n%s", data)
	}

	_, ts = newServer(t, mock.Config{Replay: dir})
	if r := call(t, ts, http.MethodPost, setCert(privateKey), nil); r.status != 200 || !strings.HasPrefix(r.str("InstanceId"), "call-") {
		t.Errorf("replay of the same key: %d %s", r.status, r.body)
	}
	if r := call(t, ts, http.MethodPost, setCert("another key"), nil); strings.HasPrefix(r.str("InstanceId"), "call-") {
		t.Errorf("another key replayed: %d %s", r.status, r.body)
	}
}

func TestSecretParameterNamesAreChecked(t *testing.T) {
	spec := strings.Replace(shippedSpec(t), "x-mock-secret-parameters: [SSLPri, PrivateKey]", "x-mock-secret-parameters: [SSLPri, PrivateKy]", 1)
	gen, err := generated.FS.ReadFile(generated.Default)
	if err != nil {
		t.Fatal(err)
	}
	_, err = mock.New(mock.Config{Spec: []byte(spec), SpecFile: "my.yaml", GeneratedSpec: gen})
	if err == nil || !strings.Contains(err.Error(), "my.yaml:") || !strings.Contains(err.Error(), "PrivateKy is no operation's parameter") {
		t.Fatalf("%v", err)
	}
}
