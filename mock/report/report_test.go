package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var sampleTask = Task{
	ID: "100001", Name: "usage-2026-11", Start: "2026-11-01T00:00:00Z", End: "2026-11-01T01:00:00Z",
	Params: map[string]string{"Language": "en-us", "Type": "flow", "DomainNames": "a.example.com,b.example.com"},
	Done:   time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC),
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

func TestDetailRows(t *testing.T) {
	data, err := DetailXLSX(sampleTask)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	// A header, then 2 domains × 12 five-minute points in the hour.
	if len(rows) != 1+2*12 {
		t.Fatalf("%d rows, want 25", len(rows))
	}
	if rows[1][0] != "a.example.com" || rows[1][1] != "2026-11-01T00:00:00Z" || rows[13][0] != "b.example.com" {
		t.Errorf("rows %v / %v", rows[1], rows[13])
	}
}
