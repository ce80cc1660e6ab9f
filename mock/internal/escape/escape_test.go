package escape

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

// JSONQuote always gives valid JSON that reads back as s, with invalid UTF-8
// as U+FFFD, as encoding/json does.
func TestQuoteReadsBack(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s`, "\n\r\t\x00\x1f\x7f", "中文", "bad\xffutf8\xc3", "<&>\u2028"} {
		var got string
		if err := json.Unmarshal([]byte(JSONQuote(s)), &got); err != nil {
			t.Fatalf("JSONQuote(%q) = %s: %v", s, JSONQuote(s), err)
		}
		if want := strings.ToValidUTF8(s, "\ufffd"); got != want {
			t.Errorf("JSONQuote(%q) reads back as %q, want %q", s, got, want)
		}
	}
}

// XMLText always gives character data that reads back as s, with what XML
// cannot hold (invalid UTF-8, control characters but tab, CR and LF) as
// U+FFFD.
func TestXMLTextReadsBack(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{`a<b&c>"d" 'e' ]]>`, `a<b&c>"d" 'e' ]]>`},
		{"\t\r\n", "\t\r\n"},
		{"\x00x\x1f", "\ufffdx\ufffd"},
		{"中文", "中文"},
		{"bad\xffutf8", "bad\ufffdutf8"},
	} {
		var got string
		doc := "<a>" + XMLText(c.in) + "</a>"
		if err := xml.Unmarshal([]byte(XMLHeader+doc), &got); err != nil {
			t.Fatalf("XMLText(%q) = %s: %v", c.in, doc, err)
		}
		if got != c.want {
			t.Errorf("XMLText(%q) reads back as %q, want %q", c.in, got, c.want)
		}
	}
}
