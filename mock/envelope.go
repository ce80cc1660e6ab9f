package mock

import (
	"cmp"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// Call is one decoded RPC request: which Action, who calls, and with what.
type Call struct {
	Method      string
	Action      string
	Version     string
	AccessKeyID string
	Format      string     // the answer's format: "JSON" or "XML"
	ACS3        bool       // signed with ACS3-HMAC-SHA256 (Authorization header)
	Params      url.Values // query and form body merged, decoded; common parameters included
	Body        []byte     // the body's exact bytes when read (a form body), for the ACS3 payload hash (signature.go)
	Account     string     // with credentials, the verified key's account (auth.go); "" otherwise
}

// Names of the RPC protocol's own parameters and headers.
const (
	paramAction      = "Action"
	paramVersion     = "Version"
	paramFormat      = "Format"
	paramAccessKeyID = "AccessKeyId"

	headerAction  = "x-acs-action"
	headerVersion = "x-acs-version"
	acs3Prefix    = "ACS3-HMAC-SHA256 "

	formatJSON = "JSON"
	formatXML  = "XML"
)

// commonParams are the protocol parameters every call may carry. They are
// not API parameters: the journal shows them apart and never reports them
// as unknown. Signature and SecurityToken are secrets and are never shown.
var commonParams = map[string]bool{
	"Action": true, "Version": true, "Format": true, "AccessKeyId": true,
	"Signature": true, "SignatureMethod": true, "SignatureVersion": true,
	"SignatureNonce": true, "SignatureType": true, "Timestamp": true,
	"SecurityToken": true, "RegionId": true, "OwnerId": true,
	"OwnerAccount": true, "ResourceOwnerAccount": true, "ResourceOwnerId": true,
}

// decodeCall reads the RPC envelope as real clients send it: parameters from
// the query string and from a form body, merged and decoded; Action and
// Version from the parameters or from the ACS3 x-acs-* headers. It always
// returns a Call whose Format is set, so even a failed decode is answered in
// the format the client expects. Missing Action or Version are not decode
// errors: the caller checks them against the spec.
func decodeCall(r *http.Request, spec *Spec, maxBody int64) (*Call, *apiError) {
	c := &Call{Method: r.Method, Params: url.Values{}}
	c.ACS3 = strings.HasPrefix(r.Header.Get("Authorization"), acs3Prefix)

	bad := addPairs(spec, c.Params, r.URL.RawQuery)
	var tooLarge *apiError
	if r.Body != nil && isForm(r.Header.Get("Content-Type")) {
		var body []byte
		if body, tooLarge = readBody(r.Body, maxBody); tooLarge == nil {
			c.Body = body
			if err := addPairs(spec, c.Params, string(body)); bad == nil {
				bad = err
			}
		}
	}

	c.Action = firstOf(c.Params.Get(paramAction), r.Header.Get(headerAction))
	c.Version = firstOf(c.Params.Get(paramVersion), r.Header.Get(headerVersion))
	acs3, _ := parseACS3Authorization(r.Header.Get(headerAuthorization)) // signature.go
	// A copy: the key outlives the request in per-key state (throttle
	// buckets, sequences, tasks), and a substring would pin the whole body.
	c.AccessKeyID = strings.Clone(firstOf(c.Params.Get(paramAccessKeyID), acs3.credential))

	var formatErr bool
	switch f := c.Params.Get(paramFormat); {
	case strings.EqualFold(f, formatJSON):
		c.Format = formatJSON
	case strings.EqualFold(f, formatXML):
		c.Format = formatXML
	default:
		formatErr = f != ""
		c.Format = formatXML
		if c.ACS3 || strings.Contains(strings.ToLower(r.Header.Get("Accept")), "application/json") {
			c.Format = formatJSON
		}
	}

	switch {
	case tooLarge != nil:
		return c, tooLarge
	case bad != nil:
		return c, bad
	case formatErr:
		return c, spec.gateway(codeInvalidFormat, paramFormat)
	}
	return c, nil
}

// addPairs decodes a query string or form body with form semantics ("+" is a
// space), keeping every value. Unlike url.ParseQuery it names the parameter
// whose encoding is broken, and accepts ";" inside values. It decodes every
// pair it can, so the answer still uses the Format the client asked for,
// and returns the first broken one.
func addPairs(spec *Spec, into url.Values, raw string) (bad *apiError) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			bad = cmp.Or(bad, spec.gateway(codeInvalidParameter, k))
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			bad = cmp.Or(bad, spec.gateway(codeInvalidParameter, key))
			continue
		}
		into[key] = append(into[key], val)
	}
	return bad
}

func isForm(contentType string) bool {
	if contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
