package upstream

// TEMPORARY until package auth lands on main: then signRPC and signACS3
// are auth.SignRPC and auth.SignACS3.

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

func signRPC(method string, params url.Values, secret string) string {
	names := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
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
			canon.WriteString(pct(k) + "=" + pct(v))
		}
	}
	sts := method + "&" + pct("/") + "&" + pct(canon.String())
	h := hmac.New(sha1.New, []byte(secret+"&"))
	h.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func pct(s string) string { return escape(s) }

func signACS3(r *http.Request, body []byte, keyID, secret string) string {
	names := []string{"host"}
	for k := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-acs-") || lk == "content-type" {
			names = append(names, lk)
		}
	}
	sort.Strings(names)
	signed := strings.Join(names, ";")
	var b strings.Builder
	b.WriteString(r.Method + "\n/\n")
	q := pairs(r.URL.RawQuery)
	sort.SliceStable(q, func(i, j int) bool { return q[i].k < q[j].k })
	var qs []string
	for _, p := range q {
		qs = append(qs, p.k+"="+pct(p.v))
	}
	b.WriteString(strings.Join(qs, "&") + "\n")
	for _, n := range names {
		v := r.Host
		if n != "host" {
			v = strings.TrimSpace(r.Header.Get(n))
		}
		b.WriteString(n + ":" + v + "\n")
	}
	sum := sha256.Sum256(body)
	b.WriteString("\n" + signed + "\n" + hex.EncodeToString(sum[:]))
	cr := sha256.Sum256([]byte(b.String()))
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(cr[:])))
	return "ACS3-HMAC-SHA256 Credential=" + keyID + ",SignedHeaders=" + signed + ",Signature=" + hex.EncodeToString(h.Sum(nil))
}
