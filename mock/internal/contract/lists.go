package contract

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// A RepeatList is a parameter declared with x-acs-style: repeatList, as
// Alibaba's metadata describes lists (see the header of the generated spec,
// spec/generated/): an array schema whose items the client sends flattened,
// one wire parameter per item numbered from 1. Items of a scalar type are
// sent as "Name.1", "Name.2"; the fields of object items as "Name.1.Key",
// "Name.1.Value". maxItems bounds the numbers, items describes each item.
//
// kin-openapi reads a query array as repeated "Name=" pairs, so these
// parameters are left out of the route it validates (routeWithoutLists) and
// checked here instead (checkLists):
//   - a wire name's number runs from 1 to maxItems; outside, InvalidParameter
//     naming the wire name (Tag.22.Key);
//   - each value is converted to its item's or field's type and held to that
//     schema (kin-openapi's Schema.VisitJSON); a failure is InvalidParameter
//     naming the wire name;
//   - a required list needs at least one item, else MissingParameter naming
//     the list; a field its object items require must be there for every
//     number sent, else MissingParameter naming the wire name (Tag.2.Key);
//   - minItems, when set, counts the distinct numbers sent.
//
// A parameter's x-mock-errors apply to its list as to any parameter. Wire
// names of the list's shape are declared parameters (Operation.hasParam):
// they are not reported as unknown. A number sent with gaps (Tag.1, Tag.3)
// is accepted: each number is an item.
type RepeatList struct {
	name     string
	required bool
	min, max int              // minItems; maxItems, 0 when unbounded
	item     *openapi3.Schema // scalar items: their schema; nil for object items
	fields   []listField      // object items: their fields, by name
	open     bool             // object items take fields the schema does not list
}

type listField struct {
	name     string
	required bool
	schema   *openapi3.Schema
}

var scalarTypes = []string{openapi3.TypeString, openapi3.TypeInteger, openapi3.TypeNumber, openapi3.TypeBoolean}

func isScalar(s *openapi3.Schema) bool {
	if s.Type == nil || len(*s.Type) == 0 {
		return len(s.Properties) == 0 && s.Items == nil // untyped: any text
	}
	for _, t := range scalarTypes {
		if s.Type.Is(t) {
			return true
		}
	}
	return false
}

// parseRepeatList reads a parameter's x-acs-style. Only repeatList matters
// to the server: other styles (the importer writes json, flat or none for
// encodings the server does not check) leave a plain parameter, and nil is
// returned.
func parseRepeatList(p *openapi3.Parameter, problem func(format string, args ...any)) *RepeatList {
	raw, ok := p.Extensions["x-acs-style"]
	if !ok {
		return nil
	}
	style, isString := raw.(string)
	if !isString {
		problem("x-acs-style must be a string such as repeatList, not %v", raw)
		return nil
	}
	if style != "repeatList" {
		return nil
	}
	if p.Schema == nil || p.Schema.Value == nil || !p.Schema.Value.Type.Is(openapi3.TypeArray) ||
		p.Schema.Value.Items == nil || p.Schema.Value.Items.Value == nil {
		problem("x-acs-style repeatList needs an array schema with items")
		return nil
	}
	s := p.Schema.Value
	l := &RepeatList{name: p.Name, required: p.Required, min: int(s.MinItems)}
	if s.MaxItems != nil {
		l.max = int(*s.MaxItems)
	}
	item := s.Items.Value
	switch {
	case isScalar(item):
		l.item = item
	case item.Type.Is(openapi3.TypeObject):
		names := slices.Sorted(maps.Keys(item.Properties))
		for _, name := range names {
			ref := item.Properties[name]
			if ref == nil || ref.Value == nil || !isScalar(ref.Value) {
				problem("repeat list %s: field %s is not of a scalar type; lists within list items are not supported", p.Name, name)
				return nil
			}
			l.fields = append(l.fields, listField{name: name, schema: ref.Value})
		}
		for _, r := range item.Required {
			i := sort.Search(len(l.fields), func(i int) bool { return l.fields[i].name >= r })
			if i == len(l.fields) || l.fields[i].name != r {
				problem("repeat list %s: required field %s is not among its properties", p.Name, r)
				return nil
			}
			l.fields[i].required = true
		}
		has := item.AdditionalProperties.Has
		l.open = len(l.fields) == 0 || (has == nil && item.AdditionalProperties.Schema == nil) || (has != nil && *has)
	default:
		problem("repeat list %s: items must be of a scalar type or objects of scalar fields", p.Name)
		return nil
	}
	return l
}

// wire parses a wire parameter name of the list: its number, and for object
// items the field (nil for an unlisted field of open objects). ok is false
// when the name does not have the list's shape; the number is not checked.
func (l *RepeatList) wire(name string) (index int, field *listField, ok bool) {
	rest, found := strings.CutPrefix(name, l.name+".")
	if !found {
		return 0, nil, false
	}
	num, fieldName, hasField := strings.Cut(rest, ".")
	if num == "" || len(num) > 9 || strings.Trim(num, "0123456789") != "" {
		return 0, nil, false
	}
	index, _ = strconv.Atoi(num)
	if l.item != nil {
		return index, nil, !hasField
	}
	if !hasField || fieldName == "" {
		return 0, nil, false
	}
	for i := range l.fields {
		if l.fields[i].name == fieldName {
			return index, &l.fields[i], true
		}
	}
	return index, nil, l.open
}

// isListWire reports whether name is a wire name of one of the operation's
// repeat lists.
func (op *Operation) isListWire(name string) bool {
	if !strings.Contains(name, ".") {
		return false
	}
	for _, p := range op.Params {
		if p.List != nil {
			if _, _, ok := p.List.wire(name); ok {
				return true
			}
		}
	}
	return false
}

// routeWithoutLists is the operation's route for kin-openapi: the same
// operation without its repeat-list parameters, which the mock checks.
func routeWithoutLists(op *Operation) *routers.Route {
	lists := map[string]bool{}
	for _, p := range op.Params {
		if p.List != nil {
			lists[p.Name] = true
		}
	}
	if len(lists) == 0 {
		return op.route
	}
	o := *op.route.Operation
	o.Parameters = nil
	for _, ref := range op.route.Operation.Parameters {
		if ref.Value != nil && ref.Value.In == openapi3.ParameterInQuery && lists[ref.Value.Name] {
			continue
		}
		o.Parameters = append(o.Parameters, ref)
	}
	r := *op.route
	r.Operation = &o
	return &r
}

// checkLists returns the violations of the operation's repeat lists, list
// by list in spec order, each list's by number then field.
func (s *Spec) checkLists(op *Operation, params url.Values) []Violation {
	var out []Violation
	for _, p := range op.Params {
		if p.List != nil {
			out = p.List.check(s, op, p, params, out)
		}
	}
	return out
}

type listValue struct {
	wire  string
	index int
	field *listField // nil for scalar items and unlisted fields
	value string
}

func (l *RepeatList) check(s *Spec, op *Operation, p *Param, params url.Values, out []Violation) []Violation {
	fail := func(wire, reason string, missing bool) {
		code := cmp.Or(p.invalid, CodeInvalidParameter)
		if missing {
			code = cmp.Or(p.missing, CodeMissingParameter)
		}
		def := s.CheckError(op, code)
		out = append(out, Violation{Parameter: wire, Reason: reason, Err: def.WithName(wire)})
	}

	var vals []listValue
	for name, vs := range params {
		index, field, ok := l.wire(name)
		if !ok {
			continue
		}
		v := listValue{wire: name, index: index, field: field}
		if len(vs) > 0 {
			v.value = vs[0]
		}
		vals = append(vals, v)
	}
	sort.Slice(vals, func(i, j int) bool {
		if vals[i].index != vals[j].index {
			return vals[i].index < vals[j].index
		}
		return vals[i].wire < vals[j].wire
	})

	var indexes []int // the valid numbers sent, ascending, once each
	for _, v := range vals {
		if v.index < 1 || (l.max > 0 && v.index > l.max) {
			bound := "1 or more"
			if l.max > 0 {
				bound = fmt.Sprintf("1 to %d", l.max)
			}
			fail(v.wire, fmt.Sprintf("item number %d is out of range: %s numbers its items %s", v.index, l.name, bound), false)
			continue
		}
		schema := l.item
		if v.field != nil {
			schema = v.field.schema
		}
		if schema != nil {
			if reason := checkScalar(schema, v.value); reason != "" {
				fail(v.wire, reason, false)
			}
		}
		if len(indexes) == 0 || indexes[len(indexes)-1] != v.index {
			indexes = append(indexes, v.index)
		}
	}

	for _, index := range indexes {
		for _, f := range l.fields {
			if !f.required {
				continue
			}
			wire := fmt.Sprintf("%s.%d.%s", l.name, index, f.name)
			if !params.Has(wire) {
				fail(wire, fmt.Sprintf("item %d of %s has no %s, which every item needs", index, l.name, f.name), true)
			}
		}
	}
	switch {
	case len(indexes) == 0 && l.required:
		fail(l.name, fmt.Sprintf("required: send at least one item, as %s", l.example()), true)
	case len(indexes) > 0 && len(indexes) < l.min:
		fail(l.name, fmt.Sprintf("%d items sent; %s needs at least %d", len(indexes), l.name, l.min), false)
	}
	return out
}

// example is how the list's first item is sent, for messages.
func (l *RepeatList) example() string {
	if l.item != nil || len(l.fields) == 0 {
		return l.name + ".1"
	}
	return l.name + ".1." + l.fields[0].name
}

// checkScalar converts a wire value to the schema's type and holds it to the
// schema; it returns why it fails, or "".
func checkScalar(schema *openapi3.Schema, text string) string {
	var v any = text
	switch {
	case schema.Type.Is(openapi3.TypeInteger):
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return fmt.Sprintf("%q is not an integer", text)
		}
		v = n
	case schema.Type.Is(openapi3.TypeNumber):
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return fmt.Sprintf("%q is not a number", text)
		}
		v = f
	case schema.Type.Is(openapi3.TypeBoolean):
		b, err := strconv.ParseBool(text)
		if err != nil {
			return fmt.Sprintf("%q is not a boolean", text)
		}
		v = b
	}
	err := schema.VisitJSON(v)
	if err == nil {
		return ""
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return se.Reason
	}
	return err.Error()
}

// Sample adds the list's first item, from its examples and defaults, to the
// values fixtures are checked with at load (sampleData).
func (l *RepeatList) Sample(values map[string][]string) {
	put := func(wire string, s *openapi3.Schema) {
		for _, v := range []any{s.Example, s.Default} {
			if v != nil {
				values[wire] = []string{fmt.Sprint(v)}
				return
			}
		}
	}
	if l.item != nil {
		put(l.name+".1", l.item)
		return
	}
	for _, f := range l.fields {
		put(l.name+".1."+f.name, f.schema)
	}
}
