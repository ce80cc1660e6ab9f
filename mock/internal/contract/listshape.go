package contract

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// The shape of a stateless list's answer, as data: which array of the
// fixture is the whole collection and which fields say the page
// (x-mock-page), and which fields echo the request (x-mock-echo).
// Package fixture applies both when it compiles a fixture:
//
//	x-mock-page:
//	  - items: Domains.PageData                      # [] steps into array items
//	    number: {field: PageNumber, param: PageNumber}
//	    size: {field: PageSize, param: PageSize}
//	    total: TotalCount
//	    count: PageCount                               # the items this page shows
//	x-mock-echo: {DomainName: DomainName, "UrlDetails[].TaskId": TaskId}
//
// Paths are checked against the response schema at load; an operation
// with x-mock-state shows its state's items instead, so it may have
// neither.

// PagedList is one x-mock-page entry.
type PagedList struct {
	Items  string     `json:"items"`  // the array that holds every item
	Number *PageField `json:"number"` // the page number, 1 first
	Size   *PageField `json:"size"`   // the page size; none: every item
	Total  string     `json:"total"`  // the field that counts every item
	Count  string     `json:"count"`  // the field that counts the items this page shows
}

// PageField is the request parameter that sets the page number or size,
// and the response field that shows it (optional: some lists page by a
// parameter they do not show).
type PageField struct {
	Field string `json:"field"`
	Param string `json:"param"`
}

// EchoField is one x-mock-echo entry: the response field at Path shows the
// request's Param when it has one.
type EchoField struct {
	Path    string
	Param   string
	Integer bool // the field is an integer: only a value that parses as one is echoed
}

// PathSteps splits a dotted path into its keys; a key ending in [] steps
// into the array's items.
func PathSteps(path string) []string { return strings.Split(path, ".") }

// parseListShape reads x-mock-page and x-mock-echo and checks them against
// the response schema and the parameters.
func parseListShape(o *openapi3.Operation, op *Operation, problem func(sub, format string, args ...any)) {
	_, hasPage := o.Extensions["x-mock-page"]
	_, hasEcho := o.Extensions["x-mock-echo"]
	if !hasPage && !hasEcho {
		return
	}
	if op.State != nil || op.Resource != nil {
		key := "/x-mock-page"
		if !hasPage {
			key = "/x-mock-echo"
		}
		problem(key, "an operation with x-mock-state shows its state's items: page them with x-mock-state's page, not %s", key[1:])
		return
	}
	if op.Response == nil {
		return // reported as a missing response
	}
	params := paramSchemas(o)
	// paramType checks that name is a parameter of one of the types want.
	paramType := func(sub, name string, want ...string) bool {
		s, ok := params[name]
		if !ok {
			problem(sub, "%s is not a parameter of %s; %s", name, op.Name, diag.Suggestion(name, op.ParamNames()))
			return false
		}
		if got := schemaType(s); !slices.Contains(want, got) {
			problem(sub, "the parameter %s is %s, not %s", name, got, strings.Join(want, " or "))
			return false
		}
		return true
	}
	field := func(sub, path, want string) bool {
		s, msg := resolvePath(op.Response, path)
		if msg == "" && want != "" && schemaType(s) != want {
			msg = fmt.Sprintf("%s is %s in the response schema, not %s", path, schemaType(s), want)
		}
		if msg != "" {
			problem(sub, "%s", msg)
		}
		return msg == ""
	}

	var pages []PagedList
	if err := DecodeExtension(o.Extensions, "x-mock-page", &pages); err != nil {
		problem("/x-mock-page", "%v", err)
	}
	for i, pg := range pages {
		sub := fmt.Sprintf("/x-mock-page/%d", i)
		itemsOK := field(sub+"/items", pg.Items, openapi3.TypeArray)
		ok := itemsOK
		check := func(key string, f *PageField) {
			if f == nil {
				return
			}
			if f.Param == "" {
				problem(sub+"/"+key, "needs param (the request's) and, to show it, field (the response's)")
				ok = false
				return
			}
			if f.Field != "" {
				ok = field(sub+"/"+key+"/field", f.Field, openapi3.TypeInteger) && (!itemsOK || pairs(sub+"/"+key+"/field", f.Field, pg.Items, problem)) && ok
			}
			// Some lists take their page as a string (the metadata's type for
			// the export-task lists); either way the value must parse as a
			// positive integer, else it is page 1 of every item.
			ok = paramType(sub+"/"+key+"/param", f.Param, openapi3.TypeInteger, openapi3.TypeString) && ok
		}
		check("number", pg.Number)
		check("size", pg.Size)
		for _, f := range [][2]string{{"total", pg.Total}, {"count", pg.Count}} {
			if key, path := f[0], f[1]; path != "" {
				ok = field(sub+"/"+key, path, openapi3.TypeInteger) && (!itemsOK || pairs(sub+"/"+key, path, pg.Items, problem)) && ok
			}
		}
		if ok {
			op.Pages = append(op.Pages, pg)
		}
	}

	var echo map[string]string
	if err := DecodeExtension(o.Extensions, "x-mock-echo", &echo); err != nil {
		problem("/x-mock-echo", "%v", err)
	}
	paths := slices.Sorted(maps.Keys(echo))
	for _, path := range paths {
		sub := "/x-mock-echo/" + diag.EscapePointer(path)
		s, msg := resolvePath(op.Response, path)
		if msg != "" {
			problem(sub, "%s", msg)
			continue
		}
		t := schemaType(s)
		if t != openapi3.TypeString && t != openapi3.TypeInteger {
			problem(sub, "%s is %s in the response schema; only a string or an integer echoes a parameter", path, t)
			continue
		}
		if paramType(sub, echo[path], t) {
			op.Echo = append(op.Echo, EchoField{Path: path, Param: echo[path], Integer: t == openapi3.TypeInteger})
		}
	}
}

// pairs checks that a page field sits beside its items: the arrays the
// field's path steps into are the first ones the items' path steps into,
// so each element of them holds one list and its fields.
func pairs(sub, fieldPath, items string, problem func(sub, format string, args ...any)) bool {
	i := strings.LastIndex(fieldPath, "[]")
	if i < 0 || strings.HasPrefix(items, fieldPath[:i+2]+".") {
		return true
	}
	problem(sub, "%s is not beside the items %s: it must step into the same arrays ([]) first", fieldPath, items)
	return false
}

// resolvePath finds the schema at a dotted path, or says why it cannot.
func resolvePath(root *openapi3.Schema, path string) (*openapi3.Schema, string) {
	if path == "" {
		return nil, "needs a path in the response, e.g. Domains.PageData"
	}
	s, at := root, ""
	for _, step := range PathSteps(path) {
		name, array := strings.CutSuffix(step, "[]")
		ref := s.Properties[name]
		if ref == nil || ref.Value == nil {
			names := slices.Sorted(maps.Keys(s.Properties))
			where := "the response"
			if at != "" {
				where = at
			}
			return nil, fmt.Sprintf("%s has no field %s; %s", where, name, diag.Suggestion(name, names))
		}
		s, at = ref.Value, strings.TrimPrefix(at+"."+step, ".")
		if array {
			if !s.Type.Is(openapi3.TypeArray) || s.Items == nil || s.Items.Value == nil {
				return nil, fmt.Sprintf("%s is %s, not an array: [] steps into an array's items", strings.TrimSuffix(at, "[]"), schemaType(s))
			}
			s = s.Items.Value
		}
	}
	return s, ""
}

func schemaType(s *openapi3.Schema) string {
	if s == nil || s.Type == nil || len(s.Type.Slice()) == 0 {
		return "untyped"
	}
	return s.Type.Slice()[0]
}

func paramSchemas(o *openapi3.Operation) map[string]*openapi3.Schema {
	out := make(map[string]*openapi3.Schema, len(o.Parameters))
	for _, ref := range o.Parameters {
		if ref.Value != nil && ref.Value.Schema != nil {
			out[ref.Value.Name] = ref.Value.Schema.Value
		}
	}
	return out
}
