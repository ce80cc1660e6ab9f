package wire

import (
	"cmp"
	"strings"
)

// ACS3Algorithm is the ACS3 signature the gateway and the mock verify; it
// opens the Authorization header of a call signed with it.
const ACS3Algorithm = "ACS3-HMAC-SHA256"

// ACS3Auth is the Authorization header's parts.
type ACS3Auth struct {
	// Algorithm is the header's first word: ACS3Algorithm, another a
	// client claims (its parts are then not read), or "" without a header.
	Algorithm                            string
	Credential, SignedHeaders, Signature string
}

// ParseACS3Authorization reads "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex",
// the parts in any order; missing names the first part that is absent or
// empty. It is the only reader of the header: Decode takes the algorithm
// (Call.ACS3, Call.Algorithm) and the access key id from it too, so the
// key a call is bound and journaled by is the one its signature is checked
// with.
func ParseACS3Authorization(h string) (a ACS3Auth, missing string) {
	a.Algorithm, h, _ = strings.Cut(h, " ")
	if a.Algorithm != ACS3Algorithm {
		return a, "Credential"
	}
	rest := h
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
