package diag

import (
	"slices"
	"testing"
)

const yamlDoc = `name: x
ops:
  Describe:
    params:
      - name: A
        in: query
      - name: B
  "a/b~c": 1
base: &base
  deep: 2
alias: *base
`

// Line finds the line of the value at a pointer: a key's own line for a
// mapping, an item's for a list, through aliases, and the deepest line on
// the way for a pointer that goes further than the document.
func TestYAMLLine(t *testing.T) {
	parsed, err := ParseYAML("f.yaml", []byte(yamlDoc))
	if err != nil {
		t.Fatal(err)
	}
	lazy := LazyYAML("f.yaml", []byte(yamlDoc))
	for _, c := range []struct {
		ptr  string
		line int
	}{
		{"", 1},
		{"/name", 1},
		{"/ops", 2},
		{"/ops/Describe", 3},
		{"/ops/Describe/params/0", 5},
		{"/ops/Describe/params/0/in", 6},
		{"/ops/Describe/params/1", 7},
		{"/ops/Describe/params/1/name", 7},
		{"/ops/a~1b~0c", 8},           // an escaped key
		{"/alias/deep", 10},           // through the alias, where its value is
		{"/ops/Describe/params/9", 4}, // no such item: the list's key
		{"/ops/Describe/params/x", 4},
		{"/ops/Missing/more", 2}, // no such key: the deepest found
		{"/nothing", 1},
	} {
		if got := parsed.Line(c.ptr); got != c.line {
			t.Errorf("Line(%q) = %d, want %d", c.ptr, got, c.line)
		}
		if got := lazy.Line(c.ptr); got != c.line {
			t.Errorf("lazy Line(%q) = %d, want %d", c.ptr, got, c.line)
		}
	}
	if got := LazyYAML("bad.yaml", []byte("a: [")).Line("/a"); got != 0 {
		t.Errorf("a broken lazy document: line %d, want 0", got)
	}
}

// A syntax error is reported on a line of the file: where the parser stopped,
// or, for an unclosed value found only at the end of the input, where that
// value starts (else the last line), never on a line past the text.
func TestYAMLSyntaxErrorLine(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"a:\n  - b\n c: d\n", "f.yaml:3: not valid YAML: did not find expected key"},
		{"a: 1\nb:\n\tc: d\n", "f.yaml:3: not valid YAML: found character that cannot start any token"},
		{"a: 1\nb: [1, 2\n", "f.yaml:2: not valid YAML: did not find expected ',' or ']'"},
		{"a: 'x\nb: 1\n", "f.yaml:1: not valid YAML: found unexpected end of stream"},
		{"openapi: [\n", "f.yaml:1: not valid YAML: did not find expected node content"},
		{"openapi: [", "f.yaml:1: not valid YAML: did not find expected node content"},
	} {
		_, err := ParseYAML("f.yaml", []byte(c.doc))
		if err == nil {
			t.Errorf("%q: parsed", c.doc)
			continue
		}
		var ps Problems
		ps.AddYAMLError("f.yaml", err)
		if len(ps) != 1 || ps[0].String() != c.want {
			t.Errorf("%q: %v, want %s", c.doc, ps, c.want)
		}
	}
}

// A SyntaxError names its line only when it knows it, as Problem does: never
// "line 0", and what it prints reads back through AddYAMLError's path for
// diag's own errors at the same line.
func TestSyntaxErrorText(t *testing.T) {
	for _, c := range []struct {
		e    SyntaxError
		want string
	}{
		{SyntaxError{Line: 0, Msg: "did not find expected key"}, "not valid YAML: did not find expected key"},
		{SyntaxError{Line: 3, Msg: "did not find expected key"}, "line 3: not valid YAML: did not find expected key"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.e, got, c.want)
		}
		var ps Problems
		ps.addParseError("f.yaml", "", &c.e)
		want := Problem{File: "f.yaml", Line: c.e.Line, Message: "not valid YAML: " + c.e.Msg}
		if len(ps) != 1 || ps[0] != want {
			t.Errorf("%+v read back as %+v, want %+v", c.e, ps, want)
		}
	}
}

func TestPointers(t *testing.T) {
	for _, c := range []struct {
		ptr   string
		toks  []string
		field string
	}{
		{"", nil, ""},
		{"/", nil, ""},
		{"/a", []string{"a"}, "a"},
		{"/operations/Foo/error", []string{"operations", "Foo", "error"}, "operations.Foo.error"},
		{"/a~1b/c~0d/~01", []string{"a/b", "c~d", "~1"}, "a/b.c~d.~1"},
		{"/list/0", []string{"list", "0"}, "list.0"},
	} {
		if got := PointerTokens(c.ptr); !slices.Equal(got, c.toks) {
			t.Errorf("PointerTokens(%q) = %q, want %q", c.ptr, got, c.toks)
		}
		if got := FieldName(c.ptr); got != c.field {
			t.Errorf("FieldName(%q) = %q, want %q", c.ptr, got, c.field)
		}
	}
	// EscapePointer is what PointerTokens undoes.
	for _, tok := range []string{"plain", "a/b", "c~d", "~1", "~0/", "/~"} {
		if got := PointerTokens("/x/" + EscapePointer(tok)); !slices.Equal(got, []string{"x", tok}) {
			t.Errorf("token %q escaped as %q reads back as %q", tok, EscapePointer(tok), got)
		}
	}
}

// A JSON document keeps its keys in order and each value's line and
// pointer; Find goes to a pointer, or as deep as it can.
func TestJSONFind(t *testing.T) {
	root, err := ParseJSON([]byte(`{
  "b": 1,
  "a": {
    "list": [
      "x",
      {"k~/": null}
    ]
  }
}`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(root.Keys, []string{"b", "a"}) {
		t.Errorf("keys %q, want file order", root.Keys)
	}
	for _, c := range []struct {
		ptr, at string
		line    int
	}{
		{"", "", 1},
		{"/b", "/b", 2},
		{"/a/list/0", "/a/list/0", 5},
		{"/a/list/1/k~0~1", "/a/list/1/k~0~1", 6},
		{"/a/list/2", "/a/list", 4}, // no such item
		{"/a/nope/x", "/a", 3},
	} {
		n := root.Find(c.ptr)
		if n.Ptr != c.at || n.Line != c.line {
			t.Errorf("Find(%q) = %q at line %d, want %q at line %d", c.ptr, n.Ptr, n.Line, c.at, c.line)
		}
	}
	for _, bad := range []string{`{"a": 1, "a": 2}`, `{"a": 1} {}`, `{"a": }`, ``} {
		if _, err := ParseJSON([]byte(bad)); err == nil {
			t.Errorf("ParseJSON(%q) accepted", bad)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0},
		{"abc", "abc", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"abc", "abd", 1},   // a substitution
		{"abc", "abcd", 1},  // an insertion
		{"abcd", "acd", 1},  // a deletion
		{"abcd", "abdc", 1}, // a swap of neighbours
		{"ca", "abc", 3},    // optimal string alignment: no edit of a swapped pair
		{"kitten", "sitting", 3},
		{"DescribeUserDomains", "DescribeUserDomain", 1},
		{"DescirbeUserDomains", "DescribeUserDomains", 1},
		{"中文", "中午", 1}, // by runes, not bytes
		{"文中", "中文", 1},
	} {
		if got := EditDistance(c.a, c.b); got != c.d {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
		if got := EditDistance(c.b, c.a); got != c.d {
			t.Errorf("EditDistance(%q, %q) = %d, want %d (symmetric)", c.b, c.a, got, c.d)
		}
	}
}
