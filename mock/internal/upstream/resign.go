package upstream

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/auth"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// Headers of the client's signature (its parameters: contract.SignatureParam):
// dropped from a forwarded call, which gets the upstream key's own.
var (
	acs3SigningHeaders = map[string]bool{
		"authorization": true, "x-acs-date": true, "x-acs-signature-nonce": true,
		"x-acs-content-sha256": true, "x-acs-security-token": true, "x-acs-accesskey-id": true,
	}
	// Headers that belong to one hop, or that the transport sets itself.
	hopHeaders = map[string]bool{
		"host": true, "connection": true, "keep-alive": true, "proxy-connection": true,
		"te": true, "trailer": true, "transfer-encoding": true, "upgrade": true,
		"content-length": true, "accept-encoding": true, "proxy-authorization": true,
	}
)

const timeLayout = "2006-01-02T15:04:05Z"

// outgoing builds the request to send upstream: the client's parameters
// where the client put them, its own headers but the mock's and the
// signature's, signed again with the upstream's key. signed are the values
// of the new signature (nonce, date, signature, token): the upstream may
// echo them (SignatureDoesNotMatch quotes its string to sign), so they are
// secrets of the exchange.
func (f *Forwarder) outgoing(ctx context.Context, r *http.Request, body []byte, acs3 bool) (out *http.Request, signed []string, err error) {
	u := *f.base
	if acs3 {
		u.RawQuery = r.URL.RawQuery
		out, err := f.newRequest(ctx, r, &u, body)
		if err != nil {
			return nil, nil, err
		}
		sum := sha256.Sum256(body)
		date, n := f.now().UTC().Format(timeLayout), nonce()
		out.Header.Set("x-acs-date", date)
		out.Header.Set("x-acs-signature-nonce", n)
		out.Header.Set("x-acs-content-sha256", hex.EncodeToString(sum[:]))
		if f.creds.SecurityToken != "" {
			out.Header.Set("x-acs-security-token", f.creds.SecurityToken)
		}
		authz := auth.SignACS3(out, body, f.creds.AccessKeyID, f.creds.AccessKeySecret)
		out.Header.Set("Authorization", authz)
		_, sig, _ := strings.Cut(authz, ",Signature=")
		return out, []string{n, date, sig, f.creds.SecurityToken}, nil
	}

	// RPC v1: the signature covers the query and a form body together; the
	// new signature's parameters go where the client had put its own.
	query, form := wire.Pairs(r.URL.RawQuery), []wire.Pair(nil)
	isForm := wire.IsForm(r.Header.Get("Content-Type")) && len(body) > 0
	if isForm {
		form = wire.Pairs(string(body))
	}
	inBody := hasParam(form, "Signature") && !hasParam(query, "Signature")
	query, form = withoutSigning(query), withoutSigning(form)
	ts, n := f.now().UTC().Format(timeLayout), nonce()
	signing := []wire.Pair{
		{Key: "AccessKeyId", Value: f.creds.AccessKeyID},
		{Key: "SignatureMethod", Value: "HMAC-SHA1"},
		{Key: "SignatureVersion", Value: "1.0"},
		{Key: "SignatureNonce", Value: n},
		{Key: "Timestamp", Value: ts},
	}
	if f.creds.SecurityToken != "" {
		signing = append(signing, wire.Pair{Key: "SecurityToken", Value: f.creds.SecurityToken})
	}
	if inBody {
		form = append(form, signing...)
	} else {
		query = append(query, signing...)
	}
	all := url.Values{}
	for _, p := range append(append([]wire.Pair{}, query...), form...) {
		all[p.Key] = append(all[p.Key], p.Value)
	}
	sig := wire.Pair{Key: "Signature", Value: auth.SignRPC(r.Method, all, f.creds.AccessKeySecret)}
	if inBody {
		form = append(form, sig)
	} else {
		query = append(query, sig)
	}
	u.RawQuery = encode(query)
	if isForm {
		body = []byte(encode(form))
	}
	out, err = f.newRequest(ctx, r, &u, body)
	return out, []string{n, ts, sig.Value, f.creds.SecurityToken}, err
}

// newRequest is a request to u with body and the client's headers, less
// those of one hop, of the mock (X-Mock-*) and of the client's signature.
func (f *Forwarder) newRequest(ctx context.Context, r *http.Request, u *url.URL, body []byte) (*http.Request, error) {
	var rd *bytes.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	var out *http.Request
	var err error
	if rd != nil {
		out, err = http.NewRequestWithContext(ctx, r.Method, u.String(), rd)
	} else {
		out, err = http.NewRequestWithContext(ctx, r.Method, u.String(), nil)
	}
	if err != nil {
		return nil, err
	}
	out.Host = f.base.Host
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if hopHeaders[lk] || acs3SigningHeaders[lk] || strings.HasPrefix(lk, "x-mock-") {
			continue
		}
		out.Header[k] = append([]string(nil), vs...)
	}
	return out, nil
}

func hasParam(ps []wire.Pair, name string) bool {
	for _, p := range ps {
		if p.Key == name {
			return true
		}
	}
	return false
}

func withoutSigning(ps []wire.Pair) []wire.Pair {
	out := ps[:0:0]
	for _, p := range ps {
		if !contract.SignatureParam(p.Key) {
			out = append(out, p)
		}
	}
	return out
}

// encode writes pairs in order, percent-encoded as the signature encodes
// them (space as %20, never "+").
func encode(ps []wire.Pair) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(auth.PercentEncode(p.Key))
		b.WriteByte('=')
		b.WriteString(auth.PercentEncode(p.Value))
	}
	return b.String()
}
