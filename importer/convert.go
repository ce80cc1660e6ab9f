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
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

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
