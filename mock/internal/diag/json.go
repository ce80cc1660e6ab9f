package diag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// JSONNode is a JSON value that keeps its keys in file order and knows the
// line it starts on, so fixtures render in the order they are written and
// problems point at a line.
type JSONNode struct {
	Kind  JSONKind
	Keys  []string    // object keys, in order
	Items []*JSONNode // object values (parallel to Keys) or array items
	Text  string      // string value, or the literal of a number/true/false/null
	Line  int
	Ptr   string // JSON pointer of this value
}

// JSONKind is what a JSONNode holds.
type JSONKind int

const (
	JSONObject JSONKind = iota
	JSONArray
	JSONString
	JSONLiteral // number, true, false, null: written as is
)

// ParseJSON parses one JSON document, rejecting duplicate keys and
// trailing data.
func ParseJSON(data []byte) (*JSONNode, error) {
	p := &treeParser{dec: json.NewDecoder(bytes.NewReader(data)), lines: lineStarts(data)}
	p.dec.UseNumber()
	n, err := p.value("")
	if err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("line %d: unexpected data after the top-level value", p.line())
	}
	return n, nil
}

type treeParser struct {
	dec   *json.Decoder
	lines []int64 // offset where each line starts
}

func lineStarts(data []byte) []int64 {
	starts := []int64{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, int64(i+1))
		}
	}
	return starts
}

// line is the line of the last token read.
func (p *treeParser) line() int {
	off := p.dec.InputOffset() - 1
	return sort.Search(len(p.lines), func(i int) bool { return p.lines[i] > off })
}

func (p *treeParser) value(ptr string) (*JSONNode, error) {
	tok, err := p.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("line %d: %v", sort.Search(len(p.lines), func(i int) bool { return p.lines[i] > se.Offset-1 }), err)
		}
		if err == io.EOF {
			return nil, fmt.Errorf("line %d: unexpected end of JSON", len(p.lines))
		}
		return nil, fmt.Errorf("line %d: %v", p.line(), err)
	}
	n := &JSONNode{Line: p.line(), Ptr: ptr}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			n.Kind = JSONObject
			for p.dec.More() {
				kt, err := p.dec.Token()
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", p.line(), err)
				}
				key := kt.(string)
				for _, k := range n.Keys {
					if k == key {
						return nil, fmt.Errorf("line %d: key %q appears twice", p.line(), key)
					}
				}
				child, err := p.value(ptr + "/" + EscapePointer(key))
				if err != nil {
					return nil, err
				}
				n.Keys = append(n.Keys, key)
				n.Items = append(n.Items, child)
			}
		} else {
			n.Kind = JSONArray
			for i := 0; p.dec.More(); i++ {
				child, err := p.value(fmt.Sprintf("%s/%d", ptr, i))
				if err != nil {
					return nil, err
				}
				n.Items = append(n.Items, child)
			}
		}
		if _, err := p.dec.Token(); err != nil { // the closing delimiter
			return nil, fmt.Errorf("line %d: %v", p.line(), err)
		}
	case string:
		n.Kind, n.Text = JSONString, t
	case json.Number:
		n.Kind, n.Text = JSONLiteral, t.String()
	case bool:
		n.Kind, n.Text = JSONLiteral, fmt.Sprint(t)
	case nil:
		n.Kind, n.Text = JSONLiteral, "null"
	}
	return n, nil
}

// Find returns the node at a JSON pointer, or the deepest one on the way.
func (n *JSONNode) Find(ptr string) *JSONNode {
	cur := n
	for _, tok := range PointerTokens(ptr) {
		var next *JSONNode
		switch cur.Kind {
		case JSONObject:
			for i, k := range cur.Keys {
				if k == tok {
					next = cur.Items[i]
				}
			}
		case JSONArray:
			var i int
			if _, err := fmt.Sscan(tok, &i); err == nil && i >= 0 && i < len(cur.Items) {
				next = cur.Items[i]
			}
		}
		if next == nil {
			return cur
		}
		cur = next
	}
	return cur
}
