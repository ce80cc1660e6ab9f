package escape

import (
	"bytes"
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

var escapeCorpus = []string{"", "plain", `a<b&c>"d" 'e' ]]>`, "\t\r\n", "\x00x\x1f\x7f", "中文", "bad\xffutf8\xc3",
	"\ufffd", "\xef\xbf\xbd", "\U0001F600", "\xed\xa0\x80", "\uFFFE", "\u2028<&>", "trail\xe4\xb8"}

// WriteXMLText writes what encoding/xml.EscapeText writes, from a string
// and from bytes alike.
func TestXMLTextAsEncodingXML(t *testing.T) {
	for _, s := range escapeCorpus {
		checkXMLText(t, s)
	}
}

func FuzzXMLText(f *testing.F) {
	for _, s := range escapeCorpus {
		f.Add(s)
	}
	f.Fuzz(checkXMLText)
}

func checkXMLText(t *testing.T, s string) {
	var want, fromString, fromBytes bytes.Buffer
	_ = xml.EscapeText(&want, []byte(s))
	WriteXMLText(&fromString, s)
	WriteXMLText(&fromBytes, []byte(s))
	if fromString.String() != want.String() || fromBytes.String() != want.String() {
		t.Errorf("WriteXMLText(%q) = %q (string), %q (bytes); encoding/xml writes %q", s, fromString.String(), fromBytes.String(), want.String())
	}
}

// WriteJSONString writes the same from a string and from bytes, and
// encoding/json reads it back as it reads its own encoding of s.
func FuzzJSONString(f *testing.F) {
	for _, s := range escapeCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fromString, fromBytes bytes.Buffer
		WriteJSONString(&fromString, s)
		WriteJSONString(&fromBytes, []byte(s))
		if fromString.String() != fromBytes.String() {
			t.Fatalf("WriteJSONString(%q) = %q (string), %q (bytes)", s, fromString.String(), fromBytes.String())
		}
		var got, want string
		marshalled, _ := json.Marshal(s) // invalid UTF-8: U+FFFD a byte
		_ = json.Unmarshal(marshalled, &want)
		if err := json.Unmarshal([]byte(`"`+fromString.String()+`"`), &got); err != nil || got != want {
			t.Fatalf("WriteJSONString(%q) = %q reads back as %q (%v), encoding/json's as %q", s, fromString.String(), got, err, want)
		}
	})
}

// Escaping a string allocates nothing: the buffer has room.
func TestEscapeStringAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	w := bytes.NewBuffer(make([]byte, 0, 4096))
	s := strings.Repeat(`a long run of plain text, longer than the stack's few bytes for a conversion <markup> & "quotes", 中文, bad `+"\xff", 4)
	if n := testing.AllocsPerRun(100, func() {
		w.Reset()
		WriteXMLText(w, s)
		WriteJSONString(w, s)
	}); n != 0 {
		t.Errorf("escaping a string allocates %v times", n)
	}
}
