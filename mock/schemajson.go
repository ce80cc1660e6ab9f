package mock

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// leanSchema writes a response schema as the JSON Schema its fixtures are
// checked with (schemaBank): the keywords draft 4 validates, written as
// kin-openapi's MarshalJSON writes them, without what draft 4 does not read
// (examples, descriptions, extensions, nullable…). It is several times
// faster than json.Marshal of the schema, which builds a map for every
// node, and two operations whose schemas differ only in examples get the
// same bytes, so they share one compiled schema. It reports false for a
// schema it does not write exactly: a $ref, an OpenAPI 3.1 keyword, an
// extension not named x-; the caller then uses json.Marshal.
func leanSchema(s *openapi3.Schema) ([]byte, bool) {
	var w leanWriter
	if !w.schema(s) {
		return nil, false
	}
	return w.buf.Bytes(), true
}

type leanWriter struct {
	buf   bytes.Buffer
	first bool
}

// leanIgnored are the Schema fields draft 4 does not validate with: written
// by json.Marshal, ignored by the checker, so leaving them out changes
// nothing. leanWritten are those leanWriter writes. A schema that sets any
// other field is not lean (leanOther).
var (
	leanIgnored = []string{"Extensions", "Origin", "Title", "Description", "Default", "Example", "ExternalDocs",
		"Nullable", "ReadOnly", "WriteOnly", "AllowEmptyValue", "Deprecated", "XML", "Discriminator"}
	leanWritten = []string{"OneOf", "AnyOf", "AllOf", "Not", "Type", "Format", "Enum", "UniqueItems",
		"ExclusiveMin", "ExclusiveMax", "Min", "Max", "MultipleOf", "MinLength", "MaxLength", "Pattern",
		"MinItems", "MaxItems", "Items", "Required", "Properties", "MinProps", "MaxProps", "AdditionalProperties"}
	leanOther = func() []int {
		known := map[string]bool{}
		for _, f := range append(append([]string{}, leanIgnored...), leanWritten...) {
			known[f] = true
		}
		var out []int
		t := reflect.TypeOf(openapi3.Schema{})
		for i := range t.NumField() {
			if !known[t.Field(i).Name] {
				out = append(out, i)
			}
		}
		return out
	}()
)

func (w *leanWriter) key(k string) {
	if !w.first {
		w.buf.WriteByte(',')
	}
	w.first = false
	w.buf.WriteByte('"')
	w.buf.WriteString(k)
	w.buf.WriteString(`":`)
}

func (w *leanWriter) ref(r *openapi3.SchemaRef) bool {
	if r == nil || r.Ref != "" || r.Value == nil {
		return false
	}
	return w.schema(r.Value)
}

func (w *leanWriter) refs(k string, rs openapi3.SchemaRefs) bool {
	if len(rs) == 0 {
		return true
	}
	w.key(k)
	w.buf.WriteByte('[')
	for i, r := range rs {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		if !w.ref(r) {
			return false
		}
	}
	w.buf.WriteByte(']')
	return true
}

func (w *leanWriter) str(s string) { w.buf.WriteString(jsonQuote(s)) }

func (w *leanWriter) num(f float64) { w.buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64)) }

func (w *leanWriter) value(v any) bool {
	b, err := json.Marshal(v)
	w.buf.Write(b)
	return err == nil
}

func (w *leanWriter) schema(s *openapi3.Schema) bool {
	v := reflect.ValueOf(s).Elem()
	for _, i := range leanOther {
		if !v.Field(i).IsZero() {
			return false
		}
	}
	for k := range s.Extensions {
		if !strings.HasPrefix(k, "x-") {
			return false
		}
	}
	if s.ExclusiveMin.Value != nil || s.ExclusiveMax.Value != nil {
		return false
	}
	w.buf.WriteByte('{')
	w.first = true
	if !w.refs("oneOf", s.OneOf) || !w.refs("anyOf", s.AnyOf) || !w.refs("allOf", s.AllOf) {
		return false
	}
	if s.Not != nil {
		w.key("not")
		if !w.ref(s.Not) {
			return false
		}
	}
	if types := s.Type.Slice(); len(types) == 1 {
		w.key("type")
		w.str(types[0])
	} else if len(types) > 1 {
		w.key("type")
		if !w.value(types) {
			return false
		}
	}
	if s.Format != "" {
		w.key("format")
		w.str(s.Format)
	}
	if len(s.Enum) > 0 {
		w.key("enum")
		if !w.value(s.Enum) {
			return false
		}
	}
	if s.UniqueItems {
		w.key("uniqueItems")
		w.buf.WriteString("true")
	}
	for _, b := range []struct {
		k string
		v *bool
	}{{"exclusiveMinimum", s.ExclusiveMin.Bool}, {"exclusiveMaximum", s.ExclusiveMax.Bool}} {
		if b.v != nil {
			w.key(b.k)
			w.buf.WriteString(strconv.FormatBool(*b.v))
		}
	}
	for _, n := range []struct {
		k string
		v *float64
	}{{"minimum", s.Min}, {"maximum", s.Max}, {"multipleOf", s.MultipleOf}} {
		if n.v != nil {
			w.key(n.k)
			w.num(*n.v)
		}
	}
	for _, n := range []struct {
		k     string
		v     uint64
		isSet bool
	}{
		{"minLength", s.MinLength, s.MinLength != 0}, {"minItems", s.MinItems, s.MinItems != 0}, {"minProperties", s.MinProps, s.MinProps != 0},
		{"maxLength", leanUint(s.MaxLength), s.MaxLength != nil}, {"maxItems", leanUint(s.MaxItems), s.MaxItems != nil},
		{"maxProperties", leanUint(s.MaxProps), s.MaxProps != nil},
	} {
		if n.isSet {
			w.key(n.k)
			w.buf.WriteString(strconv.FormatUint(n.v, 10))
		}
	}
	if s.Pattern != "" {
		w.key("pattern")
		w.str(s.Pattern)
	}
	if s.Items != nil {
		w.key("items")
		if !w.ref(s.Items) {
			return false
		}
	}
	if len(s.Required) > 0 {
		w.key("required")
		if !w.value(s.Required) {
			return false
		}
	}
	if len(s.Properties) > 0 {
		w.key("properties")
		w.buf.WriteByte('{')
		names := make([]string, 0, len(s.Properties))
		for name := range s.Properties {
			names = append(names, name)
		}
		sort.Strings(names)
		for i, name := range names {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.str(name)
			w.buf.WriteByte(':')
			if !w.ref(s.Properties[name]) {
				return false
			}
		}
		w.buf.WriteByte('}')
	}
	if ap := s.AdditionalProperties; ap.Has != nil {
		w.key("additionalProperties")
		w.buf.WriteString(strconv.FormatBool(*ap.Has))
	} else if ap.Schema != nil {
		w.key("additionalProperties")
		if !w.ref(ap.Schema) {
			return false
		}
	}
	w.buf.WriteByte('}')
	w.first = false
	return true
}

func leanUint(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}
