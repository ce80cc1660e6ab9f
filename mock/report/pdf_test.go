package report

import (
	"bytes"
	"io"
	"iter"
	"runtime"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

func init() { model.ConfigPath = "disable" } // pdfcpu: no config files in the user's home

// A usage report shows at most maxPDFDays days, however long the period
// (a user's spec or a hand-edited --state file may allow centuries): the
// days stop there, the points past them are not even made, and the
// report says it was cut. A period within the cap is whole.
func TestUsagePDFDaysCapped(t *testing.T) {
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	taken := 0
	counted := func(points iter.Seq[usagePoint]) iter.Seq[usagePoint] {
		return func(yield func(usagePoint) bool) {
			for p := range points {
				taken++
				if !yield(p) {
					return
				}
			}
		}
	}
	days, cut := dailyUsage(counted(usagePoints("", start, start.AddDate(1000, 0, 0))), maxPDFDays)
	if len(days) != maxPDFDays || !cut {
		t.Fatalf("1,000 years: %d days, cut %v; want %d, cut", len(days), cut, maxPDFDays)
	}
	if perDay := int(24 * time.Hour / usageStep); taken > maxPDFDays*perDay+1 {
		t.Fatalf("1,000 years: %d points taken for %d days of %d", taken, maxPDFDays, perDay)
	}
	if days, cut := dailyUsage(usagePoints("", start, start.AddDate(0, 0, 31)), maxPDFDays); len(days) != 31 || cut {
		t.Errorf("31 days: %d days, cut %v", len(days), cut)
	}

	task := withParams("Language", "en-us")
	task.Start, task.End = "2000-01-01T00:00:00Z", "3000-01-01T00:00:00Z"
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	file := makeReport(t, UsagePDF, task)
	runtime.ReadMemStats(&after)
	t.Logf("a 1,000-year report: %d bytes allocated", after.TotalAlloc-before.TotalAlloc)
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("a 1,000-year report allocated %d bytes, want under 64 MiB", got)
	}
	const cutNote = "The first 366 days of the period: a report shows no more."
	if !pdfShows(t, file, cutNote) {
		t.Error("a cut report does not say so")
	}
	task.End = "2000-02-01T00:00:00Z"
	if pdfShows(t, makeReport(t, UsagePDF, task), cutNote) {
		t.Error("a whole report says it was cut")
	}
}

// pdfShows tells whether a page of the PDF (checked valid by pdfcpu)
// writes text in the core font, which the report's Latin text uses.
func pdfShows(t *testing.T, file []byte, text string) bool {
	t.Helper()
	conf := model.NewDefaultConfiguration()
	if _, err := api.ReadAndValidate(bytes.NewReader(file), conf); err != nil {
		t.Fatalf("not a valid PDF: %v", err)
	}
	found := false
	err := api.ExtractContent(bytes.NewReader(file), nil, func(r io.Reader, _ int) error {
		content, err := io.ReadAll(r)
		found = found || bytes.Contains(content, []byte("("+text+")"))
		return err
	}, conf)
	if err != nil {
		t.Fatalf("pdfcpu: %v", err)
	}
	return found
}
