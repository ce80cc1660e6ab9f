package auth

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// The fuzz targets hold the verifiers and the signers to the real Go SDK's
// own signing code, seeded with the captures.

// addAuthSeeds adds the captures of one style as seeds.
func addAuthSeeds(f *testing.F, acs3 bool) {
	n := 0
	for _, c := range loadAuthCaptures(f) {
		if bytes.Contains(c.Raw, []byte("Authorization: ACS3-")) == acs3 {
			f.Add(c.Raw)
			n++
		}
	}
	if n == 0 {
		f.Fatal("no seeds")
	}
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

// FuzzVerifyRPC holds the RPC v1 verifier and signer to the real Go SDK
// (darabonba-openapi's GetRPCSignature): for any request, the signature
// the SDK computes over its parameters verifies, with SECRET only, and is
// the one SignRPC computes.
func FuzzVerifyRPC(f *testing.F) {
	addAuthSeeds(f, false)
	sp := testSpec(f)
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

		call := new(wire.Call)
		derr := call.Decode(rebuild(), sp, fuzzMaxBody)
		if derr != nil || !singleValued(call.Params) {
			return
		}
		// Complete the signature's companions, then sign as the SDK does.
		for _, p := range []string{wire.ParamAccessKeyID, ParamTimestamp, ParamSignatureNonce} {
			if call.Params.Get(p) == "" {
				call.Params.Set(p, "x")
			}
		}
		call.Params.Set(ParamSignatureMethod, RPCSignatureMethod)
		sdkSig := utils.GetRPCSignature(withoutSignature(call.Params), dara.String(req.Method), dara.String("SECRET"))
		if got := SignRPC(req.Method, call.Params, "SECRET"); got != dara.StringValue(sdkSig) {
			t.Fatalf("SignRPC: %s, the Go SDK: %s", got, dara.StringValue(sdkSig))
		}
		call.Params.Set(ParamSignature, dara.StringValue(sdkSig))
		sg, prob := ParseRPC(req.Method, call.Params)
		if prob != nil {
			t.Fatalf("a complete signature refused: %s %s", prob.Code, prob.Detail)
		}
		if !sg.Matches("SECRET") {
			t.Fatalf("the Go SDK's signature does not verify; server string to sign:\n%q", sg.StringToSign)
		}
		if sg.Matches("SECRET2") || sg.Matches("") {
			t.Fatal("verifies with another secret")
		}
		if strings.Contains(sg.StringToSign, "SECRET") && !strings.Contains(string(raw), "SECRET") {
			t.Fatal("the string to sign shows the secret")
		}
	})
}

func withoutSignature(v url.Values) map[string]*string {
	m := map[string]*string{}
	for k, vs := range v {
		if k != ParamSignature {
			m[k] = dara.String(vs[0])
		}
	}
	return m
}

// FuzzVerifyACS3 holds the ACS3-HMAC-SHA256 verifier and signer to the
// real Go SDK (darabonba-openapi's GetAuthorization): for any request on
// "/", the Authorization the SDK computes over its method, query, headers
// and body verifies, with SECRET only, any change to the body fails it,
// and SignACS3 computes the same header.
func FuzzVerifyACS3(f *testing.F) {
	addAuthSeeds(f, true)
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
		for _, h := range []string{HeaderACSDate, HeaderACSNonce} {
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
		}, dara.String(wire.ACS3Algorithm), dara.String(payload), dara.String("AKID"), dara.String("SECRET")))

		signedReq := rebuild(body)
		signedReq.Header = http.Header{}
		for k, v := range headers {
			if k != "host" {
				signedReq.Header.Set(k, *v)
			}
		}
		if got := SignACS3(signedReq, body, "AKID", "SECRET"); got != auth {
			t.Fatalf("SignACS3:\n%s\nthe Go SDK:\n%s", got, auth)
		}
		signedReq.Header.Set("Authorization", auth)
		sg, prob := ParseACS3(signedReq, body)
		if prob != nil {
			t.Fatalf("the Go SDK's Authorization refused: %s %s\n%s", prob.Code, prob.Detail, auth)
		}
		if sg.KeyID != "AKID" || !sg.Matches("SECRET") {
			t.Fatalf("the Go SDK's signature does not verify: %s\nserver string to sign: %q", auth, sg.StringToSign)
		}
		if sg.Matches("SECRET2") {
			t.Fatal("verifies with another secret")
		}
		if sg2, prob := ParseACS3(signedReq, append(bytes.Clone(body), 'x')); prob != nil || sg2.Matches("SECRET") {
			t.Fatal("a changed body still verifies")
		}
	})
}
