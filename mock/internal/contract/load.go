// Loading a spec: parsing it with kin-openapi, checking each operation,
// and building what the server serves from.

package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// LoadOptions is what loading a spec is told rather than reaches for.
type LoadOptions struct {
	// RequireCommon: the spec must list the common errors the server
	// produces. A layer merged under another (the generated spec) need
	// not, since the layer on top supplies them.
	RequireCommon bool
	// Reports are the files an export task can serve: a create's
	// x-mock-state names one of them (report:).
	Reports []string
	// part: the document is one operation of a larger one (LoadIndexed):
	// a resource no operation of it creates is no mistake.
	part bool
}

// Load parses and checks an OpenAPI document in the mock's conventions
// (see the comment at the top of spec/cdn-2018-05-10.yaml). file names the
// document in problem reports.
func Load(file string, data []byte, opts LoadOptions) (*Spec, error) {
	var ps diag.Problems
	yf := diag.LazyYAML(file, data) // the line index, built only if a problem needs a line
	doc, err := loadOpenAPI(data)   // parsed and validated; a large one in parts, side by side: openapi.go
	if err != nil {
		if _, yerr := diag.ParseYAML(file, data); yerr != nil {
			ps.AddYAMLError(file, yerr)
			return nil, ps.Err()
		}
		ps.Add(file, 0, "", "not a valid OpenAPI document: %v", err)
		return nil, ps.Err()
	}

	s := &Spec{Doc: doc, Src: yf, ops: map[string]*Operation{}, Common: map[string]ErrorDef{}}
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

	if err := DecodeExtension(doc.Extensions, "x-mock-read-only", &s.ReadOnlyPrefixes); err != nil {
		ps.Add(file, yf.Line("/x-mock-read-only"), "x-mock-read-only", "must list Action prefixes, e.g. [Describe, List]: %v", err)
	}
	var secret []string
	if err := DecodeExtension(doc.Extensions, "x-mock-secret-parameters", &secret); err != nil {
		ps.Add(file, yf.Line("/x-mock-secret-parameters"), "x-mock-secret-parameters", "must list parameter names, e.g. [SSLPri]: %v", err)
	}
	for _, name := range secret {
		if s.SecretParams == nil {
			s.SecretParams = map[string]bool{}
		}
		s.SecretParams[name] = true
	}
	var common []ErrorDef
	if err := DecodeExtension(doc.Extensions, "x-acs-common-errors", &common); err != nil {
		ps.Add(file, yf.Line("/x-acs-common-errors"), "x-acs-common-errors", "%v", err)
	}
	for i, d := range common {
		ptr := fmt.Sprintf("/x-acs-common-errors/%d", i)
		if msg := checkErrorDef(d); msg != "" {
			ps.Add(file, yf.Line(ptr), diag.FieldName(ptr), "%s", msg)
			continue
		}
		if _, dup := s.Common[d.Code]; dup {
			ps.Add(file, yf.Line(ptr), diag.FieldName(ptr), "code %s is listed twice", d.Code)
			continue
		}
		s.Common[d.Code] = d
		s.CommonCodes = append(s.CommonCodes, d.Code)
	}
	for _, c := range requiredCommonErrors {
		if _, ok := s.Common[c]; !ok && opts.RequireCommon {
			ps.Add(file, yf.Line("/x-acs-common-errors"), "x-acs-common-errors", "must list %s: the server produces it", c)
		}
	}

	loadResources(s, doc.Extensions, &ps) // x-mock-resources, x-mock-quotas (resources.go)
	methods := map[string]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, o := range item.Operations() {
			ptr := "/paths/" + diag.EscapePointer(path) + "/" + strings.ToLower(method)
			op := loadOperation(s, yf, ptr, &ps, doc, opts.Reports, path, item, method, o)
			if op == nil {
				continue
			}
			if _, dup := s.ops[op.Name]; dup {
				ps.Add(file, yf.Line(ptr+"/operationId"), diag.FieldName(ptr+"/operationId"), "operation %s is defined twice", op.Name)
				continue
			}
			s.ops[op.Name] = op
			s.Names = append(s.Names, op.Name)
			for _, m := range op.Methods {
				methods[m] = true
			}
		}
	}
	if len(s.ops) == 0 && len(ps) == 0 {
		ps.Add(file, 0, "paths", "defines no operation")
	}
	sort.Strings(s.Names)
	if len(s.Resources) > 0 {
		// With problems already found, a resource's create may be among the
		// operations refused: "no operation creates it" would be noise.
		sampleResources(s, opts.part || len(ps) > 0, &ps) // resources.go
	}
	for m := range methods {
		s.AllMethods = append(s.AllMethods, m)
	}
	sort.Strings(s.AllMethods)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	dropReadExtensions(doc)
	return s, nil
}

// dropReadExtensions forgets the extensions of the document, its paths and
// operations: Load has read them into the Spec, and nothing reads them
// after (openapi3filter never does), while the document lives as long as
// the server does (its routes). A schema's are kept: fixtures read them at
// each reload.
func dropReadExtensions(doc *openapi3.T) {
	doc.Extensions = nil
	for _, item := range doc.Paths.Map() {
		item.Extensions = nil
		for _, o := range item.Operations() {
			o.Extensions = nil
		}
	}
}

func loadOperation(s *Spec, yf *diag.YAMLFile, ptr string, ps *diag.Problems, doc *openapi3.T, reports []string,
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
		Name:  o.OperationID,
		route: &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: o},
	}

	op.Methods = []string{method}
	if raw, ok := o.Extensions["x-acs-methods"]; ok {
		var ms []string
		if err := DecodeExtension(o.Extensions, "x-acs-methods", &ms); err != nil || len(ms) == 0 {
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
	if raw, ok := o.Extensions["x-acs-operation-type"]; ok {
		if err := DecodeExtension(o.Extensions, "x-acs-operation-type", &op.Type); err != nil || (op.Type != OperationRead && op.Type != OperationWrite) {
			problem("/x-acs-operation-type", "must be read or write, not %v", raw)
		}
	}
	if raw, ok := o.Extensions["x-acs-rate-limit"]; ok {
		if err := DecodeExtension(o.Extensions, "x-acs-rate-limit", &op.RateLimit); err != nil || op.RateLimit <= 0 {
			problem("/x-acs-rate-limit", "must be a positive number of calls per second, not %v", raw)
		}
	}

	var defs []ErrorDef
	if err := DecodeExtension(o.Extensions, "x-acs-errors", &defs); err != nil {
		problem("/x-acs-errors", "%v", err)
	}
	for i, d := range defs {
		sub := fmt.Sprintf("/x-acs-errors/%d", i)
		if msg := checkErrorDef(d); msg != "" {
			problem(sub, "%s", msg)
			continue
		}
		if _, dup := op.Documents(d.Code); dup {
			problem(sub, "code %s is listed twice", d.Code)
			continue
		}
		op.errs = append(op.errs, d)
	}
	knownCode := func(code string) bool {
		_, ok := s.ErrorDef(op, code)
		return ok
	}

	var folded []string // the x-mock-fold parameters' pointers
	for i, ref := range o.Parameters {
		p := ref.Value
		sub := fmt.Sprintf("/parameters/%d", i)
		if p.In != openapi3.ParameterInQuery {
			problem(sub+"/in", "RPC parameters are query parameters (they may arrive in a form body too), not %q", p.In)
			continue
		}
		param := &Param{Name: p.Name, Required: p.Required}
		param.List = parseRepeatList(p, func(format string, args ...any) { problem(sub, format, args...) })
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
		if err := DecodeExtension(p.Extensions, "x-mock-errors", &codes); err != nil {
			problem(sub+"/x-mock-errors", "%v", err)
		}
		for _, c := range []struct{ key, code string }{{"missing", codes.Missing}, {"invalid", codes.Invalid}} {
			if c.code != "" && !knownCode(c.code) {
				problem(sub+"/x-mock-errors/"+c.key, "%s is not documented for %s (x-acs-errors) nor common (x-acs-common-errors)", c.code, op.Name)
			}
		}
		param.missing, param.invalid = codes.Missing, codes.Invalid
		if raw, ok := p.Extensions["x-mock-fold"]; ok {
			if raw != "lower" {
				problem(sub+"/x-mock-fold", "lower is the one fold (state sees the value lower-cased), not %v", raw)
			}
			param.fold = true
			folded = append(folded, sub+"/x-mock-fold")
		}
		if param.Default != "" {
			param.defaults = []string{param.Default}
		}
		op.Params = append(op.Params, param)
	}

	var rawRules []map[string]any
	if err := DecodeExtension(o.Extensions, "x-mock-rules", &rawRules); err != nil {
		problem("/x-mock-rules", "%v", err)
	}
	for i, raw := range rawRules {
		sub := fmt.Sprintf("/x-mock-rules/%d", i)
		r, err := parseRule(raw, op)
		if err != nil {
			problem(sub, "%v", err)
			continue
		}
		if bad := unknownRuleCodes(r, knownCode); len(bad) > 0 {
			problem(sub+"/error", "%s is not documented for %s (x-acs-errors) nor common (x-acs-common-errors)", strings.Join(bad, ", "), op.Name)
			continue
		}
		op.rules = append(op.rules, r)
	}
	op.State = parseTaskHook(o.Extensions, op, knownCode, reports, problem)
	op.Resource = parseStateHook(s, o.Extensions, op, knownCode, problem)
	if _, stateful := o.Extensions["x-mock-state"]; !stateful || op.State != nil {
		for _, sub := range folded { // only a resource's state sees folded values
			problem(sub, "%s keeps no resource state (x-mock-state with resource:): the fold would change nothing", op.Name)
		}
	}
	op.route = routeWithoutLists(op) // repeat lists are checked by the mock, not kin-openapi (lists.go)

	op.Response = successSchema(o)
	if op.Response == nil {
		problem("/responses", "needs a \"200\" response with an application/json schema")
	}
	parseListShape(o, op, problem) // x-mock-page, x-mock-echo (listshape.go)
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

// DecodeExtension decodes an x- extension into a typed value, strictly.
// An absent extension leaves into unchanged.
func DecodeExtension(ext map[string]any, key string, into any) error {
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
