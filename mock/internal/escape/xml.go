package escape

import (
	"bytes"
	"unicode/utf8"
)

// XMLHeader starts every XML answer, success or error.
const XMLHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// XMLText is s escaped as XML character data.
func XMLText(s string) string {
	var b bytes.Buffer
	WriteXMLText(&b, s)
	return b.String()
}

// WriteXMLText writes s escaped as XML character data, as
// encoding/xml.EscapeText does (TestXMLTextAsEncodingXML holds them
// equal): markup characters and tab, CR and LF as references, and what
// XML cannot hold (invalid UTF-8, other control characters) as U+FFFD.
// It takes a string as it is: EscapeText's io.Writer makes a caller copy
// a string into bytes that escape to the heap.
func WriteXMLText[T Text](w *bytes.Buffer, s T) {
	last := 0
	for i := 0; i < len(s); {
		r, width := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, width = decodeRune(s[i:])
		}
		i += width
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if !inXMLRange(r) || (r == utf8.RuneError && width == 1) {
				esc = "\uFFFD"
				break
			}
			continue
		}
		write(w, s[last:i-width])
		w.WriteString(esc)
		last = i
	}
	write(w, s[last:])
}

// inXMLRange says whether XML can hold r (the Char production).
func inXMLRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
