package wire

import (
	"cmp"
	"strings"
)

// ACS3Auth is the Authorization header's parts.
type ACS3Auth struct {
	Credential, SignedHeaders, Signature string
}

// ParseACS3Authorization reads "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex",
// the parts in any order; missing names the first part that is absent or
// empty. It is the only reader of the header: Decode takes the access
// key id from it too, so the key a call is bound and journaled by is the
// one its signature is checked with.
func ParseACS3Authorization(h string) (a ACS3Auth, missing string) {
	rest, ok := strings.CutPrefix(h, ACS3Prefix)
	if !ok {
		return a, "Credential"
	}
	for _, part := range strings.Split(rest, ",") {
		// Only leading blanks go (", " as some signers join the parts): a
		// value keeps every byte the client signed, as the Go SDK puts a
		// header name with a trailing blank into SignedHeaders.
		k, v, _ := strings.Cut(strings.TrimLeft(part, " \t"), "=")
		switch k {
		case "Credential":
			a.Credential = cmp.Or(a.Credential, v)
		case "SignedHeaders":
			a.SignedHeaders = cmp.Or(a.SignedHeaders, v)
		case "Signature":
			a.Signature = cmp.Or(a.Signature, v)
		}
	}
	switch {
	case a.Credential == "":
		return a, "Credential"
	case a.SignedHeaders == "":
		return a, "SignedHeaders"
	case a.Signature == "":
		return a, "Signature"
	}
	return a, ""
}
