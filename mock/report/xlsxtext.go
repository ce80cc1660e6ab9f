package report

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/escape"
)

// A cell's text as Excel reads it: cut at its length limit, and escaped
// for XML and for SpreadsheetML's own _xHHHH_ escapes.

// truncateCell cuts s to what a cell holds, as Excel counts. Invalid
// UTF-8 counts one unit a byte: ranging over s gives U+FFFD for each.
func truncateCell(s string) string {
	if len(s) <= maxCellChars {
		return s
	}
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > maxCellChars {
			return s[:i]
		}
	}
	return s
}

// writeCellText writes s as the text of a cell, an ST_Xstring (ECMA-376
// Part 1, 22.9.2.19), in which _xHHHH_ stands for the character HHHH. As
// Excel writes it: the control characters XML 1.0 cannot hold (C0 but
// tab, LF and CR), and U+FFFE and U+FFFF, go as _x00HH_, _xFFFE_,
// _xFFFF_; a literal _xHHHH_ keeps its text by writing its first
// underscore as _x005F_ (so does one that an escape right after would
// close). Invalid UTF-8 and surrogates, which nothing can carry, become
// U+FFFD (escape.WriteXMLText, as every XML the mock writes). Excel,
// excelize and LibreOffice read all of it back as sent; openpyxl 3.0
// shows inline strings undecoded.
func writeCellText(b *bytes.Buffer, s string) {
	from := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '_' && startsXstringEscape(s[i:]):
			escape.WriteXMLText(b, s[from:i])
			b.WriteString("_x005F_")
			from = i + 1
		case xstringEscaped(r):
			escape.WriteXMLText(b, s[from:i])
			fmt.Fprintf(b, "_x%04X_", r)
			from = i + size
		}
		i += size
	}
	escape.WriteXMLText(b, s[from:])
}

// xstringEscaped tells a character written as _xHHHH_.
func xstringEscaped(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
}

// startsXstringEscape tells whether s starts with _xHHHH followed by an
// underscore or by a character written as _xHHHH_: a reader would take
// them for an escape.
func startsXstringEscape(s string) bool {
	if len(s) < 7 || s[1] != 'x' || !isHex(s[2:6]) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[6:])
	return r == '_' || xstringEscaped(r)
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
