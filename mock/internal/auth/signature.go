package auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// The two request signatures of Alibaba Cloud's RPC APIs, computed exactly
// as the real clients' signers compute them (alibaba-cloud-sdk-go, pop-core,
// darabonba-openapi; their requests, byte for byte, are in mock/testdata/wire/):
//
//   - RPC signature v1: HMAC-SHA1 over every parameter but Signature, sent
//     as the Signature parameter (old Go SDK, pop-core, darabonba with
//     SignatureAlgorithm "v2");
//   - ACS3-HMAC-SHA256: HMAC-SHA256 over a canonical request, sent in the
//     Authorization header (darabonba clients by default).
//
// One implementation of each serves both directions: ParseRPC and
// ParseACS3 read what a client claims (key, time, nonce, signature) and
// compute the server's own string to sign, which Verifier (verify.go)
// checks; SignRPC and SignACS3 sign an outgoing request with the same code.

// Names of the signature parts in requests.
const (
	ParamSignature        = "Signature"
	ParamSignatureMethod  = "SignatureMethod"
	ParamSignatureNonce   = "SignatureNonce"
	ParamTimestamp        = "Timestamp"
	RPCSignatureMethod    = "HMAC-SHA1"
	HeaderACSDate         = "x-acs-date"
	HeaderACSNonce        = "x-acs-signature-nonce"
	HeaderACSContentHash  = "x-acs-content-sha256"
	acs3RequiredSignedHdr = "host"
)

// Signed is a request's signature as the client sent it, and the string to
// sign the server computed for it.
type Signed struct {
	ACS3         bool
	KeyID        string
	Date         string // Timestamp or x-acs-date, as sent
	DateName     string // which of them, for messages
	Nonce        string
	NonceName    string
	Signature    string // as sent
	StringToSign string // the server's
}

// sign returns the signature the string to sign gets with secret, in the
// style's encoding: Base64 for RPC v1, lower-case hex for ACS3.
func (sg *Signed) sign(secret string) string {
	if sg.ACS3 {
		return acs3Signature(secret, sg.StringToSign)
	}
	return rpcSignature(secret, sg.StringToSign)
}

// Matches reports, in constant time, whether the client's signature is the
// one secret gives.
func (sg *Signed) Matches(secret string) bool {
	got := sg.Signature
	if sg.ACS3 {
		got = strings.ToLower(got)
	}
	return subtle.ConstantTimeCompare([]byte(sg.sign(secret)), []byte(got)) == 1
}

// Problem is a signature part that is absent or malformed: the code to
// answer and the detail (a parameter name, or a sentence).
type Problem struct {
	Code   string
	Detail string
}

// pct is the percent-encoding both signatures use: UTF-8 bytes,
// A–Z a–z 0–9 - _ . ~ literal, every other byte %XX in upper-case hex
// (space is %20, * is %2A).
func pct(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexUpper = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexUpper[c>>4], hexUpper[c&15])
	}
	return string(b)
}

// PercentEncode is the percent-encoding both signatures use (pct).
func PercentEncode(s string) string { return pct(s) }

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

// --- RPC signature v1 (HMAC-SHA1) ---

// ParseRPC reads an RPC v1 signature from the call's parameters (query and
// form body merged) and computes the server's string to sign.
func ParseRPC(method string, params url.Values) (*Signed, *Problem) {
	for _, name := range []string{ParamSignature, wire.ParamAccessKeyID, ParamSignatureMethod, ParamTimestamp, ParamSignatureNonce} {
		if params.Get(name) == "" {
			return nil, &Problem{contract.CodeMissingParameter, name}
		}
	}
	if m := params.Get(ParamSignatureMethod); m != RPCSignatureMethod {
		return nil, &Problem{codeInvalidSignatureMethod, "SignatureMethod " + m + ": the RPC signature is " + RPCSignatureMethod + "."}
	}
	return &Signed{
		KeyID:        params.Get(wire.ParamAccessKeyID),
		Date:         params.Get(ParamTimestamp),
		DateName:     ParamTimestamp,
		Nonce:        params.Get(ParamSignatureNonce),
		NonceName:    ParamSignatureNonce,
		Signature:    params.Get(ParamSignature),
		StringToSign: RPCStringToSign(method, params),
	}, nil
}

// RPCStringToSign is Method & pct("/") & pct(canonicalized), where
// canonicalized joins pct(name)=pct(value) of every parameter but
// Signature, sorted by name (values of one name in the order sent).
func RPCStringToSign(method string, params url.Values) string {
	names := make([]string, 0, len(params))
	for k := range params {
		if k != ParamSignature {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var canon strings.Builder
	for _, k := range names {
		for _, v := range params[k] {
			if canon.Len() > 0 {
				canon.WriteByte('&')
			}
			canon.WriteString(pct(k))
			canon.WriteByte('=')
			canon.WriteString(pct(v))
		}
	}
	return method + "&" + pct("/") + "&" + pct(canon.String())
}

// rpcSignature is Base64(HMAC-SHA1(secret + "&", stringToSign)).
func rpcSignature(secret, stringToSign string) string {
	h := hmac.New(sha1.New, []byte(secret+"&"))
	h.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// --- ACS3-HMAC-SHA256 ---

// ParseACS3 reads an ACS3-HMAC-SHA256 signature from the request's headers
// and computes the server's string to sign over body, the exact body bytes.
func ParseACS3(r *http.Request, body []byte) (*Signed, *Problem) {
	a, missing := wire.ParseACS3Authorization(r.Header.Get(wire.HeaderAuthorization))
	if missing != "" {
		return nil, &Problem{codeIncompleteSignature, "The Authorization header has no " + missing + "."}
	}
	names := strings.Split(a.SignedHeaders, ";")
	signedSet := make(map[string]bool, len(names))
	for _, n := range names {
		if n == "" {
			return nil, &Problem{codeIncompleteSignature, "SignedHeaders has an empty header name."}
		}
		signedSet[strings.ToLower(n)] = true
	}
	// The clients sign host, content-type and every x-acs-* header; one left
	// out could be changed on the way without the signature noticing.
	if !signedSet[acs3RequiredSignedHdr] {
		return nil, &Problem{codeIncompleteSignature, "The header host is not in SignedHeaders."}
	}
	unsigned := []string{}
	for k := range r.Header {
		lk := strings.ToLower(k)
		if (strings.HasPrefix(lk, "x-acs-") || lk == "content-type") && !signedSet[lk] {
			unsigned = append(unsigned, lk)
		}
	}
	if len(unsigned) > 0 {
		sort.Strings(unsigned)
		return nil, &Problem{codeIncompleteSignature, "The header " + unsigned[0] + " is not in SignedHeaders."}
	}
	for _, h := range []string{HeaderACSDate, HeaderACSNonce} {
		if r.Header.Get(h) == "" {
			return nil, &Problem{contract.CodeMissingParameter, h}
		}
	}
	sum := sha256.Sum256(body)
	canonical := ACS3CanonicalRequest(r, a.SignedHeaders, hex.EncodeToString(sum[:]))
	return &Signed{
		ACS3:         true,
		KeyID:        a.Credential,
		Date:         r.Header.Get(HeaderACSDate),
		DateName:     HeaderACSDate,
		Nonce:        r.Header.Get(HeaderACSNonce),
		NonceName:    HeaderACSNonce,
		Signature:    a.Signature,
		StringToSign: ACS3StringToSign(canonical),
	}, nil
}

// ACS3CanonicalRequest is Method \n CanonicalURI \n CanonicalQueryString \n
// CanonicalHeaders \n SignedHeaders \n HashedPayload. The payload hash is
// the server's own, of the body received, so a body changed after signing
// (or an x-acs-content-sha256 that does not match it) fails the signature.
func ACS3CanonicalRequest(r *http.Request, signedHeaders, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	uri := r.URL.EscapedPath()
	if uri == "" {
		uri = "/"
	}
	b.WriteString(sdkReplacer.Replace(uri))
	b.WriteByte('\n')
	b.WriteString(acs3CanonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	for _, name := range strings.Split(signedHeaders, ";") {
		ln := strings.ToLower(name)
		b.WriteString(ln)
		b.WriteByte(':')
		b.WriteString(acs3HeaderValue(r, ln))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(signedHeaders)
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// acs3CanonicalQuery sorts the query parameters by name and joins
// name=pct(value) with "&". Names are not encoded, as the clients do not
// encode them; like the Go SDK, it then writes "+" and "*" as %20 and %2A
// and %7E as "~" (which only ever changes a name), and drops leading "&".
// Body parameters are not part of it: the payload hash covers them.
func acs3CanonicalQuery(raw string) string {
	pairs := wire.Pairs(raw)
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].Key < pairs[j].Key })
	var b strings.Builder
	for _, p := range pairs {
		b.WriteByte('&')
		b.WriteString(p.Key)
		b.WriteByte('=')
		b.WriteString(pct(p.Value))
	}
	return strings.TrimLeft(sdkReplacer.Replace(b.String()), "&")
}

// sdkReplacer is the clients' last touch to canonical strings.
var sdkReplacer = strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~")

// acs3HeaderValue is a signed header's canonical value: trimmed, and for a
// repeated header the values sorted and joined with ",".
func acs3HeaderValue(r *http.Request, lowerName string) string {
	if lowerName == "host" {
		return strings.TrimSpace(r.Host)
	}
	vs := r.Header.Values(lowerName)
	if len(vs) == 1 {
		return strings.TrimSpace(vs[0])
	}
	trimmed := make([]string, len(vs))
	for i, v := range vs {
		trimmed[i] = strings.TrimSpace(v)
	}
	sort.Strings(trimmed)
	return strings.Join(trimmed, ",")
}

// ACS3StringToSign is "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical request)).
func ACS3StringToSign(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return wire.ACS3Algorithm + "\n" + hex.EncodeToString(sum[:])
}

// acs3Signature is hex(HMAC-SHA256(secret, stringToSign)).
func acs3Signature(secret, stringToSign string) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(stringToSign))
	return hex.EncodeToString(h.Sum(nil))
}
