package report

import (
	"bytes"
	"strconv"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/escape"
)

// The parts of a workbook other than its sheets (ECMA-376 Part 1 for
// SpreadsheetML, Part 2 for the package: content types, relationships,
// core properties), written first: the sheets are known up front.

const (
	nsMain    = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRels    = "http://schemas.openxmlformats.org/package/2006/relationships"
	nsDocRels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

	ctSheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
)

// workbookParts writes xl/workbook.xml, its relationships and the styles.
func (w *xlsxWriter) workbookParts() {
	var sheets, rels bytes.Buffer
	for i, sh := range w.sheets {
		n := strconv.Itoa(i + 1)
		sheets.WriteString(`<sheet name="`)
		escape.WriteXMLText(&sheets, sh.name) // quotes too: fit for an attribute
		sheets.WriteString(`" sheetId="` + n + `" r:id="rId` + n + `"/>`)
		rels.WriteString(`<Relationship Id="rId` + n + `" Type="` + nsDocRels + `/worksheet" Target="worksheets/sheet` + n + `.xml"/>`)
	}
	styles := strconv.Itoa(len(w.sheets) + 1)
	w.writePart("xl/workbook.xml",
		`<workbook xmlns="`+nsMain+`" xmlns:r="`+nsDocRels+`">`,
		`<bookViews><workbookView activeTab="0"/></bookViews>`,
		`<sheets>`, sheets.String(), `</sheets></workbook>`)
	w.writePart("xl/_rels/workbook.xml.rels",
		`<Relationships xmlns="`+nsRels+`">`, rels.String(),
		`<Relationship Id="rId`+styles+`" Type="`+nsDocRels+`/styles" Target="styles.xml"/>`,
		`</Relationships>`)
	w.writePart("xl/styles.xml", stylesXML)
}

// stylesXML is the smallest stylesheet Excel takes: one font, the two
// fills it reserves (none and gray125), one border, the Normal style and
// the one cell format every cell uses (s="0", the default).
const stylesXML = `<styleSheet xmlns="` + nsMain + `">` +
	`<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

// packageParts writes the content types, the package's relationships and
// the core properties.
func (w *xlsxWriter) packageParts() {
	var types bytes.Buffer
	for i := range w.sheets {
		types.WriteString(`<Override PartName="/xl/worksheets/sheet` + strconv.Itoa(i+1) + `.xml" ContentType="` + ctSheet + `"/>`)
	}
	w.writePart("[Content_Types].xml",
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`,
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`,
		`<Default Extension="xml" ContentType="application/xml"/>`,
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`,
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`,
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>`,
		types.String(), `</Types>`)
	w.writePart("_rels/.rels",
		`<Relationships xmlns="`+nsRels+`">`,
		`<Relationship Id="rId1" Type="`+nsDocRels+`/officeDocument" Target="xl/workbook.xml"/>`,
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>`,
		`</Relationships>`)

	// Dates are W3CDTF (Part 2, the core properties: xsi:type required).
	var title, creator bytes.Buffer
	escape.WriteXMLText(&title, w.props.Title)
	escape.WriteXMLText(&creator, w.props.Creator)
	date := w.props.Created.UTC().Format("2006-01-02T15:04:05Z")
	w.writePart("docProps/core.xml",
		`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"`,
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"`,
		` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
		`<dc:title>`, title.String(), `</dc:title><dc:creator>`, creator.String(), `</dc:creator>`,
		`<dcterms:created xsi:type="dcterms:W3CDTF">`, date, `</dcterms:created>`,
		`<dcterms:modified xsi:type="dcterms:W3CDTF">`, date, `</dcterms:modified>`,
		`</cp:coreProperties>`)
}
