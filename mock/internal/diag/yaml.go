package diag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"
)

// YAMLFile is a parsed YAML document that remembers where each value is,
// so problems can be reported with a line number.
type YAMLFile struct {
	Name string // the file, as problems name it

	root *yaml.Node // the document's top value
	lazy lazyDoc    // LazyYAML: the document, parsed on the first Line (below)
}

// ParseYAML parses one YAML document; name is the file problems name.
func ParseYAML(name string, data []byte) (*YAMLFile, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxError(err, data)
	}
	f := &YAMLFile{Name: name}
	if len(doc.Content) > 0 {
		f.root = doc.Content[0]
	}
	return f, nil
}

// SyntaxError is a document that is not valid YAML.
type SyntaxError struct {
	Line int    // 0 when unknown
	Msg  string // the parser's words, e.g. "did not find expected key"
}

// Error names the line as Problem does: not at all when it is unknown.
func (e *SyntaxError) Error() string {
	if e.Line <= 0 {
		return "not valid YAML: " + e.Msg
	}
	return fmt.Sprintf("line %d: not valid YAML: %s", e.Line, e.Msg)
}

// syntaxError puts the parser's error on a line of the file. An unclosed
// bracket or quote is found only at the end of the input, a line past the
// text: it is reported where the unclosed value starts, else on the last line.
func syntaxError(err error, data []byte) error {
	var le *yaml.LoadError
	if !errors.As(err, &le) {
		return err
	}
	last := bytes.Count(data, []byte("\n"))
	if !bytes.HasSuffix(data, []byte("\n")) {
		last++
	}
	line := le.Mark.Line
	if line > last {
		line = last
		if c := le.ContextMark.Line; c > 0 && c < last {
			line = c
		}
	}
	return &SyntaxError{Line: line, Msg: le.Message}
}

// Root is the document's top value, nil for an empty document.
func (f *YAMLFile) Root() *yaml.Node {
	f.lazy.load(f)
	return f.root
}

// Value converts the document to the JSON-shaped values that JSON Schema
// validators accept: map[string]any, []any, string, json.Number, bool, nil.
func (f *YAMLFile) Value() (any, error) {
	if f.root == nil {
		return nil, nil
	}
	return nodeValue(f.root, 0)
}

// maxDepth bounds nesting, so a self-referencing alias (a: &a [*a]) is an
// error rather than an endless recursion.
const maxDepth = 64

func nodeValue(n *yaml.Node, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("line %d: nested more than %d levels deep (a recursive alias?)", n.Line, maxDepth)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return nodeValue(n.Alias, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: keys must be plain strings", k.Line)
			}
			val, err := nodeValue(v, depth+1)
			if err != nil {
				return nil, err
			}
			m[k.Value] = val
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := nodeValue(c, depth+1)
			if err != nil {
				return nil, err
			}
			s = append(s, val)
		}
		return s, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return nil, err
			}
			return b, nil
		case "!!int", "!!float":
			if _, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err != nil {
				return n.Value, nil // e.g. 0x1F or .inf: keep the text, the schema will say if it matters
			}
			return json.Number(strings.ReplaceAll(n.Value, "_", "")), nil
		default:
			return n.Value, nil
		}
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

// Line returns the line of the value at a JSON pointer ("/a/0/b"), or of the
// deepest value on the way when the pointer goes further than the document.
func (f *YAMLFile) Line(pointer string) int {
	f.lazy.load(f)
	n := f.root
	if n == nil {
		return 0
	}
	line := n.Line
	for _, tok := range PointerTokens(pointer) {
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					next = n.Content[i+1]
					line = n.Content[i].Line // the key's line: where a reader looks
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		if next == nil {
			return line
		}
		if n.Kind == yaml.SequenceNode {
			line = next.Line
		}
		n = next
	}
	return line
}

// PointerTokens splits a JSON pointer into its unescaped tokens.
func PointerTokens(pointer string) []string {
	if pointer == "" || pointer == "/" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

// FieldName turns a JSON pointer into the dotted form used in messages:
// "/operations/Foo/error" becomes "operations.Foo.error".
func FieldName(pointer string) string {
	return strings.Join(PointerTokens(pointer), ".")
}

// LazyYAML returns a YAMLFile whose document is parsed only when a problem
// asks for a line. LoadSpec needs the line index for nothing else, and
// building it for a large spec (the generated one: 166 operations, 430 KB)
// costs about as much as loading the spec itself.
func LazyYAML(name string, data []byte) *YAMLFile {
	return &YAMLFile{Name: name, lazy: lazyDoc{data: data}}
}

// lazyDoc holds the bytes of a YAMLFile not parsed yet.
type lazyDoc struct {
	once sync.Once
	data []byte // nil: the file was parsed when made (ParseYAML)
}

// load parses the document into f once. The caller checked that the data
// is YAML (the OpenAPI loader read it), so an error leaves the file
// without lines: problems then say line 0.
func (l *lazyDoc) load(f *YAMLFile) {
	l.once.Do(func() {
		if l.data == nil {
			return
		}
		var doc yaml.Node
		if yaml.Unmarshal(l.data, &doc) == nil && len(doc.Content) > 0 {
			f.root = doc.Content[0]
		}
		l.data = nil
	})
}

// EscapePointer escapes one token of a JSON pointer (~ and /).
func EscapePointer(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}
