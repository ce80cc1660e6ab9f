package report

import (
	"bytes"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// The usage-detail export: an Excel workbook whose first sheet has one row
// per domain and 5-minute point (usagedata.go): traffic and bandwidth for
// Type flow, requests for Type vas. A second sheet describes the task.
//
// The domains are DomainNames (comma-separated, at most maxExportDomains);
// with Group, which the real API prefers to DomainNames, the mock knows no
// members, so the rows name the group; with neither, the rows cover the
// account and name the domain "*".

const (
	maxExportDomains = 100
	maxSheetRows     = 1 << 20 // Excel's limit per sheet
)

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
// of a task.
func DetailXLSX(t Task) ([]byte, error) {
	l := xlsxChinese
	if t.Params["Language"] == "en-us" {
		l = xlsxEnglish
	}
	vas := t.Params["Type"] == "vas"
	start, errS := time.Parse(timeLayout, t.Start)
	end, errE := time.Parse(timeLayout, t.End)

	f := excelize.NewFile()
	defer f.Close()
	done := t.Done.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "cdnmock", Created: done, Modified: done, Title: t.Name}); err != nil {
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", l.sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(l.sheet)
	if err != nil {
		return nil, err
	}
	header := []any{l.domain, l.time, l.traffic, l.bandwidth}
	widths := []float64{28, 22, 18, 18}
	if vas {
		header, widths = []any{l.domain, l.time, l.requests}, []float64{28, 22, 14}
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, err
	}
	row := 2
	if errS == nil && errE == nil {
	domains:
		for _, d := range exportDomains(t.Params) {
			for _, p := range usagePoints(d, start, end) {
				if row > maxSheetRows {
					break domains
				}
				cells := []any{d, p.T.Format(timeLayout), p.Bytes, int64(p.Bps())}
				if vas {
					cells = []any{d, p.T.Format(timeLayout), p.Requests}
				}
				cell, _ := excelize.CoordinatesToCellName(1, row)
				if err := sw.SetRow(cell, cells); err != nil {
					return nil, err
				}
				row++
			}
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}

	if _, err := f.NewSheet(l.info); err != nil {
		return nil, err
	}
	typ := "flow"
	if vas {
		typ = "vas"
	}
	for i, kv := range [][2]string{
		{l.taskID, t.ID}, {l.taskName, t.Name}, {l.typ, typ},
		{l.period, t.Start + " - " + t.End}, {l.finished, t.Done.UTC().Format(timeLayout)}, {"", l.note},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(l.info, cell, &[]string{kv[0], kv[1]}); err != nil {
			return nil, err
		}
	}
	if err := f.SetColWidth(l.info, "A", "A", 16); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
