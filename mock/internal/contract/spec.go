package contract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
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

	Doc         *openapi3.T
	Common      map[string]ErrorDef   // the common (gateway) errors, by code
	CommonCodes []string              // their codes, in spec order
	ops         map[string]*Operation // by name: Operation, Summary
	Names       []string              // operation names, sorted
	AllMethods  []string              // union of every operation's methods
	// ReadOnlyPrefixes (x-mock-read-only) are the Action prefixes of the
	// operations that change nothing, for an operation without
	// x-acs-operation-type (ReadOnly).
	ReadOnlyPrefixes []string
	// SecretParams (x-mock-secret-parameters) are the parameters whose
	// values are secrets (a TLS private key): the journal and recordings
	// keep only SecretDigest of them.
	SecretParams map[string]bool
	Src          *diag.YAMLFile // the file, for problems' lines (parsed only when asked)

	indexed bool                                   // made from an index (lazy.go)
	onLoad  atomic.Pointer[func(*Operation) error] // an indexed spec's: runs as each operation loads
	kept    struct {                               // Kept's
		once sync.Once
		v    any
	}

	Resources map[string]*Resource // x-mock-resources (resources.go)
	Quotas    map[string]*Quota    // x-mock-quotas
}

// Operation is one Action of the API.
type Operation struct {
	Name      string
	Methods   []string // upper case
	RateLimit int      // documented calls per second per account, 0 when none
	// Type is x-acs-operation-type, the metadata's operationType: "read"
	// (changes nothing) or "write"; "" when the spec does not say.
	Type   string
	Params []*Param // in spec order

	ErrorDefs map[string]ErrorDef // documented codes
	Codes     []string            // documented codes in spec order
	State     *TaskHook           // x-mock-state: what it does to tasks (taskstate.go; what it does: package tasks)
	Resource  *StateHook          // x-mock-state: what it does to a resource (statehook.go; package resources)
	Response  *openapi3.Schema    // the 200 JSON body
	Pages     []PagedList         // x-mock-page: the stateless lists a fixture pages (listshape.go)
	Echo      []EchoField         // x-mock-echo: response fields that echo the request, by path

	rules      []rule
	quickCheck atomic.Pointer[quickCheck] // built on first use: paramcheck.go
	route      *routers.Route
	lazy       *lazyOp // an indexed spec's operation, loaded on first use (lazy.go)
}

// Param is one request parameter with the codes its failed checks map to.
type Param struct {
	Name     string
	Required bool
	Default  string
	Example  string
	defaults []string    // []string{Default}, made at load (defaultValues)
	missing  string      // code when absent; "" means MissingParameter
	invalid  string      // code when it breaks its schema; "" means InvalidParameter
	fold     bool        // x-mock-fold: lower: state sees the value lower-cased (case-insensitive names)
	List     *RepeatList // x-acs-style: repeatList, sent as Name.N or Name.N.Field (lists.go)
}

// ReadOnly tells whether op changes nothing: its x-acs-operation-type
// (read), else, when the spec does not say, its name's prefix
// (x-mock-read-only): Describe*, List*, Check*...
func (s *Spec) ReadOnly(op *Operation) bool {
	switch op.Type {
	case OperationRead:
		return true
	case OperationWrite:
		return false
	}
	for _, p := range s.ReadOnlyPrefixes {
		if strings.HasPrefix(op.Name, p) {
			return true
		}
	}
	return false
}

// The values of x-acs-operation-type.
const (
	OperationRead  = "read"
	OperationWrite = "write"
)

// SecretDigest is what the journal and recordings keep of a secret
// parameter's value: equal values stay equal (recordings still match),
// the value never shows.
func SecretDigest(v string) string {
	sum := sha256.Sum256([]byte(v))
	return "<redacted:sha256:" + hex.EncodeToString(sum[:4]) + ">"
}

// secretParamProblems names each secret parameter no operation has: a
// typo would leave a private key in clear. Checked on the layers merged
// (Merge): a hand-written spec served alone may lack those operations.
func (s *Spec) secretParamProblems() diag.Problems {
	var unknown []string
	for name := range s.SecretParams {
		found := false
		for _, op := range s.ops {
			for _, p := range op.Params {
				found = found || p.Name == name
			}
		}
		if !found {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	var ps diag.Problems
	for _, name := range unknown {
		ps.Add(s.Src.Name, s.Src.Line("/x-mock-secret-parameters"), "x-mock-secret-parameters", "%s is no operation's parameter", name)
	}
	return ps
}

// Kept returns what is kept with the spec, made by mk on the first call:
// what is built from a spec shared by servers (the generated layer's
// compiled fixtures) lives exactly as long as the spec. Kept apart, in a
// cache of its own, it could be dropped while the spec is kept, and an
// indexed spec's OnLoad would then point at what no server uses.
func (s *Spec) Kept(mk func() any) any {
	s.kept.once.Do(func() { s.kept.v = mk() })
	return s.kept.v
}

// Operation returns the named operation loaded in full (Operation.Full),
// or nil when the spec has none or it cannot be loaded (LoadOperation says
// why). What only routes or lists operations, and must not load one of an
// indexed spec, uses Summary.
func (s *Spec) Operation(name string) *Operation {
	op, _ := s.LoadOperation(name)
	return op
}

// LoadOperation returns the named operation loaded in full, or why it
// cannot be loaded; nil and no error when the spec has no such operation.
func (s *Spec) LoadOperation(name string) (*Operation, error) {
	op := s.ops[name]
	if op == nil {
		return nil, nil
	}
	return op.Full()
}

// Summary returns the named operation, or nil, without loading it: for an
// indexed spec's operation not called yet, only what the index says (Name,
// Methods, RateLimit, State, the errors, and the parameters' Name,
// Required and Default), enough to route a call, list it and build the
// built-in scenarios. Anything that checks a call, renders a fixture or
// reads a schema needs Operation.
func (s *Spec) Summary(name string) *Operation { return s.ops[name] }

// OperationNames lists every operation, sorted.
func (s *Spec) OperationNames() []string { return s.Names }

// CommonErrors lists the gateway errors every operation can get, in spec order.
func (s *Spec) CommonErrors() []ErrorDef {
	out := make([]ErrorDef, len(s.CommonCodes))
	for i, c := range s.CommonCodes {
		out[i] = s.Common[c]
	}
	return out
}

// Errors lists the operation's documented errors, in spec order.
func (op *Operation) Errors() []ErrorDef {
	out := make([]ErrorDef, len(op.Codes))
	for i, c := range op.Codes {
		out[i] = op.ErrorDefs[c]
	}
	return out
}

// ErrorDef finds a code documented for the operation or common to all.
func (s *Spec) ErrorDef(op *Operation, code string) (ErrorDef, bool) {
	if op != nil {
		if d, ok := op.ErrorDefs[code]; ok {
			return d, true
		}
	}
	d, ok := s.Common[code]
	return d, ok
}

// Gateway returns one of the common errors the server produces, with the
// parameter concerned in its message. New checked that the spec lists them.
func (s *Spec) Gateway(code, name string) *APIError {
	return s.Common[code].WithName(name)
}

// Subject names the parameter a forced generic error (MissingParameter,
// InvalidParameter) speaks of: the first required parameter, else the first.
func (op *Operation) Subject() string {
	for _, p := range op.Params {
		if p.Required {
			return p.Name
		}
	}
	if len(op.Params) > 0 {
		return op.Params[0].Name
	}
	return ParamAction
}

// HasParam reports whether the operation declares the parameter name, or
// name is an item of one of its repeat lists (Tag.1.Key).
func (op *Operation) HasParam(name string) bool {
	for _, p := range op.Params {
		if p.Name == name {
			return true
		}
	}
	return op.isListWire(name) // Tag.1.Key of a repeat list (lists.go)
}

// ParamNames lists the operation's parameters, in the spec's order.
func (op *Operation) ParamNames() []string {
	names := make([]string, len(op.Params))
	for i, p := range op.Params {
		names[i] = p.Name
	}
	return names
}

// Allows reports whether the operation accepts the HTTP method.
func (op *Operation) Allows(method string) bool {
	for _, m := range op.Methods {
		if m == method {
			return true
		}
	}
	return false
}

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
	return s, nil
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
		Name:      o.OperationID,
		ErrorDefs: map[string]ErrorDef{},
		route:     &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: o},
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
		if _, dup := op.ErrorDefs[d.Code]; dup {
			problem(sub, "code %s is listed twice", d.Code)
			continue
		}
		op.ErrorDefs[d.Code] = d
		op.Codes = append(op.Codes, d.Code)
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

// ParamAction is the protocol parameter that names the operation.
const ParamAction = "Action"

// MaxAccessKeyIDBytes bounds an access key id (the AccessKeyId parameter or
// the ACS3 Credential), which keys state kept across calls: throttle
// buckets, step counts, tasks, bindings. Real ids are 24 to 30 characters;
// a longer one is unknown by definition and refused before any of that
// state is touched.
const MaxAccessKeyIDBytes = 128

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
