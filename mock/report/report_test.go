package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var sampleTask = Task{
	ID: "100001", Name: "usage-2026-11", Start: "2026-11-01T00:00:00Z", End: "2026-11-01T01:00:00Z",
	Params: map[string]string{"Language": "en-us", "Type": "flow", "DomainNames": "a.example.com,b.example.com"},
	Done:   time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC),
}

// withParams is sampleTask with other parameters.
func withParams(kv ...string) Task {
	t := sampleTask
	t.Params = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		t.Params[kv[i]] = kv[i+1]
	}
	return t
}

// makeReport is what make writes for task.
func makeReport(tb testing.TB, make func(io.Writer, Task) error, task Task) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := make(&b, task); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func makeXLSX(tb testing.TB, task Task) []byte {
	tb.Helper()
	return makeReport(tb, DetailXLSX, task)
}

func TestReportsAreDeterministic(t *testing.T) {
	for name, make := range map[string]func(io.Writer, Task) error{"pdf": UsagePDF, "xlsx": DetailXLSX} {
		a := makeReport(t, make, sampleTask)
		b := makeReport(t, make, sampleTask)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renderings of the same task differ", name)
		}
	}
}

// openXLSX reads an export back with excelize, as a user's tools would.
func openXLSX(t *testing.T, task Task) *excelize.File {
	t.Helper()
	return openXLSXBytes(t, makeXLSX(t, task))
}

func openXLSXBytes(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize cannot open the export: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func sheetRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The sheets, their headers and column widths, the info sheet and the
// document's properties, in both languages and for both types.
func TestDetailLayout(t *testing.T) {
	for _, c := range []struct {
		lang, typ   string
		sheets      []string
		header, nfo []string
		widths      []float64
	}{
		{"en-us", "flow", []string{"Usage", "Task"}, []string{"Domain", "Time (UTC)", "Traffic (bytes)", "Bandwidth (bit/s)"},
			[]string{"Task ID", "Task name", "Type", "Period (UTC)", "Finished"}, []float64{28, 22, 18, 18}},
		{"en-us", "vas", []string{"Usage", "Task"}, []string{"Domain", "Time (UTC)", "Requests"},
			[]string{"Task ID", "Task name", "Type", "Period (UTC)", "Finished"}, []float64{28, 22, 14}},
		{"zh-cn", "flow", []string{"用量明细", "任务"}, []string{"域名", "时间 (UTC)", "流量 (字节)", "带宽 (bit/s)"},
			[]string{"任务 ID", "任务名称", "类型", "时间段 (UTC)", "完成时间"}, []float64{28, 22, 18, 18}},
		{"", "vas", []string{"用量明细", "任务"}, []string{"域名", "时间 (UTC)", "请求数"},
			[]string{"任务 ID", "任务名称", "类型", "时间段 (UTC)", "完成时间"}, []float64{28, 22, 14}},
	} {
		t.Run(c.lang+"/"+c.typ, func(t *testing.T) {
			task := withParams("Language", c.lang, "Type", c.typ, "DomainNames", "a.example.com")
			f := openXLSX(t, task)
			if got := f.GetSheetList(); !slices.Equal(got, c.sheets) {
				t.Fatalf("sheets %q, want %q", got, c.sheets)
			}
			if i := f.GetActiveSheetIndex(); i != 0 {
				t.Errorf("active sheet %d, want 0", i)
			}
			if rows := sheetRows(t, f, c.sheets[0]); !slices.Equal(rows[0], c.header) {
				t.Errorf("header %q, want %q", rows[0], c.header)
			}
			for i, want := range append(c.widths, 9.140625) { // then excelize's default
				col, _ := excelize.ColumnNumberToName(i + 1)
				if w, err := f.GetColWidth(c.sheets[0], col); err != nil || w != want {
					t.Errorf("column %s: width %v (%v), want %v", col, w, err, want)
				}
			}
			if w, _ := f.GetColWidth(c.sheets[1], "A"); w != 16 {
				t.Errorf("info sheet: column A width %v, want 16", w)
			}
			note := xlsxChinese.note
			if c.lang == "en-us" {
				note = xlsxEnglish.note
			}
			want := [][]string{
				{c.nfo[0], "100001"}, {c.nfo[1], "usage-2026-11"}, {c.nfo[2], c.typ},
				{c.nfo[3], "2026-11-01T00:00:00Z - 2026-11-01T01:00:00Z"}, {c.nfo[4], "2026-11-25T12:00:00Z"}, {"", note},
			}
			if got := sheetRows(t, f, c.sheets[1]); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("info sheet %q, want %q", got, want)
			}
			props, err := f.GetDocProps()
			if err != nil {
				t.Fatal(err)
			}
			if props.Creator != "cdnmock" || props.Title != "usage-2026-11" ||
				props.Created != "2026-11-25T12:00:00Z" || props.Modified != "2026-11-25T12:00:00Z" {
				t.Errorf("doc props %+v", props)
			}
		})
	}
}

// Every row against usagePoints: the domain, the time, and the numbers as
// numeric cells.
func TestDetailRows(t *testing.T) {
	start, _ := time.Parse(timeLayout, sampleTask.Start)
	end, _ := time.Parse(timeLayout, sampleTask.End)
	for _, typ := range []string{"flow", "vas"} {
		t.Run(typ, func(t *testing.T) {
			f := openXLSX(t, withParams("Language", "en-us", "Type", typ, "DomainNames", "a.example.com, b.example.com,a.example.com"))
			rows := sheetRows(t, f, "Usage")
			// A header, then 2 domains × 12 five-minute points in the hour.
			if len(rows) != 1+2*12 {
				t.Fatalf("%d rows, want 25", len(rows))
			}
			i := 1
			for _, d := range []string{"a.example.com", "b.example.com"} {
				for p := range usagePoints(d, start, end) {
					want := []any{d, p.T.Format(timeLayout), p.Bytes, int64(p.Bps())}
					if typ == "vas" {
						want = []any{d, p.T.Format(timeLayout), p.Requests}
					}
					checkRow(t, f, i+1, rows[i], want)
					i++
				}
			}
		})
	}
}

// checkRow compares the row'th row (from 1) with want: strings as text
// cells, int64s as numeric ones.
func checkRow(t *testing.T, f *excelize.File, row int, got []string, want []any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("row %d: %q, want %v", row, got, want)
	}
	for j, w := range want {
		ref, _ := excelize.CoordinatesToCellName(j+1, row)
		typ, err := f.GetCellType("Usage", ref)
		if err != nil {
			t.Fatal(err)
		}
		switch w := w.(type) {
		case string:
			if got[j] != w || typ != excelize.CellTypeInlineString {
				t.Errorf("%s: %q (type %d), want text %q", ref, got[j], typ, w)
			}
		case int64:
			n, err := strconv.ParseInt(got[j], 10, 64)
			if err != nil || n != w || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
				t.Errorf("%s: %q (type %d), want the number %d", ref, got[j], typ, w)
			}
		}
	}
}

// Group wins over DomainNames; neither gives the account's rows as "*";
// DomainNames past maxExportDomains are left out.
func TestDetailDomains(t *testing.T) {
	var many []string
	for i := range maxExportDomains + 20 {
		many = append(many, fmt.Sprintf("d%03d.example.com", i))
	}
	for _, c := range []struct {
		name string
		task Task
		want []string
	}{
		{"group", withParams("Language", "en-us", "Group", "edge", "DomainNames", "a.example.com"), []string{"edge"}},
		{"account", withParams("Language", "en-us"), []string{"*"}},
		{"many", withParams("Language", "en-us", "DomainNames", strings.Join(many, ",")), many[:maxExportDomains]},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.task.End = "2026-11-01T00:10:00Z" // 2 points
			rows := sheetRows(t, openXLSX(t, c.task), "Usage")
			var got []string
			for _, r := range rows[1:] {
				if len(got) == 0 || got[len(got)-1] != r[0] {
					got = append(got, r[0])
				}
			}
			if len(rows) != 1+2*len(c.want) || !slices.Equal(got, c.want) {
				t.Errorf("%d rows of domains %q, want %d of %q", len(rows), got, 1+2*len(c.want), c.want)
			}
		})
	}
}

// The first sheet stops at the writer's rows, the header included, and
// the task sheet then says how many of how many rows it holds; no such
// line when nothing is cut.
func TestDetailRowCap(t *testing.T) {
	for _, c := range []struct {
		lang    string
		maxRows int
		note    string
	}{
		{"en-us", 20, "the first 19 of 24; a sheet holds no more"},
		{"zh-cn", 20, "仅前 19 行，共 24 行：一个工作表最多容纳这么多行"},
		{"en-us", 25, ""},
	} {
		task := sampleTask
		task.Params = map[string]string{"Language": c.lang, "DomainNames": "a.example.com,b.example.com"}
		var b bytes.Buffer
		if err := detailXLSX(&b, task, c.maxRows, usagePoints); err != nil {
			t.Fatal(err)
		}
		f := openXLSXBytes(t, b.Bytes())
		sheets := f.GetSheetList()
		rows := sheetRows(t, f, sheets[0]) // 25 rows uncapped
		last := rows[len(rows)-1]
		if len(rows) != c.maxRows || last[0] != "b.example.com" || last[1] != "2026-11-01T00:30:00Z" && c.note != "" {
			t.Errorf("%s: %d rows, the last %q; want %d", c.lang, len(rows), last, c.maxRows)
		}
		info := sheetRows(t, f, sheets[1])
		got := ""
		if len(info) == 7 {
			got = info[6][1]
		}
		if got != c.note || len(info) != 6 && c.note == "" {
			t.Errorf("%s, %d rows: the task sheet's rows note %q (%d rows), want %q", c.lang, c.maxRows, got, len(info), c.note)
		}
	}
}
