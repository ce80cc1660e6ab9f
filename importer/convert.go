// Package importer turns Alibaba Cloud API metadata (the api-docs.json that
// https://api.aliyun.com/meta/v1/products/<Product>/versions/<Version>/api-docs.json
// serves for every RPC product) into the mock's data: an OpenAPI 3.0 spec in
// the conventions of spec/cdn-2018-05-10.yaml, a success fixture per
// operation, and a coverage page.
//
// Only contract facts are kept: names, types, formats, enums, defaults,
// bounds, required flags, ASCII example values, error codes with their
// status and message, and the documented call rate. Prose (descriptions,
// summaries, titles) is never copied. The output depends only on the input:
// operations are sorted by name, properties and parameters keep the
// metadata's order, and converting twice gives the same bytes.
package importer

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
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

// Options tune Convert. The zero value suits the CDN metadata.
type Options struct {
	// Source names the input in the generated files' header; only its base
	// name is written, so the output does not depend on the working directory.
	Source string
	// HostID is x-acs-host-id. Empty: the product's central endpoint (see hostID).
	HostID string
	// Stateful maps the operations that keep state to what they keep, as
	// StatefulOps reads them from the hand-written spec; the coverage page
	// marks them. Nil: none.
	Stateful map[string]string
	// Hand names the operations the hand-written spec defines, as HandOps
	// reads them: the server serves those from it alone, so their list
	// shapes are not written. Nil: none.
	Hand map[string]bool
}

// Result is everything one conversion produces.
type Result struct {
	Spec       []byte            // the OpenAPI document, YAML
	Fixtures   map[string][]byte // Action → its success.json
	Coverage   []byte            // the coverage page, Markdown
	Operations []OperationInfo   // by name
	Notes      []string          // what was dropped or normalized, by operation
}

// OperationInfo summarizes one generated operation.
type OperationInfo struct {
	Name       string
	Methods    []string // upper case, sorted
	Params     int      // declared parameters (a repeat list counts once)
	Required   int      // of which required
	Errors     int      // documented error codes kept
	FirstError string   // the first of them, "" when none
	RateLimit  int      // calls per second, 0 when the metadata states none
	Deprecated bool
	Stateful   bool   // keeps state (Options.Stateful)
	State      string // what it keeps: an export-task family, a resource, quotas
}

type converter struct {
	opts   Options
	op     string // the operation being converted, for notes
	notes  []string
	counts struct {
		nonASCIIExamples int // example values dropped for not being ASCII
		placeholders     int // fixture leaves with no usable example
	}
}

func (c *converter) note(format string, args ...any) {
	c.notes = append(c.notes, c.op+": "+fmt.Sprintf(format, args...))
}

type operation struct {
	name       string
	methods    []string
	deprecated bool
	rate       int
	opType     string // operationType: read or write; "" when the metadata has none
	params     []*param
	response   *schema
	example    *value            // the response example, literal values
	tmpls      map[*value]string // leaves of example a fixture renders as templates
	errors     []ErrorDef
}

type param struct {
	name     string
	in       string // the metadata's location when not "query" (formData, body…)
	style    string // the metadata's style: "repeatList", or another one kept as text
	required bool
	schema   *schema
}

// Convert turns api-docs.json metadata into the mock's spec, fixtures and
// coverage page. It fails on metadata it cannot read (not JSON, not an RPC
// product, an operation without methods); anything smaller is dropped or
// normalized and listed in Result.Notes and on the coverage page.
func Convert(metadata []byte, opts Options) (*Result, error) {
	root, err := decodeJSON(metadata)
	if err != nil {
		return nil, fmt.Errorf("metadata is not JSON: %v", err)
	}
	info := root.get("info")
	product, version := info.get("product").str(), info.get("version").str()
	if product == "" || version == "" {
		return nil, errors.New("metadata has no info.product or info.version")
	}
	if style := info.get("style").str(); style != "" && !strings.EqualFold(style, "RPC") {
		return nil, fmt.Errorf("metadata describes a %s product; only RPC products can be served", style)
	}
	c := &converter{opts: opts}
	host := opts.HostID
	if host == "" {
		host = hostID(product, root.get("endpoints"))
	}
	if host == "" {
		return nil, errors.New("metadata lists no endpoint; set Options.HostID")
	}

	apis := root.get("apis")
	if apis == nil || apis.kind != kindObject || len(apis.keys) == 0 {
		return nil, errors.New("metadata has no apis")
	}
	names := slices.Clone(apis.keys)
	sort.Strings(names)
	var ops []*operation
	for i, name := range names {
		if i > 0 && names[i-1] == name {
			return nil, fmt.Errorf("operation %s is defined twice", name)
		}
		op, err := c.operation(name, apis.get(name))
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	c.op = ""

	res := &Result{Fixtures: map[string][]byte{}, Notes: c.notes}
	for _, op := range ops {
		res.Operations = append(res.Operations, c.info(op))
		var b bytes.Buffer
		writeJSON(&b, fixtureTree(op.example, op.tmpls), "")
		b.WriteByte('\n')
		res.Fixtures[op.name] = b.Bytes()
	}
	if res.Spec, err = c.specYAML(product, version, host, ops); err != nil {
		return nil, err
	}
	res.Coverage = c.coverage(product, version, res)
	return res, nil
}

// hostID is the HostId of error bodies: the product's central endpoint
// "<product>.aliyuncs.com" when the metadata lists it, else the endpoint
// most regions use (ties: the first in sort order).
func hostID(product string, endpoints *value) string {
	central := strings.ToLower(product) + ".aliyuncs.com"
	uses := map[string]int{}
	if endpoints == nil {
		return ""
	}
	for _, e := range endpoints.vals {
		ep := e.get("endpoint").str()
		if ep == central {
			return central
		}
		if ep != "" {
			uses[ep]++
		}
	}
	best := ""
	for ep, n := range uses {
		if best == "" || n > uses[best] || (n == uses[best] && ep < best) {
			best = ep
		}
	}
	return best
}

func (c *converter) operation(name string, api *value) (*operation, error) {
	c.op = name
	op := &operation{name: name, deprecated: api.get("deprecated").truthy()}
	for _, m := range api.get("methods").vals {
		up := strings.ToUpper(strings.TrimSpace(m.str()))
		if up != "GET" && up != "POST" {
			c.note("method %q dropped: RPC operations are called with GET or POST", m.str())
			continue
		}
		if !slices.Contains(op.methods, up) {
			op.methods = append(op.methods, up)
		}
	}
	if len(op.methods) == 0 {
		return nil, fmt.Errorf("operation %s: the metadata allows neither GET nor POST", name)
	}
	sort.Strings(op.methods)

	seen := map[string]bool{}
	for _, pm := range api.get("parameters").vals {
		p := c.param(pm)
		if p == nil {
			continue
		}
		if seen[p.name] {
			c.note("parameter %s is declared twice; the first is kept", p.name)
			continue
		}
		seen[p.name] = true
		op.params = append(op.params, p)
	}

	c.response(op, api)
	op.errors = c.errorCodes(api.get("errorCodes"), op.params)
	op.rate = c.rateLimit(api.get("description").str())
	switch t := api.get("operationType").str(); t {
	case "read", "write":
		op.opType = t
	case "":
		c.note("no operationType; verify decides by the name's prefix (x-mock-read-only)")
	default:
		c.note("operationType %q is neither read nor write; not kept", t)
	}
	return op, nil
}

func (c *converter) param(m *value) *param {
	p := &param{name: m.get("name").str(), in: m.get("in").str(), style: m.get("style").str()}
	if p.name == "" {
		c.note("a parameter without a name is dropped")
		return nil
	}
	if p.in == "query" {
		p.in = ""
	}
	sm := m.get("schema")
	if sm == nil {
		sm = &value{kind: kindObject}
		c.note("parameter %s has no schema; typed string", p.name)
	}
	p.required = sm.get("required").truthy()
	s := c.convertSchema(sm, "parameter "+p.name)
	switch {
	case p.style == "repeatList" && s.Type == "array":
	case p.style == "repeatList":
		c.note("parameter %s: repeatList style on a %q; kept as a plain parameter", p.name, s.Type)
		p.style = ""
	case s.Type == "array" || s.Type == "object":
		// Another wire encoding (e.g. style json or flat): the server cannot
		// check its parts, so the parameter is declared as a string.
		c.note("parameter %s: %s with style %q is declared as a string", p.name, s.Type, p.style)
		if p.style == "" {
			p.style = "none"
		}
		s = &schema{Type: "string"}
	}
	p.schema = s
	return p
}

// response converts the 200 body's schema and builds its example and
// fixture from the metadata's examples.
func (c *converter) response(op *operation, api *value) {
	rm := api.get("responses").get("200").get("schema")
	var s *schema
	if rm == nil {
		c.note("no 200 response schema; the body is RequestId only")
		s = &schema{Type: "object", Closed: true}
	} else {
		s = c.convertSchema(rm, "response")
	}
	if s.Type != "object" {
		c.note("the 200 response is a %q, not an object; replaced by RequestId only", s.Type)
		s = &schema{Type: "object", Closed: true}
	}
	// Every RPC answer carries its RequestId, whether or not the metadata says so.
	if s.prop("RequestId") == nil {
		if rm != nil {
			c.note("the response schema lacks RequestId; added")
		}
		s.Props = append(s.Props, &prop{Name: "RequestId", Schema: &schema{Type: "string"}})
		s.Closed = true
	}
	if !slices.Contains(s.Required, "RequestId") {
		s.Required = append([]string{"RequestId"}, s.Required...)
	}
	demo := c.demo(api.get("responseDemo").str())
	c.reconcile(s, demo, "response")
	op.response = s

	sm := &sampler{c: c, params: map[string]*param{}, tmpls: map[*value]string{}}
	for _, p := range op.params {
		if p.style == "" && p.schema.Type == "string" {
			sm.params[p.name] = p
		}
	}
	op.example = sm.build(s, demo, false, true)
	op.tmpls = sm.tmpls
}

// demo returns the parsed JSON success example of responseDemo (a string
// holding a JSON array of {type, example, errorExample}), or nil.
func (c *converter) demo(raw string) *value {
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	list, err := decodeJSON([]byte(raw))
	if err != nil || list.kind != kindArray {
		c.note("responseDemo is not a JSON list; ignored")
		return nil
	}
	for _, d := range list.vals {
		if d.get("type").str() != "json" || strings.TrimSpace(d.get("example").str()) == "" {
			continue
		}
		v, err := decodeJSON([]byte(d.get("example").str()))
		if err != nil {
			c.note("the JSON response example does not parse (%v); ignored", err)
			return nil
		}
		return v
	}
	return nil
}

// reconcile reopens closed objects whose JSON example shows keys the schema
// does not list: the metadata's property list is then incomplete.
func (c *converter) reconcile(s *schema, demo *value, where string) {
	if s == nil || demo == nil {
		return
	}
	switch {
	case s.Type == "object" && demo.kind == kindObject:
		var extra []string
		for i, k := range demo.keys {
			if ps := s.prop(k); ps != nil {
				c.reconcile(ps, demo.vals[i], where+"."+k)
			} else if !slices.Contains(extra, k) {
				extra = append(extra, k)
			}
		}
		if len(extra) > 0 && s.Closed {
			s.Closed = false
			c.note("%s: the example has keys the schema does not list (%d); left open", where, len(extra))
		}
	case s.Type == "array" && demo.kind == kindArray:
		for _, item := range demo.vals {
			c.reconcile(s.Items, item, where+"[]")
		}
	}
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

// rateLimitPattern finds the documented call rate. The metadata has no
// structured field for it; each operation's description states it in one
// fixed Chinese sentence, "单用户调用频率：N次/秒" ("calls per user: N per
// second"), with small variants ("单个用户的调用频率为：N次/秒", per minute
// "次/分"). Only this sentence is read; a per-minute rate counts when it is
// a whole number per second.
var rateLimitPattern = regexp.MustCompile(`单个?用户的?调用频率为?\s*[：:]\s*([0-9]+)\s*次\s*/\s*(秒|分钟|分)`)

func (c *converter) rateLimit(description string) int {
	var rates []int
	for _, m := range rateLimitPattern.FindAllStringSubmatch(description, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil || n <= 0 {
			continue
		}
		if m[2] != "秒" {
			if n%60 != 0 {
				c.note("rate limit of %d calls per minute is not a whole number per second; not kept", n)
				continue
			}
			n /= 60
		}
		if !slices.Contains(rates, n) {
			rates = append(rates, n)
		}
	}
	switch len(rates) {
	case 0:
		return 0
	case 1:
		return rates[0]
	}
	c.note("the description states several rate limits %v; none kept", rates)
	return 0
}

func (c *converter) info(op *operation) OperationInfo {
	oi := OperationInfo{
		Name: op.name, Methods: op.methods, Params: len(op.params), Errors: len(op.errors),
		RateLimit: op.rate, Deprecated: op.deprecated, Stateful: c.opts.Stateful[op.name] != "", State: c.opts.Stateful[op.name],
	}
	for _, p := range op.params {
		if p.required {
			oi.Required++
		}
	}
	if len(op.errors) > 0 {
		oi.FirstError = op.errors[0].Code
	}
	return oi
}

const specHeader = `# Code generated by cmd/import-metadata from %s; DO NOT EDIT.
#
# %s API %s for the mock, converted from Alibaba's API metadata. Hand-curated
# operations (rules, state, richer fixtures) live in spec/%s and override
# these; see docs/coverage.md.
#
# Conventions: those of spec/cdn-2018-05-10.yaml (docs/spec-format.md),
# plus two facts the metadata gives:
#   - x-acs-style: repeatList on a parameter of type array: the list is sent
#     flattened, one wire parameter per item, numbered from 1: "Name.1",
#     "Name.2" for items of a scalar type; "Name.1.Field" for the fields of
#     object items. maxItems bounds the number, items describes each item.
#   - x-acs-in on a parameter the metadata places elsewhere than the query
#     (formData: the SDKs send it in the form body). The server reads both.
#   - x-acs-operation-type on an operation: the metadata's operationType,
#     read (changes nothing) or write; cdnmock verify calls only reads.
# Example values come from the metadata; values that are not ASCII are left
# out. Objects whose properties the metadata lists are closed
# (additionalProperties: false); objects it leaves empty are free-form.

`

func (c *converter) specYAML(product, version, host string, ops []*operation) ([]byte, error) {
	doc := mapping()
	put(doc, "openapi", str("3.0.3"))
	info := mapping()
	put(info, "title", str(fmt.Sprintf("Alibaba Cloud %s API (generated from API metadata)", product)))
	put(info, "version", str(version))
	put(doc, "info", info)
	put(doc, "x-acs-product", str(product))
	put(doc, "x-acs-host-id", str(host))
	put(doc, "x-acs-common-errors", errorsNode(CommonErrors))
	paths := mapping()
	for _, op := range ops {
		verb := "get"
		if slices.Contains(op.methods, "POST") {
			verb = "post"
		}
		item := mapping()
		put(item, verb, c.operationNode(op))
		put(paths, "/?Action="+op.name, item)
	}
	put(doc, "paths", paths)

	var buf bytes.Buffer
	fmt.Fprintf(&buf, specHeader, path.Base(c.opts.Source), product, version, strings.ToLower(product)+"-"+version+".yaml")
	// Two-space indents and no line wrapping: long descriptions stay on one
	// line, so a changed word shows as a one-line diff of the generated spec.
	enc, err := yaml.NewDumper(&buf, yaml.WithV3Defaults(), yaml.WithIndent(2), yaml.WithLineWidth(-1))
	if err != nil {
		return nil, err
	}
	if err := enc.Dump(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (c *converter) operationNode(op *operation) *node {
	n := mapping()
	put(n, "operationId", str(op.name))
	if op.deprecated {
		put(n, "deprecated", scalar(true))
	}
	methods := flowSeq()
	for _, m := range op.methods {
		methods.Content = append(methods.Content, str(m))
	}
	put(n, "x-acs-methods", methods)
	if op.opType != "" {
		put(n, "x-acs-operation-type", str(op.opType))
	}
	if op.rate > 0 {
		put(n, "x-acs-rate-limit", scalar(int64(op.rate)))
	}
	if len(op.params) > 0 {
		params := blockSeq()
		for _, p := range op.params {
			pn := mapping()
			put(pn, "name", str(p.name))
			put(pn, "in", str("query"))
			put(pn, "required", scalar(p.required))
			put(pn, "schema", p.schema.node())
			if p.in != "" {
				put(pn, "x-acs-in", str(p.in))
			}
			if p.style != "" {
				put(pn, "x-acs-style", str(p.style))
			}
			params.Content = append(params.Content, pn)
		}
		put(n, "parameters", params)
	}
	media := mapping()
	put(media, "schema", op.response.node())
	put(media, "example", valueNode(op.example))
	content := mapping()
	put(content, "application/json", media)
	ok := mapping()
	put(ok, "description", str("OK"))
	put(ok, "content", content)
	responses := mapping()
	put(responses, "200", ok)
	put(n, "responses", responses)
	if len(op.errors) > 0 {
		put(n, "x-acs-errors", errorsNode(op.errors))
	}
	page, echo := c.listShapeNodes(op) // listshape.go
	if page != nil {
		put(n, "x-mock-page", page)
	}
	if echo != nil {
		put(n, "x-mock-echo", echo)
	}
	return n
}

func errorsNode(defs []ErrorDef) *node {
	seq := blockSeq()
	for _, d := range defs {
		e := mapping()
		put(e, "code", str(d.Code))
		put(e, "status", scalar(int64(d.Status)))
		put(e, "message", str(d.Message))
		seq.Content = append(seq.Content, e)
	}
	return seq
}

// valueNode renders a JSON value as YAML.
func valueNode(v *value) *node {
	switch v.kind {
	case kindObject:
		n := mapping()
		for i, k := range v.keys {
			put(n, k, valueNode(v.vals[i]))
		}
		if len(v.keys) == 0 {
			n.Style = yaml.FlowStyle
		}
		return n
	case kindArray:
		n := blockSeq()
		n.Style = 0
		for _, item := range v.vals {
			n.Content = append(n.Content, valueNode(item))
		}
		if len(v.vals) == 0 {
			n.Style = yaml.FlowStyle
		}
		return n
	case kindString:
		return str(v.text)
	case kindBool:
		return &node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: v.text}
	case kindNumber:
		if _, err := strconv.ParseInt(v.text, 10, 64); err == nil {
			return &node{Kind: yaml.ScalarNode, Tag: "!!int", Value: v.text}
		}
		return &node{Kind: yaml.ScalarNode, Tag: "!!float", Value: v.text}
	}
	return &node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
}
