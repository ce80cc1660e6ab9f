package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"text/template"
	"text/template/parse"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// Splices: a fixture string whose whole text is one {{ json EXPR }} action
// is not a string. Its value is written as the raw JSON that json makes
// (a number, an array, an object…) in JSON answers, and as XML elements in
// XML answers, the way fixture values are written (xmlwrite.go): an object as
// nested elements, an array as its element repeated once per item. So
//
//	"TotalCount": "{{ json .Page.Total }}"   →  "TotalCount":3   /  <TotalCount>3</TotalCount>
//	"DataItem": "{{ json .Page.Items }}"     →  "DataItem":[{…}] /  <DataItem>…</DataItem><DataItem>…</DataItem>
//
// A splice is checked like any fixture value: rendered with sample values at
// load, it must match the response schema.

// jsonFunc is the template function json: v as compact JSON, HTML left
// unescaped. Outside a splice its text is an ordinary string value.
func jsonFunc(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// isSplice reports whether a fixture string's template is a splice: one
// action, and nothing else, whose pipeline is a single call of json.
func isSplice(t *template.Template) bool {
	if t.Tree == nil || t.Tree.Root == nil || len(t.Tree.Root.Nodes) != 1 {
		return false
	}
	a, ok := t.Tree.Root.Nodes[0].(*parse.ActionNode)
	if !ok || len(a.Pipe.Decl) > 0 || len(a.Pipe.Cmds) != 1 {
		return false
	}
	id, ok := a.Pipe.Cmds[0].Args[0].(*parse.IdentifierNode)
	return ok && id.Ident == "json"
}

// writeSplice writes a splice's JSON text as the value of key: as is in
// JSON, as elements named key in XML.
func writeSplice(w *bytes.Buffer, key string, text []byte, f format) error {
	if f == asJSON {
		w.Write(text)
		return nil
	}
	n, err := diag.ParseJSON(text)
	if err != nil {
		return fmt.Errorf("json splice for %s: %v", key, err)
	}
	// A key that is no XML name fails the render (the answer is then a
	// Mock.FixtureError, written afresh).
	if err := writeXMLTree(func(s string) { w.WriteString(s) }, key, n, xmlHooks{}); err != nil { // xmlwrite.go
		return fmt.Errorf("json splice for %s: %v", key, err)
	}
	return nil
}
