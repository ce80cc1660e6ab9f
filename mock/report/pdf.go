package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"
)

// The usage export: a one- or two-page PDF with the task, its period, a bar
// chart of daily traffic and a table of daily traffic, bandwidth peak and
// requests, from the made-up usage data of usagedata.go.
//
// Labels are English for Language en-us, Chinese otherwise (zh-cn is the
// API's default). Chinese text is set in a subset of Droid Sans Fallback
// (fonts/, Apache-2.0) embedded in the binary; that font has no Latin
// glyphs, so Latin text, digits and dates use the PDF core font Helvetica,
// which needs no embedding. Text is split into runs by script.

//go:embed fonts/droid-sans-fallback-gb2312.ttf
var cjkFont []byte

const cjkFamily = "droidsansfallback"

// maxPDFDays bounds the days a usage report shows, a row each: a year,
// far past the API's 31-day period, so that the period a user's spec or
// a hand-edited --state file allows cannot make a file of thousands of
// pages (and the memory and minutes that would take).
const maxPDFDays = 366

type pdfLabels struct {
	title, taskName, taskID, period, finished                  string
	totalTraffic, peak, requests, chart, date, traffic, bwPeak string
	note                                                       string
	daysCut                                                    string // a format: the days shown
}

var pdfEnglish = pdfLabels{
	title: "CDN usage report", taskName: "Task name", taskID: "Task ID", period: "Period (UTC)", finished: "Finished",
	totalTraffic: "Total traffic", peak: "Bandwidth peak", requests: "Requests", chart: "Daily traffic (GB)",
	date: "Date (UTC)", traffic: "Traffic (GB)", bwPeak: "Bandwidth peak (Mbps)",
	note:    "Made-up data from cdnmock, the same for every report of this period: not real usage.",
	daysCut: "The first %d days of the period: a report shows no more.",
}

var pdfChinese = pdfLabels{
	title: "CDN 用量报告", taskName: "任务名称", taskID: "任务 ID", period: "时间段 (UTC)", finished: "完成时间",
	totalTraffic: "总流量", peak: "带宽峰值", requests: "请求数", chart: "每日流量 (GB)",
	date: "日期 (UTC)", traffic: "流量 (GB)", bwPeak: "带宽峰值 (Mbps)",
	note:    "cdnmock 生成的模拟数据，同一时间段的报告数据相同：并非真实用量。",
	daysCut: "仅含该时间段的前 %d 天：报告最多显示这么多天。",
}

// UsagePDF makes the usage export (CreateUserUsageDataExportTask) of a task.
func UsagePDF(out io.Writer, t Task) error {
	l := pdfChinese
	if t.Params["Language"] == "en-us" {
		l = pdfEnglish
	}
	start, errS := time.Parse(timeLayout, t.Start)
	end, errE := time.Parse(timeLayout, t.End)
	var days []usageDay
	var cut bool
	if errS == nil && errE == nil {
		days, cut = dailyUsage(usagePoints("", start, end), maxPDFDays)
	}

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true) // fonts in a fixed order: the same bytes every time
	pdf.SetCreationDate(t.Done)
	pdf.SetModificationDate(t.Done)
	pdf.SetTitle(l.title, true)
	pdf.SetCreator("cdnmock", true)
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(false, 15) // breaks are made by room(): a cell is drawn in several runs
	pdf.AddUTF8FontFromBytes(cjkFamily, "", cjkFont)
	w := &pdfWriter{pdf: pdf, latin: pdf.UnicodeTranslatorFromDescriptor("")}
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 10) // cells need a font even when empty

	w.line(18, "B", 10, l.title)
	pdf.Ln(2)
	for _, kv := range [][2]string{
		{l.taskName, t.Name}, {l.taskID, t.ID},
		{l.period, t.Start + " - " + t.End},
		{l.finished, t.Done.UTC().Format(timeLayout)},
	} {
		w.cell(45, 6, 10, "B", kv[0], "L", "", false)
		w.cell(0, 6, 10, "", kv[1], "L", "", false)
		pdf.Ln(6)
	}

	var total, requests int64
	var peak float64
	for _, d := range days {
		total += d.Bytes
		requests += d.Requests
		peak = max(peak, d.PeakBps)
	}
	pdf.Ln(3)
	w.cell(0, 7, 11, "", fmt.Sprintf("%s: %s GB    %s: %s Mbps    %s: %s", l.totalTraffic, gb(total),
		l.peak, mbps(peak), l.requests, thousands(requests)), "L", "", false)
	pdf.Ln(10)

	w.chart(l.chart, days)

	widths := []float64{40, 40, 55, 45}
	header := func() {
		pdf.SetFillColor(240, 240, 240)
		for i, h := range []string{l.date, l.traffic, l.bwPeak, l.requests} {
			w.cell(widths[i], 7, 9, "B", h, "C", "1", true)
		}
		pdf.Ln(7)
	}
	header()
	for _, d := range days {
		if w.room(6) {
			header()
		}
		for i, v := range []string{d.Date, gb(d.Bytes), mbps(d.PeakBps), thousands(d.Requests)} {
			align := "R"
			if i == 0 {
				align = "C"
			}
			w.cell(widths[i], 6, 9, "", v, align, "1", false)
		}
		pdf.Ln(6)
	}
	pdf.Ln(4)
	if cut {
		w.room(5)
		w.line(8, "", 5, fmt.Sprintf(l.daysCut, maxPDFDays))
	}
	w.room(5)
	w.line(8, "", 5, l.note)

	// Made whole first (a PDF of at most a few pages), so that a failure
	// reaches out before any byte: the download answers it with an error.
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return err
	}
	_, err := buf.WriteTo(out)
	return err
}

// pdfWriter writes text that mixes Latin (Helvetica) and CJK runs.
type pdfWriter struct {
	pdf   *fpdf.Fpdf
	latin func(string) string // UTF-8 to Helvetica's cp1252
}

type textRun struct {
	cjk  bool
	text string
}

func isCJK(r rune) bool { return r >= 0x2E80 }

func splitRuns(s string) []textRun {
	var out []textRun
	for _, r := range s {
		c := isCJK(r)
		if len(out) == 0 || out[len(out)-1].cjk != c {
			out = append(out, textRun{cjk: c})
		}
		out[len(out)-1].text += string(r)
	}
	return out
}

func (w *pdfWriter) font(cjk bool, style string, size float64) {
	if cjk {
		w.pdf.SetFont(cjkFamily, "", size) // one weight only
	} else {
		w.pdf.SetFont("Helvetica", style, size)
	}
}

func (w *pdfWriter) width(s, style string, size float64) float64 {
	total := 0.0
	for _, r := range splitRuns(s) {
		w.font(r.cjk, style, size)
		if r.cjk {
			total += w.pdf.GetStringWidth(r.text)
		} else {
			total += w.pdf.GetStringWidth(w.latin(r.text))
		}
	}
	return total
}

// cell draws a cell of width cw (0: to the right margin) holding s,
// aligned L, C or R, and leaves the position at its right.
func (w *pdfWriter) cell(cw, h, size float64, style, s, align, border string, fill bool) {
	pdf := w.pdf
	x, y := pdf.GetXY()
	if cw == 0 {
		_, _, right, _ := pdf.GetMargins()
		pageW, _ := pdf.GetPageSize()
		cw = pageW - right - x
	}
	pdf.CellFormat(cw, h, "", border, 0, "", fill, 0, "")
	tw := w.width(s, style, size)
	pad := pdf.GetCellMargin()
	tx := x + pad
	switch align {
	case "C":
		tx = x + (cw-tw)/2
	case "R":
		tx = x + cw - pad - tw
	}
	pdf.SetXY(tx, y)
	for _, r := range splitRuns(s) {
		w.font(r.cjk, style, size)
		text := r.text
		if !r.cjk {
			text = w.latin(text)
		}
		pdf.SetCellMargin(0)
		pdf.CellFormat(pdf.GetStringWidth(text), h, text, "", 0, "L", false, 0, "")
		pdf.SetCellMargin(pad)
	}
	pdf.SetXY(x+cw, y)
}

// room starts a new page unless h mm fit above the bottom margin, and
// reports whether it did.
func (w *pdfWriter) room(h float64) bool {
	_, pageH := w.pdf.GetPageSize()
	_, _, _, bottom := w.pdf.GetMargins()
	if w.pdf.GetY()+h <= pageH-bottom {
		return false
	}
	w.pdf.AddPage()
	return true
}

// line writes s on a line of its own, then moves below it.
func (w *pdfWriter) line(size float64, style string, h float64, s string) {
	w.cell(0, h, size, style, s, "L", "", false)
	w.pdf.Ln(h)
}

// chart draws the daily traffic as bars, with the top value and the dates.
func (w *pdfWriter) chart(title string, days []usageDay) {
	pdf := w.pdf
	w.line(11, "B", 7, title)
	x0, y0 := pdf.GetX(), pdf.GetY()
	const cw, ch = 180.0, 55.0
	pdf.SetDrawColor(160, 160, 160)
	pdf.Line(x0, y0+ch, x0+cw, y0+ch)
	pdf.Line(x0, y0, x0, y0+ch)
	top := 0.0
	for _, d := range days {
		top = max(top, float64(d.Bytes)/1e9)
	}
	top = niceCeil(top)
	w.font(false, "", 7)
	pdf.SetXY(x0+1, y0)
	pdf.CellFormat(30, 4, gbValue(top), "", 0, "L", false, 0, "")
	if n := len(days); n > 0 && top > 0 {
		slot := cw / float64(n)
		every := (n + 15) / 16 // at most 16 date labels
		pdf.SetFillColor(255, 106, 0)
		for i, d := range days {
			bh := ch * float64(d.Bytes) / 1e9 / top
			bx := x0 + float64(i)*slot + slot*0.15
			pdf.Rect(bx, y0+ch-bh, slot*0.7, bh, "F")
			if i%every == 0 {
				pdf.SetXY(x0+float64(i)*slot-5+slot/2, y0+ch+1)
				pdf.CellFormat(10, 4, d.Date[5:], "", 0, "C", false, 0, "")
			}
		}
	}
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetXY(x0, y0+ch+8)
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func gb(bytes int64) string        { return strconv.FormatFloat(float64(bytes)/1e9, 'f', 2, 64) }
func gbValue(v float64) string     { return strconv.FormatFloat(v, 'f', -1, 64) }
func mbps(bitsPerS float64) string { return strconv.FormatFloat(bitsPerS/1e6, 'f', 2, 64) }

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
