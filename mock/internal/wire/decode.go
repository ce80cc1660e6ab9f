package wire

import (
	"cmp"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// Call is one decoded RPC request: which Action, who calls, and with what.
// A decoded Call is not copied: its parameters are a pooled set that
// Release gives back, and two copies would give it back twice, for two
// later calls to share (go vet's copylocks check reports the usual copies:
// noCopy).
type Call struct {
	_ noCopy // first: a zero-size last field would be padded

	Method      string
	Action      string
	Version     string
	AccessKeyID string
	Format      string     // the answer's format: "JSON" or "XML"
	ACS3        bool       // signed with ACS3-HMAC-SHA256: Algorithm is ACS3Algorithm
	Algorithm   string     // the Authorization header's algorithm, its first word; "" without one
	Params      url.Values // query and form body merged, decoded; common parameters included
	Body        []byte     // the body's exact bytes when read (a form body), for the ACS3 payload hash (package auth, signature.go)
	Account     string     // with credentials, the verified key's account (package auth, verify.go); "" otherwise

	bodyRead bool               // WholeBody has read the body (into Body), or failed to (bodyErr)
	bodyErr  *contract.APIError // why reading the body failed
	held     *paramSet          // where Params came from: the pool's, until Release (params.go)
}

// Names of the RPC protocol's own parameters and headers.
const (
	ParamAction      = contract.ParamAction
	ParamVersion     = "Version"
	ParamFormat      = "Format"
	ParamAccessKeyID = "AccessKeyId"

	HeaderAction        = "X-Acs-Action" // canonical, as http.Header keys are: Get then need not allocate
	HeaderVersion       = "X-Acs-Version"
	HeaderAuthorization = "Authorization"

	FormatJSON = "JSON"
	FormatXML  = "XML"

	// HeaderRequestID carries the RequestId of every answer, as Alibaba does.
	HeaderRequestID = "x-acs-request-id"
	ContentTypeJSON = "application/json;charset=utf-8"
	ContentTypeXML  = "text/xml;charset=utf-8"
)

// Decode reads into c, a zero Call, the RPC envelope as real clients send
// it: parameters from the query string and from a form body, merged and
// decoded; Action and Version from the parameters or from the ACS3
// x-acs-* headers. It always sets c.Format, so even a failed decode is
// answered in the format the client expects. Missing Action or Version
// are not decode errors: the caller checks them against the spec.
//
// The parameters are decoded into a set from a pool: once nothing reads
// them any more, Release gives it back for the next call. The caller holds
// the Call itself (the server, in its per-request state on the stack).
func (c *Call) Decode(r *http.Request, spec *contract.Spec, maxBody int64) *contract.APIError {
	c.Method = r.Method
	var body string
	var tooLarge *contract.APIError
	if IsForm(r.Header.Get("Content-Type")) {
		var b []byte
		if b, tooLarge = c.WholeBody(r, maxBody); tooLarge == nil {
			body = string(b)
		}
	}

	// One map for the pairs of the query and the body, and one backing
	// array for their first values (pairs), sized for them when the pool
	// has no set: a slice each, or a map that grows, would be an
	// allocation each.
	n := min(countPairs(r.URL.RawQuery)+countPairs(body), 64) // a guess, bounded: empty pairs cost nothing
	p := c.takeParams(n)
	bad := p.add(spec, r.URL.RawQuery)
	if err := p.add(spec, body); bad == nil {
		bad = err
	}
	c.held.firsts = p.firsts // grown by add, kept for the next call

	c.Action = cmp.Or(c.Params.Get(ParamAction), r.Header.Get(HeaderAction))
	c.Version = cmp.Or(c.Params.Get(ParamVersion), r.Header.Get(HeaderVersion))
	acs3, _ := ParseACS3Authorization(r.Header.Get(HeaderAuthorization)) // authorization.go
	c.Algorithm, c.ACS3 = acs3.Algorithm, acs3.Algorithm == ACS3Algorithm
	// A copy: the key outlives the request in per-key state (throttle
	// buckets, sequences, tasks), and a substring would pin the whole body.
	c.AccessKeyID = strings.Clone(cmp.Or(c.Params.Get(ParamAccessKeyID), acs3.Credential))

	var formatErr bool
	switch f := c.Params.Get(ParamFormat); {
	case strings.EqualFold(f, FormatJSON):
		c.Format = FormatJSON
	case strings.EqualFold(f, FormatXML):
		c.Format = FormatXML
	default:
		formatErr = f != ""
		c.Format = FormatXML
		if c.ACS3 || strings.Contains(strings.ToLower(r.Header.Get("Accept")), "application/json") {
			c.Format = FormatJSON
		}
	}

	switch {
	case tooLarge != nil:
		return tooLarge
	case bad != nil:
		return bad
	case formatErr:
		return spec.Gateway(contract.CodeInvalidFormat, ParamFormat)
	}
	return nil
}

// pairs decodes parameters into a url.Values. A parameter's first value is
// a one-element slice of firsts, capped so that a second value appends to a
// copy of its own.
type pairs struct {
	into   url.Values
	firsts []string
}

// add decodes a query string or form body with form semantics ("+" is a
// space), keeping every value. Unlike url.ParseQuery it names the parameter
// whose encoding is broken, and accepts ";" inside values. It decodes every
// pair it can, so the answer still uses the Format the client asked for,
// and returns the first broken one.
func (p *pairs) add(spec *contract.Spec, raw string) (bad *contract.APIError) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			bad = cmp.Or(bad, spec.Gateway(contract.CodeInvalidParameter, k))
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			bad = cmp.Or(bad, spec.Gateway(contract.CodeInvalidParameter, key))
			continue
		}
		if vs, ok := p.into[key]; ok {
			p.into[key] = append(vs, val)
			continue
		}
		p.firsts = append(p.firsts, val)
		i := len(p.firsts) - 1
		p.into[key] = p.firsts[i : i+1 : i+1]
	}
	return bad
}

// countPairs is how many pairs a query string or form body has, empty
// ones included.
func countPairs(raw string) int {
	if raw == "" {
		return 0
	}
	return strings.Count(raw, "&") + 1
}

// Pair is one parameter of a query string or form body, decoded.
type Pair struct{ Key, Value string }

// Pairs decodes a query string or form body in order, with form semantics,
// for what re-reads a call Decode has accepted (the ACS3 canonical query,
// the proxy's forward). Unlike add it keeps a broken escape as sent instead
// of naming it: Decode answered those already.
func Pairs(raw string) []Pair {
	var out []Pair
	for raw != "" {
		var p string
		p, raw, _ = strings.Cut(raw, "&")
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		out = append(out, Pair{k, v})
	}
	return out
}

// IsForm tells whether a Content-Type is a form body, whose parameters
// count as the query's.
func IsForm(contentType string) bool {
	if contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// Caller is the account the call's access key belongs to: with
// credentials, the key's account (default its id); without, the access key id.
func (c *Call) Caller() string { return cmp.Or(c.Account, c.AccessKeyID) }
