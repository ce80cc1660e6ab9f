package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// Signing an outgoing request, with the code that verifies incoming ones:
// a request SignRPC or SignACS3 signed verifies with the same secret.

// SignRPC returns the RPC v1 signature of a call: the value of its
// Signature parameter. params are every parameter the request will carry
// (query and form body), the signature's companions included
// (AccessKeyId, SignatureMethod HMAC-SHA1, SignatureVersion, Timestamp,
// SignatureNonce); a Signature among them is left out of the string to sign.
func SignRPC(method string, params url.Values, secret string) string {
	return rpcSignature(secret, RPCStringToSign(method, params))
}

// SignACS3 returns the Authorization header that signs r and body with
// ACS3-HMAC-SHA256, as the darabonba clients compute it: r's Host, its
// Content-Type and every x-acs-* header are signed (ACS3SignedHeaders), so
// set them all (x-acs-date, x-acs-signature-nonce, x-acs-content-sha256,
// x-acs-action, x-acs-version...) before signing and change none after.
// body is the exact body r will send.
func SignACS3(r *http.Request, body []byte, keyID, secret string) string {
	signedHeaders := ACS3SignedHeaders(r)
	sum := sha256.Sum256(body)
	canonical := ACS3CanonicalRequest(r, signedHeaders, hex.EncodeToString(sum[:]))
	return wire.ACS3Algorithm + " Credential=" + keyID + ",SignedHeaders=" + signedHeaders +
		",Signature=" + acs3Signature(secret, ACS3StringToSign(canonical))
}

// ACS3SignedHeaders is the SignedHeaders list the clients sign: host,
// content-type when present and every x-acs-* header, lower-case, sorted,
// joined with ";".
func ACS3SignedHeaders(r *http.Request) string {
	names := []string{acs3RequiredSignedHdr}
	for k := range r.Header {
		lk := strings.ToLower(k)
		if (strings.HasPrefix(lk, "x-acs-") || lk == "content-type") && !slices.Contains(names, lk) {
			names = append(names, lk)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ";")
}
