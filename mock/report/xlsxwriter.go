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

// done tells whether the open sheet takes no more rows: it holds maxRows,
// or a write failed (the client went away). A caller making rows stops
// at done, so a gone client costs no more rows.
func (w *xlsxWriter) done() bool { return w.rows >= w.maxRows || w.err != nil }

// row adds the next row of the open sheet.
func (w *xlsxWriter) row(cells ...cell) {
	if w.err != nil {
		return
	}
	if w.part == nil {
		w.err = errors.New("xlsx: a row before any sheet")
		return
	}
	if w.rows >= w.maxRows {
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
