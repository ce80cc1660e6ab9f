package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// Spec is a loaded and checked API description: everything the server knows
// about the API comes from here.
type Spec struct {
	Product string // x-acs-product, e.g. "Cdn"
	Version string // info.version, e.g. "2018-05-10"
	HostID  string // x-acs-host-id, the HostId of error bodies

	doc         *openapi3.T
	common      map[string]ErrorDef
	commonCodes []string
	ops         map[string]*Operation
	names       []string       // operation names, sorted
	methods     []string       // union of every operation's methods
	src         *diag.YAMLFile // the file, for problems' lines (parsed only when asked: yaml.go)
}

// Operation is one Action of the API.
type Operation struct {
	Name      string
	Methods   []string // upper case
	RateLimit int      // documented calls per second per account, 0 when none
	Params    []*Param // in spec order

	errors     map[string]ErrorDef // documented codes
	codes      []string            // documented codes in spec order
	rules      []rule
	state      *taskHook                  // x-mock-state: what it does to tasks (taskhook.go)
	response   *openapi3.Schema           // the 200 JSON body
	quickCheck atomic.Pointer[quickCheck] // built on first use: paramcheck.go
	route      *routers.Route
}

// Param is one request parameter with the codes its failed checks map to.
type Param struct {
	Name     string
	Required bool
	Default  string
	Example  string
	missing  string      // code when absent; "" means MissingParameter
	invalid  string      // code when it breaks its schema; "" means InvalidParameter
	list     *repeatList // x-acs-style: repeatList, sent as Name.N or Name.N.Field (lists.go)
}

// Operation returns the named operation, or nil.
func (s *Spec) Operation(name string) *Operation { return s.ops[name] }

// OperationNames lists every operation, sorted.
func (s *Spec) OperationNames() []string { return s.names }

// CommonErrors lists the gateway errors every operation can get, in spec order.
func (s *Spec) CommonErrors() []ErrorDef {
	out := make([]ErrorDef, len(s.commonCodes))
	for i, c := range s.commonCodes {
		out[i] = s.common[c]
	}
	return out
}

// Errors lists the operation's documented errors, in spec order.
func (op *Operation) Errors() []ErrorDef {
	out := make([]ErrorDef, len(op.codes))
	for i, c := range op.codes {
		out[i] = op.errors[c]
	}
	return out
}

// errorDef finds a code documented for the operation or common to all.
func (s *Spec) errorDef(op *Operation, code string) (ErrorDef, bool) {
	if op != nil {
		if d, ok := op.errors[code]; ok {
			return d, true
		}
	}
	d, ok := s.common[code]
	return d, ok
}

// gateway returns one of the common errors the server produces, with the
// parameter concerned in its message. New checked that the spec lists them.
func (s *Spec) gateway(code, name string) *apiError {
	return s.common[code].withName(name)
}

// subject names the parameter a forced generic error (MissingParameter,
// InvalidParameter) speaks of: the first required parameter, else the first.
func (op *Operation) subject() string {
	for _, p := range op.Params {
		if p.Required {
			return p.Name
		}
	}
	if len(op.Params) > 0 {
		return op.Params[0].Name
	}
	return paramAction
}

func (op *Operation) hasParam(name string) bool {
	for _, p := range op.Params {
		if p.Name == name {
			return true
		}
	}
	return op.isListWire(name) // Tag.1.Key of a repeat list (lists.go)
}

func (op *Operation) paramNames() []string {
	names := make([]string, len(op.Params))
	for i, p := range op.Params {
		names[i] = p.Name
	}
	return names
}

func (op *Operation) allows(method string) bool {
	for _, m := range op.Methods {
		if m == method {
			return true
		}
	}
	return false
}

// LoadSpec parses and checks an OpenAPI document in the mock's conventions
// (see the comment at the top of spec/cdn-2018-05-10.yaml). file names the
// document in problem reports.
func LoadSpec(file string, data []byte) (*Spec, error) {
	return loadSpec(file, data, specOptions{requireCommon: true, reports: reportNames()})
}

// specOptions is what loading a spec is told rather than reaches for.
type specOptions struct {
	// requireCommon: the spec must list the common errors the server
	// produces. A layer merged under another (the generated spec, layers.go)
	// need not, since the layer on top supplies them.
	requireCommon bool
	// reports are the files an export task can serve: a create's
	// x-mock-state names one of them (report:).
	reports []string
}

// loadSpec is LoadSpec with its options.
func loadSpec(file string, data []byte, opts specOptions) (*Spec, error) {
	var ps Problems
	yf := diag.LazyYAML(file, data) // the line index, built only if a problem needs a line
	doc, err := loadOpenAPI(data)   // parsed and validated; a large one in parts, side by side: openapi.go
	if err != nil {
		if _, yerr := diag.ParseYAML(file, data); yerr != nil {
			ps.Add(file, 0, "", "not valid YAML: %v", yerr)
			return nil, ps.Err()
		}
		ps.Add(file, 0, "", "not a valid OpenAPI document: %v", err)
		return nil, ps.Err()
	}

	s := &Spec{doc: doc, src: yf, ops: map[string]*Operation{}, common: map[string]ErrorDef{}}
	if doc.Info != nil {
		s.Version = doc.Info.Version
	}
	s.Product, _ = doc.Extensions["x-acs-product"].(string)
	s.HostID, _ = doc.Extensions["x-acs-host-id"].(string)
	if s.Product == "" {
		ps.Add(file, yf.Line("/x-acs-product"), "x-acs-product", "must name the product, e.g. Cdn")
	}
	if s.HostID == "" {
		ps.Add(file, yf.Line("/x-acs-host-id"), "x-acs-host-id", "must give the HostId of error bodies, e.g. cdn.aliyuncs.com")
	}

	var common []ErrorDef
	if err := decodeExtension(doc.Extensions, "x-acs-common-errors", &common); err != nil {
		ps.Add(file, yf.Line("/x-acs-common-errors"), "x-acs-common-errors", "%v", err)
	}
	for i, d := range common {
		ptr := fmt.Sprintf("/x-acs-common-errors/%d", i)
		if msg := checkErrorDef(d); msg != "" {
			ps.Add(file, yf.Line(ptr), diag.FieldName(ptr), "%s", msg)
			continue
		}
		if _, dup := s.common[d.Code]; dup {
			ps.Add(file, yf.Line(ptr), diag.FieldName(ptr), "code %s is listed twice", d.Code)
			continue
		}
		s.common[d.Code] = d
		s.commonCodes = append(s.commonCodes, d.Code)
	}
	for _, c := range requiredCommonErrors {
		if _, ok := s.common[c]; !ok && opts.requireCommon {
			ps.Add(file, yf.Line("/x-acs-common-errors"), "x-acs-common-errors", "must list %s: the server produces it", c)
		}
	}

	methods := map[string]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, o := range item.Operations() {
			ptr := "/paths/" + diag.EscapePointer(path) + "/" + strings.ToLower(method)
			op := loadOperation(s, yf, ptr, &ps, doc, opts.reports, path, item, method, o)
			if op == nil {
				continue
			}
			if _, dup := s.ops[op.Name]; dup {
				ps.Add(file, yf.Line(ptr+"/operationId"), diag.FieldName(ptr+"/operationId"), "operation %s is defined twice", op.Name)
				continue
			}
			s.ops[op.Name] = op
			s.names = append(s.names, op.Name)
			for _, m := range op.Methods {
				methods[m] = true
			}
		}
	}
	if len(s.ops) == 0 && len(ps) == 0 {
		ps.Add(file, 0, "paths", "defines no operation")
	}
	sort.Strings(s.names)
	for m := range methods {
		s.methods = append(s.methods, m)
	}
	sort.Strings(s.methods)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

func loadOperation(s *Spec, yf *diag.YAMLFile, ptr string, ps *Problems, doc *openapi3.T, reports []string,
	path string, item *openapi3.PathItem, method string, o *openapi3.Operation) *Operation {
	file := yf.Name
	problem := func(sub, format string, args ...any) {
		ps.Add(file, yf.Line(ptr+sub), diag.FieldName(ptr+sub), format, args...)
	}
	if o.OperationID == "" {
		problem("", "needs an operationId: the Action it answers")
		return nil
	}
	op := &Operation{
		Name:   o.OperationID,
		errors: map[string]ErrorDef{},
		route:  &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: o},
	}

	op.Methods = []string{method}
	if raw, ok := o.Extensions["x-acs-methods"]; ok {
		var ms []string
		if err := decodeExtension(o.Extensions, "x-acs-methods", &ms); err != nil || len(ms) == 0 {
			problem("/x-acs-methods", "must be a list of HTTP methods, e.g. [GET, POST], not %v", raw)
		} else {
			op.Methods = op.Methods[:0]
			for _, m := range ms {
				m = strings.ToUpper(m)
				if m != http.MethodGet && m != http.MethodPost {
					problem("/x-acs-methods", "%s: RPC APIs are called with GET or POST", m)
					continue
				}
				op.Methods = append(op.Methods, m)
			}
		}
	}
	if raw, ok := o.Extensions["x-acs-rate-limit"]; ok {
		if err := decodeExtension(o.Extensions, "x-acs-rate-limit", &op.RateLimit); err != nil || op.RateLimit <= 0 {
			problem("/x-acs-rate-limit", "must be a positive number of calls per second, not %v", raw)
		}
	}

	var defs []ErrorDef
	if err := decodeExtension(o.Extensions, "x-acs-errors", &defs); err != nil {
		problem("/x-acs-errors", "%v", err)
	}
	for i, d := range defs {
		sub := fmt.Sprintf("/x-acs-errors/%d", i)
		if msg := checkErrorDef(d); msg != "" {
			problem(sub, "%s", msg)
			continue
		}
		if _, dup := op.errors[d.Code]; dup {
			problem(sub, "code %s is listed twice", d.Code)
			continue
		}
		op.errors[d.Code] = d
		op.codes = append(op.codes, d.Code)
	}
	knownCode := func(code string) bool {
		_, ok := s.errorDef(op, code)
		return ok
	}

	for i, ref := range o.Parameters {
		p := ref.Value
		sub := fmt.Sprintf("/parameters/%d", i)
		if p.In != openapi3.ParameterInQuery {
			problem(sub+"/in", "RPC parameters are query parameters (they may arrive in a form body too), not %q", p.In)
			continue
		}
		param := &Param{Name: p.Name, Required: p.Required}
		param.list = parseRepeatList(p, func(format string, args ...any) { problem(sub, format, args...) })
		if p.Schema != nil && p.Schema.Value != nil {
			if d := p.Schema.Value.Default; d != nil {
				param.Default = fmt.Sprint(d)
			}
			if e := p.Schema.Value.Example; e != nil {
				param.Example = fmt.Sprint(e)
			}
		}
		var codes struct {
			Missing string `json:"missing"`
			Invalid string `json:"invalid"`
		}
		if err := decodeExtension(p.Extensions, "x-mock-errors", &codes); err != nil {
			problem(sub+"/x-mock-errors", "%v", err)
		}
		for _, c := range []struct{ key, code string }{{"missing", codes.Missing}, {"invalid", codes.Invalid}} {
			if c.code != "" && !knownCode(c.code) {
				problem(sub+"/x-mock-errors/"+c.key, "%s is not documented for %s (x-acs-errors) nor common (x-acs-common-errors)", c.code, op.Name)
			}
		}
		param.missing, param.invalid = codes.Missing, codes.Invalid
		op.Params = append(op.Params, param)
	}

	var rawRules []map[string]any
	if err := decodeExtension(o.Extensions, "x-mock-rules", &rawRules); err != nil {
		problem("/x-mock-rules", "%v", err)
	}
	for i, raw := range rawRules {
		sub := fmt.Sprintf("/x-mock-rules/%d", i)
		r, err := parseRule(raw, op)
		if err != nil {
			problem(sub, "%v", err)
			continue
		}
		if code := r.code(); !knownCode(code) {
			problem(sub+"/error", "%s is not documented for %s (x-acs-errors) nor common (x-acs-common-errors)", code, op.Name)
			continue
		}
		op.rules = append(op.rules, r)
	}
	op.state = parseTaskHook(o.Extensions, op, knownCode, reports, problem)
	op.route = routeWithoutLists(op) // repeat lists are checked by the mock, not kin-openapi (lists.go)

	op.response = successSchema(o)
	if op.response == nil {
		problem("/responses", "needs a \"200\" response with an application/json schema")
	}
	return op
}

func successSchema(o *openapi3.Operation) *openapi3.Schema {
	r := o.Responses.Value("200")
	if r == nil || r.Value == nil {
		return nil
	}
	mt := r.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

func checkErrorDef(d ErrorDef) string {
	switch {
	case d.Code == "":
		return "needs a code"
	case strings.HasPrefix(d.Code, "Mock."):
		return fmt.Sprintf("code %s: codes starting with Mock. are reserved for the mock's own errors", d.Code)
	case d.Status < 400 || d.Status > 599:
		return fmt.Sprintf("code %s: status must be an HTTP error status (400-599), not %d", d.Code, d.Status)
	case d.Message == "":
		return fmt.Sprintf("code %s: needs a message", d.Code)
	}
	return ""
}

// decodeExtension decodes an x- extension into a typed value, strictly.
// An absent extension leaves into unchanged.
func decodeExtension(ext map[string]any, key string, into any) error {
	raw, ok := ext[key]
	if !ok {
		return nil
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("malformed: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}
