package main

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
	"github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

const (
	upKeyID  = "LTAI5tUpstreamKeyOfTheCommandTests"
	upSecret = "the-upstream-secret"
)

// setUpstreamKey sets the standard variables for the test (and the
// commands it starts).
func setUpstreamKey(t *testing.T) {
	t.Setenv(mock.EnvAccessKeyID, upKeyID)
	t.Setenv(mock.EnvAccessKeySecret, upSecret)
	t.Setenv(mock.EnvSecurityToken, "")
}

// upstreamMock is the mock as the real service: it accepts only the
// upstream's key, so a call the proxy did not sign again fails.
func upstreamMock(t *testing.T, tls bool) (*mock.Server, *httptest.Server) {
	t.Helper()
	creds, err := mock.LoadCredentials("upstream.yaml", []byte("accessKeys:\n  - id: "+upKeyID+"\n    secret: "+upSecret+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(mock.Config{Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	if tls {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	t.Cleanup(ts.Close)
	t.Cleanup(srv.Close)
	return srv, ts
}

func TestUpstreamWithoutCredentialsExitsNamingThem(t *testing.T) {
	t.Setenv(mock.EnvAccessKeyID, "")
	t.Setenv(mock.EnvAccessKeySecret, "")
	var out, errb bytes.Buffer
	if code := run([]string{"--upstream", "https://cdn.aliyuncs.com"}, &out, &errb); code == 0 {
		t.Fatal("exit 0 without credentials")
	}
	for _, want := range []string{"--upstream", mock.EnvAccessKeyID, mock.EnvAccessKeySecret} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %s: %s", want, errb.String())
		}
	}
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// Over HTTPS the upstream's certificate is checked: against SSL_CERT_FILE
// here, the system roots otherwise (which do not know the test's CA).
func TestProxyOverHTTPSTrustsSSLCertFile(t *testing.T) {
	up, upTS := upstreamMock(t, true)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: upTS.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	setUpstreamKey(t)
	bin := buildBinary(t)
	const describe = "/?Action=DescribeCdnService&Version=2018-05-10&Format=JSON&AccessKeyId=AK-client"

	t.Setenv("SSL_CERT_FILE", caFile)
	_, addr, _ := startBinary(t, bin, "--upstream", upTS.URL)
	status, body := getBody(t, "http://"+addr+describe)
	if status != 200 || !strings.Contains(body, "InternetChargeType") {
		t.Fatalf("through HTTPS: %d %s", status, body)
	}
	if es := up.Requests(mock.RequestFilter{}); len(es) != 1 || es[0].AccessKeyID != upKeyID || es[0].Code != "" {
		t.Fatalf("the upstream's journal: %+v", es)
	}

	t.Setenv("SSL_CERT_FILE", filepath.Join(t.TempDir(), "none.pem"))
	_, addr, _ = startBinary(t, bin, "--upstream", upTS.URL)
	if status, body := getBody(t, "http://"+addr+describe); status != 502 || !strings.Contains(body, "Mock.UpstreamUnreachable") || !strings.Contains(body, "certificate") {
		t.Fatalf("an unknown CA: %d %s", status, body)
	}
}

// drifting answers DescribeCdnService with a body that breaks the schema
// and everything else with an undocumented code; it notes every Action.
func drifting(t *testing.T) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var actions []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		actions = append(actions, r.Form.Get("Action"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Form.Get("Action") == "DescribeCdnService" {
			_, _ = w.Write([]byte(`{"RequestId":"R-1","InstanceId":7}`))
			return
		}
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"RequestId":"R-2","Code":"Not.Documented","Message":"?"}`))
	}))
	t.Cleanup(ts.Close)
	return ts, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), actions...) }
}

func TestFailOnViolationCountsDrift(t *testing.T) {
	ts, _ := drifting(t)
	setUpstreamKey(t)
	cmd, addr, logs := startBinary(t, buildBinary(t), "--upstream", ts.URL, "--fail-on-violation")
	if status, body := getBody(t, "http://"+addr+"/?Action=DescribeCdnService&Version=2018-05-10&Format=JSON"); status != 200 || !strings.Contains(body, `"InstanceId":7`) {
		t.Fatalf("%d %s", status, body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(cmd.Wait()); code != exitViolations {
		t.Fatalf("exit %d, want %d; log:\n%s", code, exitViolations, logs)
	}
}

func TestVerify(t *testing.T) {
	setUpstreamKey(t)
	_, upTS := upstreamMock(t, false)
	var out, errb bytes.Buffer
	if code := run([]string{"verify", "--upstream", upTS.URL}, &out, &errb); code != 0 {
		t.Fatalf("verify against the mock: exit %d\n%s%s", code, out.String(), errb.String())
	}
	var conforming bytes.Buffer
	if code := run([]string{"verify", "--upstream", upTS.URL, "--action", "DescribeCdnService", "--json"}, &conforming, &errb); code != 0 ||
		!strings.Contains(conforming.String(), `"drift": []`) {
		t.Errorf("--json of a conforming operation: exit %d\n%s", code, conforming.String())
	}
	if !strings.Contains(out.String(), "DescribeCdnService") || !strings.Contains(out.String(), " 0 drift, 0 could not") {
		t.Errorf("output:\n%s", out.String())
	}

	ts, actions := drifting(t)
	out.Reset()
	if code := run([]string{"verify", "--upstream", ts.URL, "--json"}, &out, &errb); code != exitDrift {
		t.Fatalf("verify against a drifting upstream: exit %d\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), `"Not.Documented is not documented`) {
		t.Errorf("output lacks the undocumented code:\n%.2000s", out.String())
	}
	// Exactly the operations Alibaba's metadata says read (operationType).
	reads := metadataReads(t)
	seen := map[string]bool{}
	for _, a := range actions() {
		seen[a] = true
		if !reads[a] {
			t.Errorf("verify called %s, which the metadata does not say reads", a)
		}
	}
	for a := range reads {
		if !seen[a] {
			t.Errorf("verify did not call %s, which reads", a)
		}
	}

	out.Reset()
	if code := run([]string{"verify", "--upstream", "http://127.0.0.1:1", "--action", "DescribeCdnService"}, &out, &errb); code != exitUsage {
		t.Fatalf("unreachable: exit %d\n%s", code, out.String())
	}
}

// metadataReads are the operations whose operationType is read in the
// metadata the generated spec is made from.
func metadataReads(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("spec", "generated", generated.Metadata))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		APIs map[string]struct {
			OperationType string `json:"operationType"`
		} `json:"apis"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	reads := map[string]bool{}
	for name, api := range doc.APIs {
		if api.OperationType == "read" {
			reads[name] = true
		}
	}
	if len(reads) < 100 {
		t.Fatalf("only %d reads in the metadata", len(reads))
	}
	return reads
}
