package importer

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// schema is the subset of an OpenAPI 3.0 schema the metadata can express.
// Scalars (defaults, examples, enum members) are typed Go values: string,
// int64, float64 or bool.
type schema struct {
	Type, Format, Pattern string
	MinLength, MaxLength  *int
	Minimum, Maximum      *float64
	MinItems, MaxItems    *int
	Enum                  []any
	Default, Example      any
	Closed                bool // additionalProperties: false
	// PageCount: an integer whose description says it counts this page's
	// items ("本页…"); the metadata states it only in prose.
	PageCount bool
	Required  []string
	Props     []*prop
	Items     *schema
}

type prop struct {
	Name   string
	Schema *schema
}

func (s *schema) prop(name string) *schema {
	for _, p := range s.Props {
		if p.Name == name {
			return p.Schema
		}
	}
	return nil
}

func (s *schema) scalar() bool {
	switch s.Type {
	case "string", "integer", "number", "boolean":
		return true
	}
	return false
}

// convertSchema turns a metadata schema into ours. Prose (description,
// title, enumValueTitles) is not copied; an integer's description is read
// only for whether it counts this page's items (PageCount). Facts that cannot hold (an example
// outside the enum, a pattern Go cannot compile) are dropped with a note.
func (c *converter) convertSchema(m *value, where string) *schema {
	s := &schema{Type: m.get("type").str(), Format: m.get("format").str()}
	if s.Type == "" {
		switch {
		case m.get("properties") != nil:
			s.Type = "object"
		case m.get("items") != nil:
			s.Type = "array"
		default:
			c.note("%s: no type; left untyped", where)
		}
	}
	switch s.Type {
	case "string", "integer", "number", "boolean":
	case "object", "array", "":
		s.Format = ""
	default:
		c.note("%s: unknown type %q; left untyped", where, s.Type)
		s.Type, s.Format = "", ""
	}

	switch s.Type {
	case "object":
		if props := m.get("properties"); props != nil && props.kind == kindObject {
			for i, name := range props.keys {
				ps := c.convertSchema(props.vals[i], where+"."+name)
				s.Props = append(s.Props, &prop{Name: name, Schema: ps})
				if props.vals[i].get("required").truthy() {
					s.Required = append(s.Required, name)
				}
			}
		}
		// The rule for additionalProperties: an object whose metadata lists
		// its properties is closed; one that lists none is free-form. A JSON
		// example showing a key the list lacks reopens it (reconcile).
		s.Closed = len(s.Props) > 0
	case "array":
		if items := m.get("items"); items != nil && items.kind == kindObject {
			s.Items = c.convertSchema(items, where+"[]")
		} else {
			s.Items = &schema{}
			c.note("%s: array without items; items left untyped", where)
		}
		s.MinItems = c.count(m, "minItems", where)
		s.MaxItems = c.count(m, "maxItems", where)
	case "string":
		s.MinLength = c.count(m, "minLength", where)
		s.MaxLength = c.count(m, "maxLength", where)
		if p := m.get("pattern").str(); p != "" {
			if _, err := regexp.Compile(p); err != nil {
				c.note("%s: pattern %q is not a valid regular expression; dropped", where, p)
			} else {
				s.Pattern = p
			}
		}
	case "integer", "number":
		s.Minimum = c.bound(m, "minimum", where)
		s.Maximum = c.bound(m, "maximum", where)
		s.PageCount = s.Type == "integer" && strings.HasPrefix(m.get("description").str(), "本页")
	}

	if s.scalar() {
		if e := m.get("enum"); e != nil && e.kind == kindArray {
			for _, item := range e.vals {
				v, ok := typed(s, item)
				if !ok {
					c.note("%s: enum member %q is not a %s; dropped", where, item.str(), s.Type)
					continue
				}
				if !slices.Contains(s.Enum, v) {
					s.Enum = append(s.Enum, v)
				}
			}
		}
		s.Default = c.scalarFact(s, m.get("default"), where, "default", false)
		s.Example = c.scalarFact(s, m.get("example"), where, "example", true)
	}
	return s
}

// scalarFact reads a default or an example as the schema's type and keeps
// it only when the schema accepts it. Examples must be ASCII: values in
// Chinese are prose (names, sentences) that the project does not copy.
func (c *converter) scalarFact(s *schema, raw *value, where, what string, asciiOnly bool) any {
	if raw == nil || raw.kind == kindNull || (raw.kind == kindString && raw.text == "") {
		return nil
	}
	v, ok := typed(s, raw)
	if !ok {
		c.note("%s: %s %q is not a %s; dropped", where, what, raw.str(), s.Type)
		return nil
	}
	if str, isStr := v.(string); isStr && asciiOnly && !isASCII(str) {
		c.counts.nonASCIIExamples++
		return nil
	}
	if why := s.check(v); why != "" {
		c.note("%s: %s %s; dropped", where, what, why)
		return nil
	}
	return v
}

func (c *converter) count(m *value, key, where string) *int {
	raw := m.get(key)
	if raw == nil {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw.str()))
	if err != nil || n < 0 {
		c.note("%s: %s %q is not a count; dropped", where, key, raw.str())
		return nil
	}
	return &n
}

func (c *converter) bound(m *value, key, where string) *float64 {
	raw := m.get(key)
	if raw == nil {
		return nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(raw.str()), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		c.note("%s: %s %q is not a number; dropped", where, key, raw.str())
		return nil
	}
	return &f
}

// typed reads a metadata scalar (often a string whatever the type) as a
// value of the schema's type.
func typed(s *schema, v *value) (any, bool) {
	if v == nil || v.kind == kindNull || v.kind == kindArray || v.kind == kindObject {
		return nil, false
	}
	text := v.text
	switch s.Type {
	case "string":
		return text, true
	case "integer":
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		return n, err == nil
	case "number":
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case "boolean":
		b, err := strconv.ParseBool(strings.ToLower(strings.TrimSpace(text)))
		return b, err == nil
	}
	return nil, false
}

// check says why a scalar breaks the schema, or "" when it holds.
func (s *schema) check(v any) string {
	var f float64
	switch x := v.(type) {
	case string:
		if s.Type != "string" {
			return fmt.Sprintf("%q is not a %s", x, s.Type)
		}
		n := utf8.RuneCountInString(x)
		if s.MaxLength != nil && n > *s.MaxLength {
			return fmt.Sprintf("%q is longer than %d", x, *s.MaxLength)
		}
		if s.MinLength != nil && n < *s.MinLength {
			return fmt.Sprintf("%q is shorter than %d", x, *s.MinLength)
		}
		if s.Pattern != "" && !regexp.MustCompile(s.Pattern).MatchString(x) {
			return fmt.Sprintf("%q does not match %s", x, s.Pattern)
		}
	case int64:
		if s.Type != "integer" && s.Type != "number" {
			return fmt.Sprintf("%d is not a %s", x, s.Type)
		}
		if s.Format == "int32" && (x < math.MinInt32 || x > math.MaxInt32) {
			return fmt.Sprintf("%d is not an int32", x)
		}
		f = float64(x)
	case float64:
		if s.Type != "number" {
			return fmt.Sprintf("%v is not a %s", x, s.Type)
		}
		f = x
	case bool:
		if s.Type != "boolean" {
			return fmt.Sprintf("%v is not a %s", x, s.Type)
		}
	default:
		return fmt.Sprintf("%v is not a scalar", v)
	}
	if _, isNum := v.(int64); isNum || s.Type == "number" {
		if s.Minimum != nil && f < *s.Minimum {
			return fmt.Sprintf("%v is below the minimum %v", v, *s.Minimum)
		}
		if s.Maximum != nil && f > *s.Maximum {
			return fmt.Sprintf("%v is above the maximum %v", v, *s.Maximum)
		}
	}
	if len(s.Enum) > 0 && !slices.Contains(s.Enum, v) {
		return fmt.Sprintf("%#v is not in the enum", v)
	}
	return ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// node renders the schema as YAML, keys in a fixed order.
func (s *schema) node() *yaml.Node {
	n := mapping()
	if s.Type != "" {
		put(n, "type", str(s.Type))
	}
	if s.Format != "" {
		put(n, "format", str(s.Format))
	}
	if s.Pattern != "" {
		put(n, "pattern", str(s.Pattern))
	}
	for _, kv := range []struct {
		key string
		val *int
	}{{"minLength", s.MinLength}, {"maxLength", s.MaxLength}} {
		if kv.val != nil {
			put(n, kv.key, scalar(int64(*kv.val)))
		}
	}
	if s.Minimum != nil {
		put(n, "minimum", scalar(*s.Minimum))
	}
	if s.Maximum != nil {
		put(n, "maximum", scalar(*s.Maximum))
	}
	if s.MinItems != nil {
		put(n, "minItems", scalar(int64(*s.MinItems)))
	}
	if s.MaxItems != nil {
		put(n, "maxItems", scalar(int64(*s.MaxItems)))
	}
	if len(s.Enum) > 0 {
		seq := flowSeq()
		for _, e := range s.Enum {
			seq.Content = append(seq.Content, scalar(e))
		}
		put(n, "enum", seq)
	}
	if s.Default != nil {
		put(n, "default", scalar(s.Default))
	}
	if s.Example != nil {
		put(n, "example", scalar(s.Example))
	}
	if s.Closed {
		put(n, "additionalProperties", scalar(false))
	}
	if len(s.Required) > 0 {
		seq := flowSeq()
		for _, r := range s.Required {
			seq.Content = append(seq.Content, str(r))
		}
		put(n, "required", seq)
	}
	if s.Type == "object" && len(s.Props) > 0 {
		props := mapping()
		for _, p := range s.Props {
			put(props, p.Name, p.Schema.node())
		}
		put(n, "properties", props)
	}
	if s.Items != nil {
		put(n, "items", s.Items.node())
	}
	if len(n.Content) <= 6 && s.Type != "object" && s.Items == nil {
		n.Style = yaml.FlowStyle // short leaves on one line: {type: string, example: abc}
	}
	return n
}

// YAML building helpers.

type node = yaml.Node

func mapping() *node { return &node{Kind: yaml.MappingNode, Tag: "!!map"} }

func flowSeq() *node { return &node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle} }

func blockSeq() *node { return &node{Kind: yaml.SequenceNode, Tag: "!!seq"} }

// str is a string scalar. YAML 1.1 readers (PyYAML, older tools) take
// yes/no/on/off/y/n for booleans; those are quoted for them.
func str(s string) *node {
	n := &node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if yaml11Bool[strings.ToLower(s)] {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

var yaml11Bool = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true}

// scalar renders a typed value; the encoder quotes strings that would
// otherwise read as another type ("20", "true", "2015-12-10T20:00:00Z").
func scalar(v any) *node {
	switch x := v.(type) {
	case string:
		return str(x)
	case int64:
		return &node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(x, 10)}
	case float64:
		return numberNode(x)
	case bool:
		return &node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(x)}
	}
	panic(fmt.Sprintf("importer: not a scalar: %T", v))
}

func numberNode(f float64) *node {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return &node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(int64(f), 10)}
	}
	return &node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(f, 'g', -1, 64)}
}

func put(n *node, key string, val *node) { n.Content = append(n.Content, str(key), val) }
