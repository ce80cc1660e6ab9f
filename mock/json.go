package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// jsonNode is a JSON value that keeps its keys in file order and knows the
// line it starts on, so fixtures render in the order they are written and
// problems point at a line.
type jsonNode struct {
	kind  jsonKind
	keys  []string    // object keys, in order
	items []*jsonNode // object values (parallel to keys) or array items
	text  string      // string value, or the literal of a number/true/false/null
	line  int
	ptr   string // JSON pointer of this value
}

type jsonKind int

const (
	jsonObject jsonKind = iota
	jsonArray
	jsonString
	jsonLiteral // number, true, false, null: written as is
)

// parseJSONTree parses one JSON document, rejecting duplicate keys and
// trailing data.
func parseJSONTree(data []byte) (*jsonNode, error) {
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

func (p *treeParser) value(ptr string) (*jsonNode, error) {
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
	n := &jsonNode{line: p.line(), ptr: ptr}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			n.kind = jsonObject
			for p.dec.More() {
				kt, err := p.dec.Token()
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", p.line(), err)
				}
				key := kt.(string)
				for _, k := range n.keys {
					if k == key {
						return nil, fmt.Errorf("line %d: key %q appears twice", p.line(), key)
					}
				}
				child, err := p.value(ptr + "/" + escapePointer(key))
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, key)
				n.items = append(n.items, child)
			}
		} else {
			n.kind = jsonArray
			for i := 0; p.dec.More(); i++ {
				child, err := p.value(fmt.Sprintf("%s/%d", ptr, i))
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, child)
			}
		}
		if _, err := p.dec.Token(); err != nil { // the closing delimiter
			return nil, fmt.Errorf("line %d: %v", p.line(), err)
		}
	case string:
		n.kind, n.text = jsonString, t
	case json.Number:
		n.kind, n.text = jsonLiteral, t.String()
	case bool:
		n.kind, n.text = jsonLiteral, fmt.Sprint(t)
	case nil:
		n.kind, n.text = jsonLiteral, "null"
	}
	return n, nil
}

// find returns the node at a JSON pointer, or the deepest one on the way.
func (n *jsonNode) find(ptr string) *jsonNode {
	cur := n
	for _, tok := range pointerTokens(ptr) {
		var next *jsonNode
		switch cur.kind {
		case jsonObject:
			for i, k := range cur.keys {
				if k == tok {
					next = cur.items[i]
				}
			}
		case jsonArray:
			var i int
			if _, err := fmt.Sscan(tok, &i); err == nil && i >= 0 && i < len(cur.items) {
				next = cur.items[i]
			}
		}
		if next == nil {
			return cur
		}
		cur = next
	}
	return cur
}
