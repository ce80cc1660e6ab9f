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

// Text is what the escapers take: a string or bytes alike, so neither is
// converted (and copied) to the other on the way.
type Text interface{ ~string | ~[]byte }

// JSONQuote is s as a JSON string, quotes included.
func JSONQuote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	WriteJSONString(&b, s)
	b.WriteByte('"')
	return b.String()
}

// WriteJSONString writes s escaped for use between the quotes of a JSON string.
// Invalid UTF-8 (a client may send any bytes) becomes U+FFFD, as
// encoding/json does, so the answer is always valid JSON.
func WriteJSONString[T Text](w *bytes.Buffer, s T) {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			if r, size := decodeRune(s[i:]); r == utf8.RuneError && size == 1 {
				write(w, s[start:i])
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
		write(w, s[start:i])
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
	write(w, s[start:])
}

// write appends s to w as it is, a string without a conversion to bytes.
func write[T Text](w *bytes.Buffer, s T) {
	if len(s) == 0 {
		return
	}
	w.Grow(len(s))
	w.Write(append(w.AvailableBuffer(), s...))
}

// decodeRune is utf8.DecodeRune of a string or bytes. The few bytes a rune
// can take are converted on the stack.
func decodeRune[T Text](s T) (rune, int) {
	return utf8.DecodeRuneInString(string(s[:min(len(s), utf8.UTFMax)]))
}
