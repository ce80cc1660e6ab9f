// Package escape writes strings into JSON and XML by hand, for the answers
// the mock builds without encoding/json or encoding/xml's marshalling:
// fixtures rendered from compiled programs, the API's error envelope and
// the admin API's plain errors. It is the one place that escapes text for
// either format.
package escape

import (
	"bytes"
	"unicode/utf8"
)

// JSONQuote is s as a JSON string, quotes included.
func JSONQuote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	WriteJSONString(&b, []byte(s))
	b.WriteByte('"')
	return b.String()
}

// WriteJSONString writes s escaped for use between the quotes of a JSON string.
// Invalid UTF-8 (a client may send any bytes) becomes U+FFFD, as
// encoding/json does, so the answer is always valid JSON.
func WriteJSONString(w *bytes.Buffer, s []byte) {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRune(s[i:]); r == utf8.RuneError && size == 1 {
				w.Write(s[start:i])
				w.WriteString("\ufffd")
				start = i + 1
			} else {
				i += size - 1
			}
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		w.Write(s[start:i])
		switch c {
		case '"', '\\':
			w.WriteByte('\\')
			w.WriteByte(c)
		case '\n':
			w.WriteString(`\n`)
		case '\r':
			w.WriteString(`\r`)
		case '\t':
			w.WriteString(`\t`)
		default:
			w.WriteString(`\u00`)
			w.WriteByte(hex[c>>4])
			w.WriteByte(hex[c&0xF])
		}
		start = i + 1
	}
	w.Write(s[start:])
}
