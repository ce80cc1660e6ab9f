package auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/capture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
	"github.com/alibaba-cloud-mock/cdnmock/spec"
)

// Signature verification against real clients' requests: every capture in
// mock/testdata/wire/ verifies with the secret SECRET and with no other, the
// server's strings to sign equal those recomputed independently in the
// captures' .txt files, and requests changed after signing fail. The fuzz
// targets hold the verifiers to the real Go SDK's own signing code. The
// tests of the whole server with credentials are in package mock
// (signature_test.go).

const fuzzMaxBody = 1 << 20

// authCapture is one captured request of a real client.
type authCapture = capture.Capture

func loadAuthCaptures(t testing.TB) []authCapture { return capture.MustLoad(t, "../..") }

func readRawRequest(t testing.TB, raw []byte) *http.Request { return capture.MustReadRequest(t, raw) }

// verifyRaw decodes a raw request as the server does and reads its
// signature with the verifier of its style.
func verifyRaw(sp *contract.Spec, req *http.Request) (*Signed, *Problem, *wire.Call) {
	call := new(wire.Call)
	err := call.Decode(req, sp, 1<<20)
	if err != nil {
		return nil, &Problem{Code: err.Code, Detail: err.Message}, call
	}
	if call.ACS3 {
		body := call.Body
		if body == nil && req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		sg, prob := ParseACS3(req, body)
		return sg, prob, call
	}
	sg, prob := ParseRPC(req.Method, call.Params)
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

// testSpec is the hand-written spec, for the gateway's errors Decode answers.
func testSpec(t testing.TB) *contract.Spec {
	t.Helper()
	data, err := spec.FS.ReadFile(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := contract.Load(spec.Default, data, contract.LoadOptions{RequireCommon: true, Reports: tasks.ReportNames()})
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func TestCapturesVerifyWithTheirSecretOnly(t *testing.T) {
	sp := testSpec(t)
	styles := map[bool]int{}
	for _, c := range loadAuthCaptures(t) {
		t.Run(c.Set+"/"+c.Name, func(t *testing.T) {
			req := readRawRequest(t, c.Raw)
			sg, prob, _ := verifyRaw(sp, req)
			if prob != nil {
				t.Fatalf("%s: %s", prob.Code, prob.Detail)
			}
			styles[sg.ACS3]++
			if sg.KeyID != "AKID" {
				t.Errorf("key %q, want AKID", sg.KeyID)
			}
			if !sg.Matches("SECRET") {
				t.Errorf("does not verify with SECRET; server string to sign:\n%s", sg.StringToSign)
			}
			for _, wrong := range []string{"", "secret", "SECRET ", " SECRET", "SECRET&", "SECRET2", "SECRE", "SECRET\n"} {
				if sg.Matches(wrong) {
					t.Errorf("verifies with secret %q", wrong)
				}
			}
			txt := path.Join(c.Dir, c.Name+"-request.txt")
			if sg.ACS3 {
				a, _ := wire.ParseACS3Authorization(req.Header.Get("Authorization"))
				body, _ := io.ReadAll(bytes.NewReader(requestBody(t, c.Raw)))
				sum := sha256.Sum256(body)
				got := ACS3CanonicalRequest(readRawRequest(t, c.Raw), a.SignedHeaders, hex.EncodeToString(sum[:]))
				if want := recomputed(t, txt, "canonical request"); got != want {
					t.Errorf("canonical request:\n%s\nwant (recomputed independently):\n%s", got, want)
				}
			} else if want := recomputed(t, txt, "string to sign"); sg.StringToSign != want {
				t.Errorf("string to sign:\n%s\nwant (recomputed independently):\n%s", sg.StringToSign, want)
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

// The signers give every capture's own signature: SignRPC its Signature
// parameter, SignACS3 its whole Authorization header (when the client
// signed the headers ACS3SignedHeaders picks, as every darabonba client
// does), and what they sign verifies.
func TestSignersReproduceTheCaptures(t *testing.T) {
	sp := testSpec(t)
	signedRPC, signedACS3 := 0, 0
	for _, c := range loadAuthCaptures(t) {
		t.Run(c.Set+"/"+c.Name, func(t *testing.T) {
			req := readRawRequest(t, c.Raw)
			_, _, call := verifyRaw(sp, req)
			if !call.ACS3 {
				if got, want := SignRPC(req.Method, call.Params, "SECRET"), call.Params.Get(ParamSignature); got != want {
					t.Errorf("SignRPC: %s, the client's: %s", got, want)
				}
				signedRPC++
				return
			}
			req = readRawRequest(t, c.Raw)
			want := req.Header.Get(wire.HeaderAuthorization)
			a, _ := wire.ParseACS3Authorization(want)
			if a.SignedHeaders != ACS3SignedHeaders(req) {
				t.Logf("signed %s, not the clients' usual set", a.SignedHeaders)
				return
			}
			if got := SignACS3(req, requestBody(t, c.Raw), "AKID", "SECRET"); got != want {
				t.Errorf("SignACS3:\n%s\nthe client's:\n%s", got, want)
			}
			signedACS3++
		})
	}
	if signedRPC < 10 || signedACS3 < 10 {
		t.Errorf("signed RPC %d, ACS3 %d", signedRPC, signedACS3)
	}

	// What the signers sign verifies, with that secret only.
	q := url.Values{"Action": {"DescribeCdnService"}, "AccessKeyId": {"K"}, "SignatureMethod": {"HMAC-SHA1"},
		"Timestamp": {"2026-01-01T00:00:00Z"}, "SignatureNonce": {"n"}, "Name": {"a b*~"}}
	q.Set(ParamSignature, SignRPC(http.MethodPost, q, "S"))
	if sg, prob := ParseRPC(http.MethodPost, q); prob != nil || !sg.Matches("S") || sg.Matches("S2") {
		t.Errorf("SignRPC's signature: %+v %+v", sg, prob)
	}
	body := []byte("DomainName=example.com")
	r := httptest.NewRequest(http.MethodPost, "/?Action=DescribeCdnService", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set(HeaderACSDate, "2026-01-01T00:00:00Z")
	r.Header.Set(HeaderACSNonce, "n")
	r.Header.Set("x-acs-action", "DescribeCdnService")
	r.Header.Set(wire.HeaderAuthorization, SignACS3(r, body, "K", "S"))
	if sg, prob := ParseACS3(r, body); prob != nil || sg.KeyID != "K" || !sg.Matches("S") || sg.Matches("S2") {
		t.Errorf("SignACS3's signature: %+v %+v", sg, prob)
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
		{"the algorithm alone", "ACS3-HMAC-SHA256", wire.ACS3Auth{}, "Credential"},
		{"another ACS3 algorithm: its parts are not read", "ACS3-HMAC-SM3 Credential=AK,SignedHeaders=host,Signature=00",
			wire.ACS3Auth{Algorithm: "ACS3-HMAC-SM3"}, "Credential"},
		{"another scheme", "Bearer Credential=AK", wire.ACS3Auth{Algorithm: "Bearer"}, "Credential"},
		{"no header", "", wire.ACS3Auth{Algorithm: "-"}, "Credential"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The algorithm is ACS3-HMAC-SHA256 unless a case says otherwise ("-": none).
			switch tc.want.Algorithm {
			case "":
				tc.want.Algorithm = wire.ACS3Algorithm
			case "-":
				tc.want.Algorithm = ""
			}
			got, missing := wire.ParseACS3Authorization(tc.header)
			if got != tc.want || missing != tc.missing {
				t.Errorf("parse: %+v, missing %q; want %+v, missing %q", got, missing, tc.want, tc.missing)
			}
			req := httptest.NewRequest(http.MethodPost, "/", nil)
			req.Header.Set("Authorization", tc.header)
			call := new(wire.Call)
			_ = call.Decode(req, sp, 1<<20)
			if call.AccessKeyID != tc.want.Credential {
				t.Errorf("Decode's access key id %q, want %q", call.AccessKeyID, tc.want.Credential)
			}
			if acs3 := tc.want.Algorithm == wire.ACS3Algorithm; call.Algorithm != tc.want.Algorithm || call.ACS3 != acs3 {
				t.Errorf("Decode's algorithm %q (ACS3 %v), want %q (%v)", call.Algorithm, call.ACS3, tc.want.Algorithm, acs3)
			}
		})
	}

	// A real signed request still verifies with the parts spaced out.
	n := 0
	for _, c := range loadAuthCaptures(t) {
		req := readRawRequest(t, c.Raw)
		h := req.Header.Get("Authorization")
		if !strings.HasPrefix(h, wire.ACS3Algorithm+" ") {
			continue
		}
		n++
		for _, sep := range []string{", ", ",\t", ",  "} {
			req := readRawRequest(t, c.Raw)
			req.Header.Set("Authorization", strings.ReplaceAll(h, ",", sep))
			sg, prob, call := verifyRaw(sp, req)
			if prob != nil || sg.KeyID != "AKID" || call.AccessKeyID != "AKID" || !sg.Matches("SECRET") {
				t.Errorf("%s/%s with %q between the parts: %+v, key %v, does not verify", c.Set, c.Name, sep, prob, call.AccessKeyID)
			}
		}
	}
	if n == 0 {
		t.Error("no ACS3 capture")
	}
}
