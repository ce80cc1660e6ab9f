package report

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/escape"
)

// A minimal SpreadsheetML (ECMA-376 Part 1) writer: a workbook of sheets,
// each of rows of text, time and whole-number cells, streamed into the
// zip, which writes to out as it goes. It writes the parts in the order
// Excel does (xlsxparts.go: the content types, the package relationships,
// the core properties, the workbook, its relationships, the stylesheet),
// then the sheets, one after the other. A row's XML is appended to a
// buffer handed to the zip every 16 KiB, so neither a row nor a sheet is
// held. No theme (the font names its face, not a theme's) and no
// docProps/app.xml, which only names the application.
//
// Text cells are inline strings (t="inlineStr"), not the shared string
// table: a table must hold every distinct string until the last row is
// written, while inline strings stream; Excel turns them into shared ones
// on its first save. Deflate makes the repeated domains cheap.

// cell is one cell's value: text, a number, or a time written as text in
// timeLayout (appended to the row's XML: no string per row).
type cell struct {
	kind cellKind
	text string
	num  int64
	at   time.Time
}

type cellKind uint8

const (
	cellText cellKind = iota
	cellNum
	cellTime
)

func textCell(s string) cell     { return cell{text: s} }
func numCell(n int64) cell       { return cell{kind: cellNum, num: n} }
func timeCell(at time.Time) cell { return cell{kind: cellTime, at: at} }
func textCells(s ...string) []cell {
	out := make([]cell, len(s))
	for i, v := range s {
		out[i] = textCell(v)
	}
	return out
}

const (
	maxCellChars = 32767   // Excel's limit, in UTF-16 code units
	maxSheetRows = 1 << 20 // Excel's limit of rows per sheet
	flushAt      = 16 << 10
)

// docProps are the core properties (docProps/core.xml).
type docProps struct {
	Title, Creator string
	Created        time.Time // also the modification time
}

// sheetSpec names a sheet and gives its first columns' widths (in
// characters). Excel takes names of at most 31 characters, none of
// []:*?/\ : the callers' names are fixed labels.
type sheetSpec struct {
	name   string
	widths []float64
}

// xlsxWriter writes one workbook. Calls after the first error do nothing;
// finish returns that error.
type xlsxWriter struct {
	zw      *zip.Writer
	props   docProps
	sheets  []sheetSpec
	next    int // the index of the sheet nextSheet starts
	maxRows int // per sheet
	part    io.Writer
	buf     bytes.Buffer // the open sheet's XML not yet written to part
	rows    int          // of the open sheet
	err     error
}

// newXLSXWriter starts a workbook of the given sheets, at most maxRows
// rows each, and writes every part but the sheets.
func newXLSXWriter(out io.Writer, props docProps, maxRows int, sheets ...sheetSpec) *xlsxWriter {
	w := &xlsxWriter{zw: zip.NewWriter(out), props: props, sheets: sheets, maxRows: maxRows}
	if len(sheets) == 0 {
		w.err = errors.New("xlsx: a workbook needs a sheet")
	}
	w.packageParts()
	w.workbookParts()
	return w
}

// nextSheet ends the open sheet, if any, and starts the next one.
func (w *xlsxWriter) nextSheet() {
	w.endSheet()
	if w.err == nil && w.next == len(w.sheets) {
		w.err = fmt.Errorf("xlsx: a sheet more than the %d given", len(w.sheets))
	}
	if w.err != nil {
		return
	}
	sh := w.sheets[w.next]
	w.next++
	w.part = w.createEntry(fmt.Sprintf("xl/worksheets/sheet%d.xml", w.next))
	w.rows = 0
	b := &w.buf
	b.WriteString(escape.XMLHeader)
	b.WriteString(`<worksheet xmlns="` + nsMain + `"><sheetViews><sheetView workbookViewId="0"`)
	if w.next == 1 {
		b.WriteString(` tabSelected="1"`)
	}
	b.WriteString(`/></sheetViews>`)
	// CT_Worksheet's sequence: sheetViews, then cols (at least one col,
	// in ascending order), then sheetData.
	if len(sh.widths) > 0 {
		b.WriteString(`<cols>`)
		for i, width := range sh.widths {
			n := strconv.Itoa(i + 1)
			b.WriteString(`<col min="` + n + `" max="` + n + `" width="`)
			b.WriteString(strconv.FormatFloat(width, 'f', -1, 64))
			b.WriteString(`" customWidth="1"/>`)
		}
		b.WriteString(`</cols>`)
	}
	b.WriteString(`<sheetData>`)
}

// full tells whether the open sheet holds maxRows rows.
func (w *xlsxWriter) full() bool { return w.rows >= w.maxRows }

// row adds the next row of the open sheet.
func (w *xlsxWriter) row(cells ...cell) {
	if w.err != nil {
		return
	}
	if w.part == nil {
		w.err = errors.New("xlsx: a row before any sheet")
		return
	}
	if w.full() {
		w.err = fmt.Errorf("xlsx: sheet %q: more than %d rows", w.sheets[w.next-1].name, w.maxRows)
		return
	}
	w.rows++
	b := &w.buf
	var rowNum, val [32]byte
	r := strconv.AppendInt(rowNum[:0], int64(w.rows), 10)
	b.WriteString(`<row r="`)
	b.Write(r)
	b.WriteString(`">`)
	for i, c := range cells {
		b.WriteString(`<c r="`)
		writeColumn(b, i)
		b.Write(r)
		switch c.kind {
		case cellNum:
			b.WriteString(`"><v>`)
			b.Write(strconv.AppendInt(val[:0], c.num, 10))
			b.WriteString(`</v></c>`)
		case cellTime: // digits, '-', ':', 'T', 'Z': nothing to escape
			b.WriteString(`" t="inlineStr"><is><t>`)
			b.Write(c.at.UTC().AppendFormat(val[:0], timeLayout))
			b.WriteString(`</t></is></c>`)
		default:
			b.WriteString(`" t="inlineStr"><is><t`)
			s := truncateCell(c.text)
			if s != strings.TrimSpace(s) {
				b.WriteString(` xml:space="preserve"`)
			}
			b.WriteString(`>`)
			writeCellText(b, s)
			b.WriteString(`</t></is></c>`)
		}
	}
	b.WriteString(`</row>`)
	if b.Len() >= flushAt {
		w.flush()
	}
}

// finish ends the open sheet and writes the zip's directory; every sheet
// given must have been started.
func (w *xlsxWriter) finish() error {
	w.endSheet()
	if w.err == nil && w.next < len(w.sheets) {
		w.err = fmt.Errorf("xlsx: sheet %q never written", w.sheets[w.next].name)
	}
	if err := w.zw.Close(); w.err == nil {
		w.err = err
	}
	return w.err
}

func (w *xlsxWriter) endSheet() {
	if w.part == nil {
		return
	}
	w.buf.WriteString(`</sheetData></worksheet>`)
	w.flush()
	w.part = nil
}

func (w *xlsxWriter) flush() {
	if w.err == nil && w.part != nil {
		_, w.err = w.part.Write(w.buf.Bytes())
	}
	w.buf.Reset()
}

// createEntry starts a zip entry dated the workbook's time, so the same
// workbook is the same bytes. The zip's MS-DOS dates hold 1980 to 2107;
// outside them the entry has no date.
func (w *xlsxWriter) createEntry(name string) io.Writer {
	if w.err != nil {
		return nil
	}
	h := &zip.FileHeader{Name: name, Method: zip.Deflate}
	if t := w.props.Created.UTC(); t.Year() >= 1980 && t.Year() <= 2107 {
		h.Modified = t
	}
	part, err := w.zw.CreateHeader(h)
	w.err = err
	return part
}

// writePart writes a whole part from pieces of XML; only before the
// sheets, as it ends the zip entry a sheet would be writing.
func (w *xlsxWriter) writePart(name string, pieces ...string) {
	if w.err == nil && w.part != nil {
		w.err = fmt.Errorf("xlsx: part %s written while a sheet is open", name)
	}
	part := w.createEntry(name)
	if w.err != nil {
		return
	}
	if _, w.err = io.WriteString(part, escape.XMLHeader); w.err != nil {
		return
	}
	for _, p := range pieces {
		if _, w.err = io.WriteString(part, p); w.err != nil {
			return
		}
	}
}

// writeColumn writes column i's letters (0 is A, 26 is AA).
func writeColumn(b *bytes.Buffer, i int) {
	if i >= 26 {
		writeColumn(b, i/26-1)
	}
	b.WriteByte(byte('A' + i%26))
}

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
