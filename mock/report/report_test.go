package report

import (
	"bytes"
	"fmt"
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

func TestReportsAreDeterministic(t *testing.T) {
	for name, make := range map[string]func(Task) ([]byte, error){"pdf": UsagePDF, "xlsx": DetailXLSX} {
		a, err := make(sampleTask)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, _ := make(sampleTask)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renderings of the same task differ", name)
		}
	}
}

// openXLSX reads an export back with excelize, as a user's tools would.
func openXLSX(t *testing.T, task Task) *excelize.File {
	t.Helper()
	data, err := DetailXLSX(task)
	if err != nil {
		t.Fatal(err)
	}
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
				for _, p := range usagePoints(d, start, end) {
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

// The first sheet stops at maxSheetRows rows, the header included.
func TestDetailRowCap(t *testing.T) {
	defer func(n int) { maxSheetRows = n }(maxSheetRows)
	maxSheetRows = 20
	rows := sheetRows(t, openXLSX(t, sampleTask), "Usage") // 25 rows uncapped
	if len(rows) != 20 || rows[19][0] != "b.example.com" || rows[19][1] != "2026-11-01T00:30:00Z" {
		t.Fatalf("%d rows, the last %q; want 20, b.example.com's 7th", len(rows), rows[len(rows)-1])
	}
}

// What a client sends reaches the workbook: characters XML 1.0 cannot
// hold and invalid UTF-8 become U+FFFD, markup characters, a 4-byte rune,
// edge spaces and a literal _xHHHH_ come back as sent, and text past
// Excel's 32767 UTF-16 units per cell is cut.
func TestDetailClientInput(t *testing.T) {
	name := " \x01tab\t<&>\"' \xff\xfe\uFFFE 𝄞 _x0041_ \x7f end\r\n"
	wantName := " \uFFFDtab\t<&>\"' \uFFFD\uFFFD\uFFFD 𝄞 _x0041_ \x7f end\r\n"
	domains := "a\x00b.example.com,<&>\"'.example.com,\xc3(.example.com,𝄞.example.com,_x0041_.example.com,_x0041_x0042_"
	wantDomains := []string{"a\uFFFDb.example.com", "<&>\"'.example.com", "\uFFFD(.example.com", "𝄞.example.com", "_x0041_.example.com", "_x0041_x0042_"}
	long := strings.Repeat("a", maxCellChars-1) + "𝄞b" // 𝄞 is two UTF-16 units: past the limit

	for _, c := range []struct {
		name, wantName string
		params         []string
		wantDomains    []string
	}{
		{name, wantName, []string{"DomainNames", domains}, wantDomains},
		{long, strings.Repeat("a", maxCellChars-1), []string{"Group", "g\x1f\xed\xa0\x80"}, []string{"g\uFFFD\uFFFD\uFFFD\uFFFD"}},
	} {
		task := withParams(append(c.params, "Language", "en-us")...)
		task.Name, task.End = c.name, "2026-11-01T00:05:00Z" // 1 point
		f := openXLSX(t, task)
		rows := sheetRows(t, f, "Usage")
		var got []string
		for _, r := range rows[1:] {
			got = append(got, r[0])
		}
		if !slices.Equal(got, c.wantDomains) {
			t.Errorf("domains %q, want %q", got, c.wantDomains)
		}
		if v, _ := f.GetCellValue("Task", "B2"); v != c.wantName {
			t.Errorf("task name %q, want %q", trim(v), trim(c.wantName))
		}
		if props, _ := f.GetDocProps(); len(c.name) < 100 && props.Title != c.wantName {
			t.Errorf("title %q, want %q", props.Title, c.wantName)
		}
	}
}

func trim(s string) string {
	if len(s) > 80 {
		return s[:40] + "…" + s[len(s)-40:]
	}
	return s
}

// A day of one domain: 288 rows of the flow sheet.
func BenchmarkDetailXLSX(b *testing.B) {
	task := sampleTask
	task.End = "2026-11-02T00:00:00Z"
	task.Params = map[string]string{"Language": "en-us", "Type": "flow", "DomainNames": "a.example.com"}
	b.ReportAllocs()
	size := 0
	for b.Loop() {
		data, err := DetailXLSX(task)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "file-B")
}
