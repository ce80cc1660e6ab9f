package upstream

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/auth"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// A form body (pop-core's POST, darabonba's formData) is signed again
// where the client put it, and ACS3 signs its content-type and bytes.
func TestFormBodiesAreSignedAgain(t *testing.T) {
	creds := Credentials{AccessKeyID: "LTAIupstream", AccessKeySecret: "up-secret", SecurityToken: "sts-token"}
	var got []string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.HasPrefix(r.Header.Get("Authorization"), "ACS3-") {
			sg, prob := auth.ParseACS3(r, body)
			got = append(got, "acs3", ok(prob == nil && sg.Matches(creds.AccessKeySecret)), r.Header.Get("x-acs-security-token"), string(body), r.Header.Get("X-Mock-Scenario"))
		} else {
			all, _ := url.ParseQuery(r.URL.RawQuery)
			form, _ := url.ParseQuery(string(body))
			for k, v := range form {
				all[k] = append(all[k], v...)
			}
			sg, prob := auth.ParseRPC(r.Method, all)
			got = append(got, "rpc", ok(prob == nil && sg.Matches(creds.AccessKeySecret)), form.Get("SecurityToken"), r.URL.RawQuery)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"RequestId":"R","Code":"X","Message":"m"}`))
	}))
	defer up.Close()
	f, err := New(up.URL, creds, nil)
	if err != nil {
		t.Fatal(err)
	}

	body := "Action=DescribeX&Version=2018-05-10&AccessKeyId=AKclient&Signature=old&SignatureNonce=1&Timestamp=2020-01-01T00%3A00%3A00Z&SignatureMethod=HMAC-SHA1&Name=a+b%2Ac"
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, aerr := f.Forward(context.Background(), r, []byte(body), false)
	if aerr != nil || res.Code != "X" || res.RequestID != "R" {
		t.Fatalf("%v %+v", aerr, res)
	}
	if got[0] != "rpc" || got[1] != "valid" || got[2] != "sts-token" || got[3] != "" {
		t.Errorf("RPC in a form body: %q", got)
	}

	got = nil
	acs3Body := "Name=a%20b"
	r = httptest.NewRequest(http.MethodPost, "/?Action=DescribeX", strings.NewReader(acs3Body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=AKclient,SignedHeaders=host,Signature=00")
	r.Header.Set("x-acs-action", "DescribeX")
	r.Header.Set("X-Mock-Scenario", "never forwarded")
	if _, aerr := f.Forward(context.Background(), r, []byte(acs3Body), true); aerr != nil {
		t.Fatal(aerr)
	}
	if got[0] != "acs3" || got[1] != "valid" || got[2] != "sts-token" || got[3] != acs3Body || got[4] != "" {
		t.Errorf("ACS3 with a form body: %q", got)
	}
}

func ok(b bool) string {
	if b {
		return "valid"
	}
	return "invalid"
}

func TestCredentialsFromEnvNamesTheVariables(t *testing.T) {
	_, err := CredentialsFromEnv(func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), EnvAccessKeyID) || !strings.Contains(err.Error(), EnvAccessKeySecret) {
		t.Fatalf("%v", err)
	}
	c, err := CredentialsFromEnv(env{EnvAccessKeyID: "id", EnvAccessKeySecret: "s"}.get)
	if err != nil || c.AccessKeyID != "id" || strings.Contains(c.String(), "s\"") {
		t.Fatalf("%v %v", c, err)
	}
}

type env map[string]string

func (e env) get(k string) string { return e[k] }

// Forward returns the values it signed with, and each ACS3 call gets a
// fresh nonce.
func TestForwardReturnsWhatItSignedWith(t *testing.T) {
	creds := Credentials{AccessKeyID: "LTAIupstream", AccessKeySecret: "up-secret", SecurityToken: "sts-token"}
	var sent [][]string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, sig, _ := strings.Cut(r.Header.Get("Authorization"), ",Signature=")
		sent = append(sent, []string{r.Header.Get("x-acs-signature-nonce"), r.Header.Get("x-acs-date"), sig, r.Header.Get("x-acs-security-token")})
		_, _ = w.Write([]byte(`{"RequestId":"R"}`))
	}))
	defer up.Close()
	f, err := New(up.URL, creds, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		r := httptest.NewRequest(http.MethodPost, "/?Action=DescribeX", nil)
		r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=AKclient,SignedHeaders=host,Signature=00")
		r.Header.Set("x-acs-signature-nonce", "client-nonce")
		res, aerr := f.Forward(context.Background(), r, nil, true)
		if aerr != nil {
			t.Fatal(aerr)
		}
		if strings.Join(res.Signed, " ") != strings.Join(sent[i], " ") || sent[i][0] == "" || sent[i][2] == "" {
			t.Errorf("Signed %q, sent %q", res.Signed, sent[i])
		}
	}
	if sent[0][0] == sent[1][0] || sent[0][0] == "client-nonce" {
		t.Errorf("nonces %q and %q: want a fresh one per call", sent[0][0], sent[1][0])
	}
}

// The forwarder's own timeout applies under a later deadline of the
// client's (the server gives every request minutes).
func TestTimeoutAppliesUnderALaterDeadline(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer up.Close()
	f, err := New(up.URL, Credentials{AccessKeyID: "id", AccessKeySecret: "s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.timeout = 20 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	done := make(chan *contract.APIError, 1)
	go func() {
		_, aerr := f.Forward(ctx, httptest.NewRequest(http.MethodGet, "/?Action=DescribeX", nil), nil, false)
		done <- aerr
	}()
	select {
	case aerr := <-done:
		if aerr == nil || aerr.Code != CodeTimeout || aerr.Status != http.StatusGatewayTimeout {
			t.Fatalf("%+v", aerr)
		}
	case <-time.After(30 * time.Second): // a fuse, not a measure: without the timeout this waits an hour
		t.Fatal("the forwarder's timeout did not apply under the client's later deadline")
	}
}
