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

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/escape"
)

// A minimal SpreadsheetML (ECMA-376 Part 1) writer: a workbook of sheets,
// each of rows of text and whole-number cells, streamed one sheet at a time
// into its zip entry; a row's XML is appended to a buffer written out every
// 16 KiB, so no row outlives its call. It writes only the parts Excel needs:
// the content types, the package and workbook relationships, the core
// properties (title, creator, dates), the workbook, a minimal stylesheet
// (one font, the two fills Excel requires, one border, one cell format)
// and the sheets. No theme (the font names its face, not a theme's) and no
// docProps/app.xml, which only names the application.
//
// Text cells are inline strings (t="inlineStr"), not the shared string
// table: a table must hold every distinct string until the last row is
// written, while inline strings stream; Excel turns them into shared ones
// on its first save. Deflate makes the repeated domains cheap.

// cell is one cell's value: text, or a number when isNum.
type cell struct {
	text  string
	num   int64
	isNum bool
}

func textCell(s string) cell { return cell{text: s} }
func numCell(n int64) cell   { return cell{num: n, isNum: true} }
func textCells(s ...string) []cell {
	out := make([]cell, len(s))
	for i, v := range s {
		out[i] = textCell(v)
	}
	return out
}

const (
	maxCellChars = 32767 // Excel's limit, in UTF-16 code units
	flushAt      = 16 << 10
)

// docProps are the core properties (docProps/core.xml).
type docProps struct {
	Title, Creator string
	Created        time.Time // also the modification time
}

// xlsxWriter writes one workbook. Calls after the first error do nothing;
// finish returns that error.
type xlsxWriter struct {
	zw     *zip.Writer
	props  docProps
	sheets []string // names, in order; the first is the active one
	part   io.Writer
	buf    bytes.Buffer // the open sheet's XML not yet written to part
	rows   int
	err    error
}

func newXLSXWriter(out io.Writer, props docProps) *xlsxWriter {
	return &xlsxWriter{zw: zip.NewWriter(out), props: props}
}

// sheet starts a sheet named name, its first columns widths wide (in
// characters), and ends the one before.
func (w *xlsxWriter) sheet(name string, widths ...float64) {
	w.endSheet()
	w.sheets = append(w.sheets, name)
	w.part = w.create(fmt.Sprintf("xl/worksheets/sheet%d.xml", len(w.sheets)))
	w.rows = 0
	b := &w.buf
	b.WriteString(escape.XMLHeader)
	b.WriteString(`<worksheet xmlns="` + nsMain + `"><sheetViews><sheetView workbookViewId="0"`)
	if len(w.sheets) == 1 {
		b.WriteString(` tabSelected="1"`)
	}
	b.WriteString(`/></sheetViews>`)
	// CT_Worksheet's sequence: sheetViews, then cols (at least one col,
	// in ascending order), then sheetData.
	if len(widths) > 0 {
		b.WriteString(`<cols>`)
		for i, width := range widths {
			n := strconv.Itoa(i + 1)
			b.WriteString(`<col min="` + n + `" max="` + n + `" width="`)
			b.WriteString(strconv.FormatFloat(width, 'f', -1, 64))
			b.WriteString(`" customWidth="1"/>`)
		}
		b.WriteString(`</cols>`)
	}
	b.WriteString(`<sheetData>`)
}

// row adds the next row of the open sheet.
func (w *xlsxWriter) row(cells ...cell) {
	if w.err != nil {
		return
	}
	if w.part == nil {
		w.err = errors.New("xlsx: a row before any sheet")
		return
	}
	if w.rows == maxSheetRows {
		w.err = fmt.Errorf("xlsx: sheet %q: more than %d rows", w.sheets[len(w.sheets)-1], maxSheetRows)
		return
	}
	w.rows++
	b := &w.buf
	var rowNum, val [20]byte
	r := strconv.AppendInt(rowNum[:0], int64(w.rows), 10)
	b.WriteString(`<row r="`)
	b.Write(r)
	b.WriteString(`">`)
	for i, c := range cells {
		b.WriteString(`<c r="`)
		writeColumn(b, i)
		b.Write(r)
		if c.isNum {
			b.WriteString(`"><v>`)
			b.Write(strconv.AppendInt(val[:0], c.num, 10))
			b.WriteString(`</v></c>`)
			continue
		}
		b.WriteString(`" t="inlineStr"><is><t`)
		s := truncateCell(c.text)
		if s != strings.TrimSpace(s) {
			b.WriteString(` xml:space="preserve"`)
		}
		b.WriteString(`>`)
		writeCellText(b, s)
		b.WriteString(`</t></is></c>`)
	}
	b.WriteString(`</row>`)
	if b.Len() >= flushAt {
		w.flush()
	}
}

// finish ends the open sheet, writes the other parts and the zip's
// directory.
func (w *xlsxWriter) finish() error {
	w.endSheet()
	if w.err == nil && len(w.sheets) == 0 {
		w.err = errors.New("xlsx: a workbook needs a sheet")
	}
	w.workbookParts()
	w.packageParts()
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

// create starts a zip entry dated the workbook's time, so the same
// workbook is the same bytes. The zip's MS-DOS dates hold 1980 to 2107;
// outside them the entry has no date.
func (w *xlsxWriter) create(name string) io.Writer {
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

// writePart writes a whole part from pieces of XML.
func (w *xlsxWriter) writePart(name string, pieces ...string) {
	w.buf.Reset()
	w.buf.WriteString(escape.XMLHeader)
	for _, p := range pieces {
		w.buf.WriteString(p)
	}
	w.part = w.create(name)
	w.flush()
	w.part = nil
}

// writeColumn writes column i's letters (0 is A, 26 is AA).
func writeColumn(b *bytes.Buffer, i int) {
	if i >= 26 {
		writeColumn(b, i/26-1)
	}
	b.WriteByte(byte('A' + i%26))
}

// truncateCell cuts s to what a cell holds, as Excel counts.
func truncateCell(s string) string {
	if len(s) <= maxCellChars {
		return s
	}
	n := 0
	for i, r := range s {
		if n += max(utf16.RuneLen(r), 1); n > maxCellChars {
			return s[:i]
		}
	}
	return s
}

// writeCellText writes s as the text of a cell. XML 1.0 cannot hold most
// control characters nor invalid UTF-8: those become U+FFFD (as
// escape.WriteXMLText does for every XML the mock writes). And a cell's
// text is an ST_Xstring (ECMA-376 Part 1, 22.9.2.19), in which _xHHHH_
// stands for the character HHHH: a literal one is kept by writing its
// first underscore as _x005F_, as Excel does (excelize and Excel read it
// back as sent; openpyxl 3.0 shows inline strings undecoded).
func writeCellText(b *bytes.Buffer, s string) {
	for {
		i := indexXstringEscape(s)
		if i < 0 {
			escape.WriteXMLText(b, s)
			return
		}
		escape.WriteXMLText(b, s[:i])
		b.WriteString("_x005F_")
		s = s[i+1:]
	}
}

// indexXstringEscape is the index of s's first _xHHHH_, or -1.
func indexXstringEscape(s string) int {
	for at := 0; ; {
		i := strings.Index(s[at:], "_x")
		if i < 0 {
			return -1
		}
		i += at
		if len(s) >= i+7 && s[i+6] == '_' && isHex(s[i+2:i+6]) {
			return i
		}
		at = i + 1
	}
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
