package report

import (
	"bytes"
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

// maxSheetRows is Excel's limit of rows per sheet (a variable so that a
// test can lower it).
var maxSheetRows = 1 << 20

type xlsxLabels struct {
	sheet, info, domain, time, traffic, bandwidth, requests string
	taskID, taskName, typ, period, finished, note           string
}

var xlsxEnglish = xlsxLabels{
	sheet: "Usage", info: "Task", domain: "Domain", time: "Time (UTC)", traffic: "Traffic (bytes)",
	bandwidth: "Bandwidth (bit/s)", requests: "Requests", taskID: "Task ID", taskName: "Task name",
	typ: "Type", period: "Period (UTC)", finished: "Finished",
	note: "Made-up data from cdnmock, the same for every export of this period: not real usage.",
}

var xlsxChinese = xlsxLabels{
	sheet: "用量明细", info: "任务", domain: "域名", time: "时间 (UTC)", traffic: "流量 (字节)",
	bandwidth: "带宽 (bit/s)", requests: "请求数", taskID: "任务 ID", taskName: "任务名称",
	typ: "类型", period: "时间段 (UTC)", finished: "完成时间",
	note: "cdnmock 生成的模拟数据，同一时间段的导出数据相同：并非真实用量。",
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

// DetailXLSX makes the usage-detail export (CreateUsageDetailDataExportTask)
// of a task. The same task gives the same bytes: the zip's entries and the
// document's dates are the task's finish time.
func DetailXLSX(t Task) ([]byte, error) {
	l := xlsxChinese
	if t.Params["Language"] == "en-us" {
		l = xlsxEnglish
	}
	vas := t.Params["Type"] == "vas"
	start, errS := time.Parse(timeLayout, t.Start)
	end, errE := time.Parse(timeLayout, t.End)

	var buf bytes.Buffer
	w := newXLSXWriter(&buf, docProps{Title: t.Name, Creator: "cdnmock", Created: t.Done})
	if vas {
		w.sheet(l.sheet, 28, 22, 14)
		w.row(textCells(l.domain, l.time, l.requests)...)
	} else {
		w.sheet(l.sheet, 28, 22, 18, 18)
		w.row(textCells(l.domain, l.time, l.traffic, l.bandwidth)...)
	}
	rows := 1
	if errS == nil && errE == nil {
	domains:
		for _, d := range exportDomains(t.Params) {
			for _, p := range usagePoints(d, start, end) {
				if rows == maxSheetRows {
					break domains
				}
				rows++
				when := p.T.Format(timeLayout)
				if vas {
					w.row(textCell(d), textCell(when), numCell(p.Requests))
				} else {
					w.row(textCell(d), textCell(when), numCell(p.Bytes), numCell(int64(p.Bps())))
				}
			}
		}
	}

	typ := "flow"
	if vas {
		typ = "vas"
	}
	w.sheet(l.info, 16)
	for _, kv := range [][2]string{
		{l.taskID, t.ID}, {l.taskName, t.Name}, {l.typ, typ},
		{l.period, t.Start + " - " + t.End}, {l.finished, t.Done.UTC().Format(timeLayout)}, {"", l.note},
	} {
		w.row(textCell(kv[0]), textCell(kv[1]))
	}
	if err := w.finish(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
