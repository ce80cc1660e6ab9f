package report

import (
	"fmt"
	"io"
	"iter"
	"strings"
	"time"
)

// The usage-detail export: an Excel workbook whose first sheet has one row
// per domain and 5-minute point (usagedata.go): traffic and bandwidth for
// Type flow, requests for Type vas. A second sheet describes the task.
//
// The domains are DomainNames (comma-separated, at most maxExportDomains);
// with Group, which the real API prefers to DomainNames, the mock knows no
// members, so the rows name the group; with neither, the rows cover the
// account and name the domain "*".

const maxExportDomains = 100

type xlsxLabels struct {
	sheet, info, domain, time, traffic, bandwidth, requests string
	taskID, taskName, typ, period, finished, note           string
	rows                                                    string // a format: the rows written, of how many
}

var xlsxEnglish = xlsxLabels{
	sheet: "Usage", info: "Task", domain: "Domain", time: "Time (UTC)", traffic: "Traffic (bytes)",
	bandwidth: "Bandwidth (bit/s)", requests: "Requests", taskID: "Task ID", taskName: "Task name",
	typ: "Type", period: "Period (UTC)", finished: "Finished",
	note: "Made-up data from cdnmock, the same for every export of this period: not real usage.",
	rows: "the first %s of %s; a sheet holds no more",
}

var xlsxChinese = xlsxLabels{
	sheet: "用量明细", info: "任务", domain: "域名", time: "时间 (UTC)", traffic: "流量 (字节)",
	bandwidth: "带宽 (bit/s)", requests: "请求数", taskID: "任务 ID", taskName: "任务名称",
	typ: "类型", period: "时间段 (UTC)", finished: "完成时间",
	note: "cdnmock 生成的模拟数据，同一时间段的导出数据相同：并非真实用量。",
	rows: "仅前 %s 行，共 %s 行：一个工作表最多容纳这么多行",
}

// exportDomains are the domains of a detail export's rows.
func exportDomains(params map[string]string) []string {
	if g := params["Group"]; g != "" {
		return []string{g}
	}
	var out []string
	seen := map[string]bool{}
	for _, d := range strings.Split(params["DomainNames"], ",") {
		if d = strings.TrimSpace(d); d != "" && !seen[d] && len(out) < maxExportDomains {
			seen[d] = true
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		out = []string{"*"}
	}
	return out
}

// DetailXLSX writes the usage-detail export (CreateUsageDetailDataExportTask)
// of a task to out, as it is made: out sees the zip's bytes long before
// the last row. The same task gives the same bytes: the zip's entries and
// the document's dates are the task's finish time.
func DetailXLSX(out io.Writer, t Task) error { return detailXLSX(out, t, maxSheetRows, usagePoints) }

// pointsFunc yields a domain's points of a period: usagePoints, or in
// tests a wrapper that counts the points an export takes.
type pointsFunc func(domain string, start, end time.Time) iter.Seq[usagePoint]

// detailXLSX is DetailXLSX with sheets of at most maxRows rows, of the
// given points. Past maxRows the usage sheet is cut, and the task sheet
// says so.
func detailXLSX(out io.Writer, t Task, maxRows int, points pointsFunc) error {
	l := xlsxChinese
	if t.Params["Language"] == "en-us" {
		l = xlsxEnglish
	}
	vas := t.Params["Type"] == "vas"
	start, errS := time.Parse(timeLayout, t.Start)
	end, errE := time.Parse(timeLayout, t.End)

	usage := sheetSpec{l.sheet, []float64{28, 22, 18, 18}}
	header := textCells(l.domain, l.time, l.traffic, l.bandwidth)
	if vas {
		usage.widths = []float64{28, 22, 14}
		header = textCells(l.domain, l.time, l.requests)
	}
	w := newXLSXWriter(out, docProps{Title: t.Name, Creator: "cdnmock", Created: t.Done}, maxRows,
		usage, sheetSpec{l.info, []float64{16}})
	w.nextSheet()
	w.row(header...)
	var written, all int64 // data rows
	if errS == nil && errE == nil {
		domains := exportDomains(t.Params)
		all = int64(len(domains)) * countPoints(start, end)
	domains:
		for _, d := range domains {
			for p := range points(d, start, end) {
				if w.done() {
					break domains
				}
				written++
				if vas {
					w.row(textCell(d), timeCell(p.T), numCell(p.Requests))
				} else { // fractional bit/s are cut: whole numbers, as before
					w.row(textCell(d), timeCell(p.T), numCell(p.Bytes), numCell(int64(p.Bps())))
				}
			}
		}
	}

	typ := "flow"
	if vas {
		typ = "vas"
	}
	w.nextSheet()
	for _, kv := range [][2]string{
		{l.taskID, t.ID}, {l.taskName, t.Name}, {l.typ, typ},
		{l.period, t.Start + " - " + t.End}, {l.finished, t.Done.UTC().Format(timeLayout)}, {"", l.note},
	} {
		w.row(textCell(kv[0]), textCell(kv[1]))
	}
	if written < all {
		w.row(textCell(""), textCell(fmt.Sprintf(l.rows, thousands(written), thousands(all))))
	}
	return w.finish()
}
