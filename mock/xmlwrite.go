package mock

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// The one way fixture values become XML, at load (compileXML) and at run
// time for spliced values (writeSplice): Alibaba's layout, each key an
// element, an array as the element repeated once per item with no wrapper
// of its own, an object as nested elements, null as an empty element.
// Element names must be XML names (validXMLName): a fixture key that is
// not one is a load problem, a spliced one a render error; neither is
// ever written.

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

var xmlName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// validXMLName reports whether key can be an element name as written: a
// conservative ASCII subset of XML names, with no namespace colon.
func validXMLName(key string) bool { return xmlName.MatchString(key) }

// xmlHooks let the compiler put templates where values go; at run time
// there are none.
type xmlHooks struct {
	element func(key string, n *diag.JSONNode) bool // writes n's element(s) itself (a splice)
	text    func(n *diag.JSONNode) bool             // writes n's text itself (a template)
}

// writeXMLTree writes n as the value of key to out.
func writeXMLTree(out func(string), key string, n *diag.JSONNode, h xmlHooks) error {
	if !validXMLName(key) {
		return fmt.Errorf("key %q cannot be an XML element name", key)
	}
	if h.element != nil && h.element(key, n) {
		return nil
	}
	switch n.Kind {
	case diag.JSONArray:
		for _, item := range n.Items {
			if err := writeXMLTree(out, key, item, h); err != nil {
				return err
			}
		}
		return nil
	case diag.JSONObject:
		out("<" + key + ">")
		for i, k := range n.Keys {
			if err := writeXMLTree(out, k, n.Items[i], h); err != nil {
				return err
			}
		}
	case diag.JSONString:
		out("<" + key + ">")
		if h.text == nil || !h.text(n) {
			out(xmlText(n.Text))
		}
	default: // a number, true or false as JSON writes them; null is empty
		out("<" + key + ">")
		if n.Text != "null" {
			out(n.Text)
		}
	}
	out("</" + key + ">")
	return nil
}

// xmlText is s escaped as XML character data.
func xmlText(s string) string {
	var b bytes.Buffer
	writeXMLText(&b, []byte(s))
	return b.String()
}

// writeXMLText writes s escaped as XML character data; characters XML
// cannot hold become U+FFFD.
func writeXMLText(w *bytes.Buffer, s []byte) { _ = xml.EscapeText(w, s) }
