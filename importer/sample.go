package importer

import (
	"regexp"
	"strconv"
	"strings"
)

// maxSampleItems bounds how many items of an example's array a fixture keeps.
const maxSampleItems = 3

// placeholder is a string leaf's value when the metadata gives no usable
// example (none, or not ASCII).
const placeholder = "example"

// xmlName is what a fixture key must look like: the server derives XML
// from fixtures, one element per key (mock/internal/fixture/xmlwrite.go).
var xmlName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// sampler builds an operation's response example from its schema, taking
// values from the metadata's JSON example where they fit the schema, then
// from each property's own example, then from its type. It also picks the
// leaves a fixture fills from the request: RequestId, and any string field
// named as a string parameter, outside arrays (array items are other
// entities than the request names).
type sampler struct {
	c      *converter
	params map[string]*param // string parameters (not repeat lists), by name
	tmpls  map[*value]string
}

func (sm *sampler) build(s *schema, demo *value, inArray, top bool) *value {
	switch s.Type {
	case "object":
		if len(s.Props) == 0 {
			if demo != nil && demo.kind == kindObject && freeForm(demo) {
				return demo
			}
			return &value{kind: kindObject}
		}
		out := &value{kind: kindObject}
		for _, p := range s.Props {
			v := sm.build(p.Schema, demo.get(p.Name), inArray, false)
			out.keys = append(out.keys, p.Name)
			out.vals = append(out.vals, v)
			if inArray || p.Schema.Type != "string" {
				continue
			}
			if top && p.Name == "RequestId" {
				sm.tmpls[v] = "{{ .RequestId }}"
			} else if param := sm.params[p.Name]; param != nil {
				sm.tmpls[v] = echo(param, v.text)
			}
		}
		return out
	case "array":
		out := &value{kind: kindArray}
		limit := maxSampleItems
		if s.MaxItems != nil && *s.MaxItems < limit {
			limit = *s.MaxItems
		}
		if demo != nil && demo.kind == kindArray {
			for _, d := range demo.vals {
				if len(out.vals) == limit {
					break
				}
				out.vals = append(out.vals, sm.build(s.Items, d, true, false))
			}
		}
		want := 1
		if s.MinItems != nil {
			want = *s.MinItems
		}
		for len(out.vals) < want && len(out.vals) < limit {
			out.vals = append(out.vals, sm.build(s.Items, nil, true, false))
		}
		return out
	case "string", "integer", "number", "boolean":
		return sm.leaf(s, demo)
	}
	if demo != nil && freeForm(demo) {
		return demo
	}
	return &value{kind: kindString}
}

// leaf is a scalar's value: the example's if it fits, else the schema's
// example, else the first enum member, else a value of the type.
func (sm *sampler) leaf(s *schema, demo *value) *value {
	if demo != nil {
		if v, ok := demoScalar(s, demo); ok {
			return v
		}
	}
	v := s.Example
	if v == nil && len(s.Enum) > 0 {
		v = s.Enum[0]
	}
	if v == nil {
		sm.c.counts.placeholders++
		switch s.Type {
		case "string":
			v = placeholder
		case "integer":
			v = int64(0)
		case "number":
			v = float64(0)
		case "boolean":
			v = false
		}
		if s.Minimum != nil && s.check(v) != "" {
			v = *s.Minimum
			if s.Type == "integer" {
				v = int64(*s.Minimum)
			}
		}
	}
	return scalarValue(v)
}

// demoScalar takes a value from the JSON example when it is of the
// schema's type (no string/number coercion), ASCII and within bounds.
func demoScalar(s *schema, d *value) (*value, bool) {
	var v any
	switch {
	case s.Type == "string" && d.kind == kindString:
		if !isASCII(d.text) {
			return nil, false
		}
		v = d.text
	case s.Type == "integer" && d.kind == kindNumber:
		n, err := strconv.ParseInt(d.text, 10, 64)
		if err != nil {
			return nil, false
		}
		v = n
	case s.Type == "number" && d.kind == kindNumber:
		f, err := strconv.ParseFloat(d.text, 64)
		if err != nil {
			return nil, false
		}
		v = f
	case s.Type == "boolean" && d.kind == kindBool:
		v = d.text == "true"
	default:
		return nil, false
	}
	if s.check(v) != "" {
		return nil, false
	}
	return d, true
}

func scalarValue(v any) *value {
	switch x := v.(type) {
	case string:
		return &value{kind: kindString, text: x}
	case int64:
		return &value{kind: kindNumber, text: strconv.FormatInt(x, 10)}
	case float64:
		return &value{kind: kindNumber, text: strconv.FormatFloat(x, 'f', -1, 64)}
	case bool:
		return &value{kind: kindBool, text: strconv.FormatBool(x)}
	}
	return &value{kind: kindNull}
}

// freeForm reports whether an example can stand as is for a schema that
// does not describe it: every key an XML name, every string ASCII, no null.
func freeForm(v *value) bool {
	switch v.kind {
	case kindNull:
		return false
	case kindString:
		return isASCII(v.text)
	case kindObject:
		for _, k := range v.keys {
			if !xmlName.MatchString(k) {
				return false
			}
		}
	}
	for _, item := range v.vals {
		if !freeForm(item) {
			return false
		}
	}
	return true
}

// echo is the template that fills a response field from the request
// parameter of the same name. A required parameter is always there; an
// optional one falls back to the example value when the request omits it.
func echo(p *param, example string) string {
	ref := ".Params." + p.name
	if !goIdent.MatchString(p.name) {
		ref = "(index .Params " + strconv.Quote(p.name) + ")"
	}
	if p.required || example == "" {
		return "{{ " + ref + " }}"
	}
	return "{{ or " + ref + " " + strconv.Quote(example) + " }}"
}

var goIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// fixtureTree is the example with its template leaves in place. A literal
// string that contains "{{" would read as a template: it becomes one that
// prints the literal.
func fixtureTree(v *value, tmpls map[*value]string) *value {
	if t, ok := tmpls[v]; ok {
		return &value{kind: kindString, text: t}
	}
	switch v.kind {
	case kindString:
		if strings.Contains(v.text, "{{") {
			return &value{kind: kindString, text: "{{ " + strconv.Quote(v.text) + " }}"}
		}
		return v
	case kindObject, kindArray:
		out := &value{kind: v.kind, keys: v.keys, vals: make([]*value, len(v.vals))}
		for i, item := range v.vals {
			out.vals[i] = fixtureTree(item, tmpls)
		}
		return out
	}
	return v
}
