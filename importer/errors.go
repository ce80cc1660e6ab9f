package importer

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// ErrorDef is one error code as the spec lists it.
type ErrorDef struct {
	Code    string
	Status  int
	Message string
}

// CommonErrors is x-acs-common-errors, copied from spec/cdn-2018-05-10.yaml
// (TestCommonErrorsMatchHandSpec keeps the two equal): the gateway errors
// every operation can get. The server requires the list in every spec it
// loads, so the generated spec can be loaded on its own.
var CommonErrors = []ErrorDef{
	{"MissingParameter", 400, `The input parameter "{name}" that is mandatory for processing this request is not supplied.`},
	{"InvalidParameter", 400, `The specified value of parameter "{name}" is not valid.`},
	{"InvalidParameter.Format", 400, "Specified parameter format is not valid."},
	{"InvalidVersion", 400, "Specified parameter Version is not valid."},
	{"InvalidAction.NotFound", 404, "Specified api is not found, please check your url and method."},
	{"UnsupportedHTTPMethod", 400, "This http method not supported."},
	{"Throttling.User", 400, "Request was denied due to user flow control."},
	{"InternalError", 500, "The request processing has failed due to some unknown error, exception or failure."},
	{"ServiceUnavailable", 503, "The request has failed due to a temporary failure of the server."},
	// Authentication, with --credentials (mock/internal/auth/verify.go).
	{"SignatureDoesNotMatch", 400, "Specified signature is not matched with our calculation."},
	{"IncompleteSignature", 400, "The request signature does not conform to Aliyun standards."},
	{"InvalidSignatureMethod", 400, "Specified signature method is not valid."},
	{"InvalidAccessKeyId.NotFound", 404, "Specified access key is not found."},
	{"InvalidAccessKeyId.Inactive", 400, "Specified access key is disabled."},
	{"InvalidTimeStamp.Expired", 400, "Specified time stamp or date value is expired."},
	{"InvalidTimeStamp.Format", 400, "Specified time stamp or date value is not well formatted."},
	{"SignatureNonceUsed", 400, "Specified signature nonce was used already."},
	{"Forbidden.RAM", 403, "User not authorized to operate on the specified resource, or this API doesn't support RAM."},
}

// errorCodes reads errorCodes, keyed by HTTP status: statuses in numeric
// order, codes in metadata order within each. Codes are trimmed; a code
// listed again is dropped (the first, i.e. lowest status, wins); code
// templates are not codes the API sends: one that names a parameter
// ("Invalid%s.Malformed", "MissingParameter%s") becomes one code per
// parameter of the operation (templateCodes), others are dropped; a code
// without a message gets its own code as message.
func (c *converter) errorCodes(m *value, params []*param) []ErrorDef {
	if m == nil || m.kind != kindObject {
		return nil
	}
	type group struct {
		status int
		list   *value
	}
	var groups []group
	for i, k := range m.keys {
		st, err := strconv.Atoi(strings.TrimSpace(k))
		if err != nil || st < 400 || st > 599 {
			c.note("error codes under status %q dropped: not an HTTP error status", k)
			continue
		}
		groups = append(groups, group{st, m.vals[i]})
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].status < groups[j].status })
	var defs, derived []ErrorDef // the codes as listed, then those made from templates
	for _, g := range groups {
		for _, e := range g.list.vals {
			d := ErrorDef{Code: strings.TrimSpace(e.get("errorCode").str()), Status: g.status, Message: strings.TrimSpace(e.get("errorMessage").str())}
			if strings.Contains(d.Code, "%") {
				derived = append(derived, c.templateCodes(d, params)...)
				continue
			}
			defs = append(defs, d)
		}
	}
	var out []ErrorDef
	for i, d := range append(defs, derived...) {
		fromTemplate := i >= len(defs) // a code the metadata also lists as such keeps its own entry
		{
			switch {
			case d.Code == "":
				c.note("an error code without a code under %d dropped", d.Status)
				continue
			case strings.HasPrefix(d.Code, "Mock."):
				c.note("error code %s dropped: Mock. codes are the mock's own", d.Code)
				continue
			}
			if d.Message == "" {
				d.Message = d.Code
				c.note("error code %s has no message; its code is used", d.Code)
			}
			if i := slices.IndexFunc(out, func(o ErrorDef) bool { return o.Code == d.Code }); i >= 0 {
				if out[i] != d && !fromTemplate {
					c.note("error code %s is listed again with status %d; the first (%d) is kept", d.Code, d.Status, out[i].Status)
				}
				continue
			}
			out = append(out, d)
		}
	}
	return out
}

// parameterTemplate matches the code templates whose %s is a parameter's
// name: Invalid%s.Malformed, Invalid%s.ValueNotSupported, MissingParameter%s.
var parameterTemplate = regexp.MustCompile(`^(Invalid|MissingParameter)%s(\.[A-Za-z]+)?$`)

// templateCodes turns a code template the metadata documents into the codes
// the API sends: one per parameter of the operation the template could
// name ("Invalid%s.ValueNotSupported" with FunctionNames gives
// InvalidFunctionNames.ValueNotSupported), its message naming the
// parameter where the template's message had %s. A template that names
// something else (%sServiceRisked: a product) is dropped.
func (c *converter) templateCodes(d ErrorDef, params []*param) []ErrorDef {
	if !parameterTemplate.MatchString(d.Code) || len(params) == 0 {
		c.note("error code %q dropped: a template whose %%s names no parameter, not a code the API sends", d.Code)
		return nil
	}
	out := make([]ErrorDef, 0, len(params))
	for _, p := range params {
		code := strings.Replace(d.Code, "%s", p.name, 1)
		msg := strings.ReplaceAll(d.Message, "%s", p.name)
		out = append(out, ErrorDef{Code: code, Status: d.Status, Message: msg})
	}
	c.note("error code template %q: one code per parameter (%d)", d.Code, len(out))
	return out
}
