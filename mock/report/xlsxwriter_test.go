package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"slices"
	"strings"
	"testing"
	"time"
)

// unzip reads an export's parts, by name and in the zip's order.
func unzip(t *testing.T, task Task) (map[string]*zip.File, []string) {
	t.Helper()
	data := makeXLSX(t, task)
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]*zip.File{}
	var order []string
	for _, f := range z.File {
		parts[f.Name] = f
		order = append(order, f.Name)
	}
	return parts, order
}

func readPart(t *testing.T, f *zip.File) []byte {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The content type of each part; .rels and other .xml parts by extension.
var wantContentTypes = map[string]string{
	"rels":                      "application/vnd.openxmlformats-package.relationships+xml",
	"xml":                       "application/xml",
	"/xl/workbook.xml":          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
	"/xl/styles.xml":            "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
	"/docProps/core.xml":        "application/vnd.openxmlformats-package.core-properties+xml",
	"/xl/worksheets/sheet1.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
	"/xl/worksheets/sheet2.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
}

// The package holds the parts Excel needs, in the order Excel writes
// them, each well-formed XML with its content type; every relationship
// names a part it holds, and every part but the content types and the
// relationships is the target of one.
func TestWorkbookParts(t *testing.T) {
	parts, order := unzip(t, withParams("Language", "en-us", "DomainNames", "<&>.example.com"))
	want := []string{"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "xl/workbook.xml",
		"xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}
	if !slices.Equal(order, want) {
		t.Fatalf("parts %q, want %q", order, want)
	}
	typed := map[string]bool{}
	targeted := map[string]bool{}
	typesSeen := map[string]bool{}
	for name, f := range parts {
		d := xml.NewDecoder(bytes.NewReader(readPart(t, f)))
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not well-formed: %v", name, err)
			}
			se, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			attr := func(n string) string {
				for _, a := range se.Attr {
					if a.Name.Local == n {
						return a.Value
					}
				}
				return ""
			}
			switch se.Name.Local {
			case "Default", "Override":
				key := attr("Extension") + attr("PartName")
				typesSeen[key] = true
				if ct := attr("ContentType"); ct != wantContentTypes[key] {
					t.Errorf("%s: %s has content type %q, want %q", name, key, ct, wantContentTypes[key])
				}
				if se.Name.Local == "Default" {
					continue
				}
				typed[strings.TrimPrefix(attr("PartName"), "/")] = true
				if parts[strings.TrimPrefix(attr("PartName"), "/")] == nil {
					t.Errorf("%s: a content type for %s, which is not in the package", name, attr("PartName"))
				}
			case "Relationship":
				// A target is relative to the folder of the part the
				// .rels file describes (OPC, Part 2).
				base := path.Dir(path.Dir(name))
				target := path.Join(base, attr("Target"))
				targeted[target] = true
				if parts[target] == nil {
					t.Errorf("%s: relationship %s names %s, which is not in the package", name, attr("Id"), target)
				}
			}
		}
	}
	for name := range parts {
		if strings.HasSuffix(name, ".rels") || name == "[Content_Types].xml" {
			continue
		}
		if !typed[name] {
			t.Errorf("%s has no content type Override", name)
		}
		if !targeted[name] {
			t.Errorf("%s is the target of no relationship: readers never find it", name)
		}
	}
	for key := range wantContentTypes {
		if !typesSeen[key] {
			t.Errorf("[Content_Types].xml lacks %s", key)
		}
	}
}

// The same task is the same bytes, whatever the zone of its finish time;
// each entry is dated that time; a time the zip cannot date leaves the
// entries undated.
func TestWorkbookBytesAndDates(t *testing.T) {
	a := makeXLSX(t, sampleTask)
	shanghai := sampleTask
	shanghai.Done = sampleTask.Done.In(time.FixedZone("CST", 8*3600))
	if b := makeXLSX(t, shanghai); !bytes.Equal(a, b) {
		t.Error("the same finish time in another zone gives other bytes")
	}
	parts, _ := unzip(t, sampleTask)
	for name, f := range parts {
		if !f.Modified.Equal(sampleTask.Done) {
			t.Errorf("%s: dated %v, want the task's finish %v", name, f.Modified, sampleTask.Done)
		}
	}
	old := sampleTask
	old.Done = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	parts, _ = unzip(t, old)
	for name, f := range parts {
		if f.ModifiedDate != 0 || f.ModifiedTime != 0 {
			t.Errorf("%s: dated %v for a finish in 1970, want undated", name, f.Modified)
		}
	}
}

// Rows as XML: cell references, numbers without a type, text with edge
// spaces kept (xml:space="preserve", else Excel trims them).
func TestRowXML(t *testing.T) {
	var out bytes.Buffer
	w := newXLSXWriter(&out, docProps{}, 10, sheetSpec{name: "S"})
	w.nextSheet()
	cells := []cell{textCell(" a"), numCell(-42), textCell("b"), textCell("c\n")}
	for range 24 {
		cells = append(cells, numCell(1))
	}
	w.row(cells...)
	if err := w.finish(); err != nil {
		t.Fatal(err)
	}
	z, _ := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	sheet := string(readPart(t, z.File[len(z.File)-1]))
	for _, want := range []string{
		`<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> a</t></is></c><c r="B1"><v>-42</v></c>`,
		`<c r="C1" t="inlineStr"><is><t>b</t></is></c><c r="D1" t="inlineStr"><is><t xml:space="preserve">c&#xA;</t></is></c>`,
		`<c r="Z1"><v>1</v></c><c r="AA1"><v>1</v></c><c r="AB1"><v>1</v></c></row>`,
	} {
		if !strings.Contains(sheet, want) {
			t.Errorf("sheet1.xml lacks %s:\n%s", want, sheet)
		}
	}
}

func TestWriterErrors(t *testing.T) {
	s := sheetSpec{name: "S"}
	for name, write := range map[string]func() *xlsxWriter{
		"no sheet": func() *xlsxWriter { return newXLSXWriter(io.Discard, docProps{}, 2) },
		"row before": func() *xlsxWriter {
			w := newXLSXWriter(io.Discard, docProps{}, 2, s)
			w.row(textCell("a"))
			w.nextSheet()
			return w
		},
		"too many rows": func() *xlsxWriter {
			w := newXLSXWriter(io.Discard, docProps{}, 2, s)
			w.nextSheet()
			w.row()
			w.row()
			w.row()
			return w
		},
		"a sheet not given": func() *xlsxWriter {
			w := newXLSXWriter(io.Discard, docProps{}, 2, s)
			w.nextSheet()
			w.nextSheet()
			return w
		},
		"a sheet not written": func() *xlsxWriter {
			w := newXLSXWriter(io.Discard, docProps{}, 2, s, s)
			w.nextSheet()
			return w
		},
		"a part in a sheet": func() *xlsxWriter {
			w := newXLSXWriter(io.Discard, docProps{}, 2, s)
			w.nextSheet()
			w.writePart("x.xml", "<x/>")
			return w
		},
	} {
		if err := write().finish(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}

	// A failed write to out stops the rows at once, not at finish: the
	// row whose flush failed leaves the writer done, with out's error.
	out := &failAfter{n: 8 << 10}
	w := newXLSXWriter(out, docProps{}, 1<<20, s)
	w.nextSheet()
	for i := 0; !out.failed && i < 1<<20; i++ {
		w.row(textCell("a.example.com"), numCell(int64(i)*7919))
	}
	if !out.failed {
		t.Fatal("out never failed")
	}
	if !w.done() || !errors.Is(w.err, errGone) {
		t.Errorf("after out failed: done %t, error %v; want done with %v", w.done(), w.err, errGone)
	}
	if err := w.finish(); !errors.Is(err, errGone) {
		t.Errorf("finish: %v, want %v", err, errGone)
	}
}

// The sheet's rows reach out as they are written, not at finish: most of
// the file is out before it. And done() stops at maxRows.
func TestWriterStreams(t *testing.T) {
	var out countingWriter
	w := newXLSXWriter(&out, docProps{}, 10_000, sheetSpec{name: "S"})
	w.nextSheet()
	for i := 0; !w.done(); i++ {
		w.row(textCell("a.example.com"), numCell(int64(i)*7919), numCell(int64(i)))
	}
	before := out
	if err := w.finish(); err != nil {
		t.Fatal(err)
	}
	if w.rows != 10_000 || before < out/2 {
		t.Errorf("%d rows; %d of the file's %d bytes out before finish, want at least half", w.rows, before, out)
	}
}
