package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// value is a decoded JSON value that keeps object keys in document order:
// the metadata's property order becomes the spec's and the fixtures' order,
// so output follows the input, and the same input gives the same bytes.
type value struct {
	kind kind
	text string   // a string, or the literal of a number, true or false
	keys []string // object keys, in order
	vals []*value // object values (parallel to keys) or array items
}

type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// decodeJSON parses one JSON document, rejecting trailing data.
func decodeJSON(data []byte) (*value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the top-level value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (*value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		v := &value{kind: kindArray}
		if t == '{' {
			v.kind = kindObject
		}
		for dec.More() {
			if v.kind == kindObject {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v.keys = append(v.keys, kt.(string))
			}
			item, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			v.vals = append(v.vals, item)
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return v, nil
	case string:
		return &value{kind: kindString, text: t}, nil
	case json.Number:
		return &value{kind: kindNumber, text: t.String()}, nil
	case bool:
		return &value{kind: kindBool, text: strconv.FormatBool(t)}, nil
	case nil:
		return &value{kind: kindNull}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// get returns an object's member, or nil (also on nil or non-objects).
func (v *value) get(key string) *value {
	if v == nil || v.kind != kindObject {
		return nil
	}
	for i, k := range v.keys {
		if k == key {
			return v.vals[i]
		}
	}
	return nil
}

// str is a scalar's text ("" for nil, null, arrays and objects). The
// metadata writes most numbers and booleans as strings; str reads both.
func (v *value) str() string {
	if v == nil || v.kind == kindNull || v.kind == kindArray || v.kind == kindObject {
		return ""
	}
	return v.text
}

// truthy reports a true boolean, or the string "true".
func (v *value) truthy() bool {
	return v != nil && (v.kind == kindBool || v.kind == kindString) && strings.EqualFold(strings.TrimSpace(v.text), "true")
}

// writeJSON writes v indented by two spaces, keys in order, without HTML
// escaping (fixtures hold templates such as {{ or .Params.X "a<b" }}).
func writeJSON(w *bytes.Buffer, v *value, indent string) {
	switch v.kind {
	case kindObject:
		if len(v.keys) == 0 {
			w.WriteString("{}")
			return
		}
		w.WriteString("{\n")
		for i, k := range v.keys {
			w.WriteString(indent + "  ")
			writeJSONString(w, k)
			w.WriteString(": ")
			writeJSON(w, v.vals[i], indent+"  ")
			if i < len(v.keys)-1 {
				w.WriteByte(',')
			}
			w.WriteByte('\n')
		}
		w.WriteString(indent + "}")
	case kindArray:
		if len(v.vals) == 0 {
			w.WriteString("[]")
			return
		}
		w.WriteString("[\n")
		for i, item := range v.vals {
			w.WriteString(indent + "  ")
			writeJSON(w, item, indent+"  ")
			if i < len(v.vals)-1 {
				w.WriteByte(',')
			}
			w.WriteByte('\n')
		}
		w.WriteString(indent + "]")
	case kindString:
		writeJSONString(w, v.text)
	case kindNull:
		w.WriteString("null")
	default:
		w.WriteString(v.text)
	}
}

func writeJSONString(w *bytes.Buffer, s string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	w.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
