package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"testing"
)

// The parts other than the sheets are the same bytes for the same task:
// any edit shows here. Each is what ECMA-376 asks for, checked once
// against its schemas: the content types (Defaults for rels and xml, an
// Override per part), the package's relationships (the workbook, the core
// properties), the core properties (W3CDTF dates, UTC), the workbook
// (sheets named in order, the first active), its relationships (the
// sheets, then the styles, unique Ids) and the stylesheet Excel requires
// at the least (the two reserved fills, none and gray125).
var goldenParts = map[string]string{
	"[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`</Types>`,
	"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
		`</Relationships>`,
	"docProps/core.xml": `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>usage-2026-11</dc:title><dc:creator>cdnmock</dc:creator>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-25T12:00:00Z</dcterms:created>` +
		`<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-25T12:00:00Z</dcterms:modified></cp:coreProperties>`,
	"xl/workbook.xml": `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<bookViews><workbookView activeTab="0"/></bookViews>` +
		`<sheets><sheet name="Usage" sheetId="1" r:id="rId1"/><sheet name="Task" sheetId="2" r:id="rId2"/></sheets></workbook>`,
	"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>` +
		`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`</Relationships>`,
	"xl/styles.xml": `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		`<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>` +
		`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
}

// TestWorkbookXMLShape checks the parts the sheets do not vary against
// their golden bytes, and each sheet's shape: its root's children in
// CT_Worksheet's order (sheetViews, cols, sheetData), and only the first
// sheet selected (two selected tabs open grouped, as "[Group]").
func TestWorkbookXMLShape(t *testing.T) {
	parts, _ := unzip(t, sampleTask)
	const header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	for name, want := range goldenParts {
		if got := string(readPart(t, parts[name])); got != header+want {
			t.Errorf("%s:\n%s\nwant\n%s%s", name, got, header, want)
		}
	}
	for i, name := range []string{"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} {
		children, selected := sheetShape(t, readPart(t, parts[name]))
		if want := []string{"sheetViews", "cols", "sheetData"}; !slices.Equal(children, want) {
			t.Errorf("%s: the worksheet's children %q, want %q", name, children, want)
		}
		if selected != (i == 0) {
			t.Errorf("%s: tabSelected %v, want it on the first sheet only", name, selected)
		}
	}
}

// sheetShape gives the names of a worksheet's children, in order, and
// whether a sheetView has tabSelected="1".
func sheetShape(t *testing.T, data []byte) (children []string, selected bool) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return children, selected
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth++; depth == 2 {
				children = append(children, tok.Name.Local)
			}
			for _, a := range tok.Attr {
				if tok.Name.Local == "sheetView" && a.Name.Local == "tabSelected" && strings.TrimSpace(a.Value) == "1" {
					selected = true
				}
			}
		case xml.EndElement:
			depth--
		}
	}
}
