package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"
	"time"
)

// unzip reads an export's parts.
func unzip(t *testing.T, task Task) map[string]*zip.File {
	t.Helper()
	data, err := DetailXLSX(task)
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]*zip.File{}
	for _, f := range z.File {
		parts[f.Name] = f
	}
	return parts
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

// The package holds the parts Excel needs, each well-formed XML, each
// with a content type, and every relationship names a part it holds.
func TestWorkbookParts(t *testing.T) {
	parts := unzip(t, withParams("Language", "en-us", "DomainNames", "<&>.example.com"))
	want := []string{"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "xl/_rels/workbook.xml.rels",
		"xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}
	if got := slices.Sorted(maps.Keys(parts)); !slices.Equal(got, want) {
		t.Fatalf("parts %q, want %q", got, want)
	}
	typed := map[string]bool{}
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
			case "Override":
				typed[strings.TrimPrefix(attr("PartName"), "/")] = true
				if parts[strings.TrimPrefix(attr("PartName"), "/")] == nil {
					t.Errorf("%s: a content type for %s, which is not in the package", name, attr("PartName"))
				}
			case "Relationship":
				// A target is relative to the folder of the part the
				// .rels file describes (OPC, Part 2).
				base := path.Dir(path.Dir(name))
				if target := path.Join(base, attr("Target")); parts[target] == nil {
					t.Errorf("%s: relationship %s names %s, which is not in the package", name, attr("Id"), target)
				}
			}
		}
	}
	for name := range parts {
		if !typed[name] && !strings.HasSuffix(name, ".rels") && name != "[Content_Types].xml" {
			t.Errorf("%s has no content type Override", name)
		}
	}
}

// The same task is the same bytes, whatever the zone of its finish time;
// each entry is dated that time; a time the zip cannot date leaves the
// entries undated.
func TestWorkbookBytesAndDates(t *testing.T) {
	a, err := DetailXLSX(sampleTask)
	if err != nil {
		t.Fatal(err)
	}
	shanghai := sampleTask
	shanghai.Done = sampleTask.Done.In(time.FixedZone("CST", 8*3600))
	if b, _ := DetailXLSX(shanghai); !bytes.Equal(a, b) {
		t.Error("the same finish time in another zone gives other bytes")
	}
	for name, f := range unzip(t, sampleTask) {
		if !f.Modified.Equal(sampleTask.Done) {
			t.Errorf("%s: dated %v, want the task's finish %v", name, f.Modified, sampleTask.Done)
		}
	}
	old := sampleTask
	old.Done = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, f := range unzip(t, old) {
		if f.ModifiedDate != 0 || f.ModifiedTime != 0 {
			t.Errorf("%s: dated %v for a finish in 1970, want undated", name, f.Modified)
		}
	}
}

func TestCellText(t *testing.T) {
	for in, want := range map[string]string{
		"a.example.com":         "a.example.com",
		`<&>"'`:                 "&lt;&amp;&gt;&#34;&#39;",
		"a\x01\xffb\uFFFE":      "a\uFFFD\uFFFDb\uFFFD",
		"\t\r\n𝄞":               "&#x9;&#xD;&#xA;𝄞",
		"_x0041_":               "_x005F_x0041_",
		"_x0041_x00fF_":         "_x005F_x0041_x005F_x00fF_",
		"__x0041_":              "__x005F_x0041_",
		"_x004_ _xZZZZ_ _x0041": "_x004_ _xZZZZ_ _x0041",
	} {
		var b bytes.Buffer
		writeCellText(&b, in)
		if b.String() != want {
			t.Errorf("%q: %q, want %q", in, b.String(), want)
		}
	}
}

// Rows as XML: cell references, numbers without a type, text with edge
// spaces kept (xml:space="preserve", else Excel trims them).
func TestRowXML(t *testing.T) {
	var out bytes.Buffer
	w := newXLSXWriter(&out, docProps{})
	w.sheet("S")
	cells := []cell{textCell(" a"), numCell(-42), textCell("b"), textCell("c\n")}
	for range 24 {
		cells = append(cells, numCell(1))
	}
	w.row(cells...)
	if err := w.finish(); err != nil {
		t.Fatal(err)
	}
	z, _ := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	sheet := string(readPart(t, z.File[0]))
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
	defer func(n int) { maxSheetRows = n }(maxSheetRows)
	maxSheetRows = 2
	for name, write := range map[string]func(w *xlsxWriter){
		"no sheet":      func(w *xlsxWriter) {},
		"row before":    func(w *xlsxWriter) { w.row(textCell("a")); w.sheet("S") },
		"too many rows": func(w *xlsxWriter) { w.sheet("S"); w.row(); w.row(); w.row() },
	} {
		w := newXLSXWriter(io.Discard, docProps{})
		write(w)
		if err := w.finish(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
