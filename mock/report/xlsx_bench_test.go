package report

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// A day of one domain: 288 rows of the flow sheet.
func BenchmarkDetailXLSX(b *testing.B) {
	task := sampleTask
	task.End = "2026-11-02T00:00:00Z"
	task.Params = map[string]string{"Language": "en-us", "Type": "flow", "DomainNames": "a.example.com"}
	benchmarkXLSX(b, task)
}

// The largest export the shipped spec allows: 100 domains (of 7
// characters: DomainNames under the 1 KiB a task keeps) over 744 hours,
// 892,801 rows. B/op is what a download allocates; with the file
// streamed, it no longer grows with the file.
func BenchmarkDetailXLSXLargest(b *testing.B) {
	var domains []string
	for i := range maxExportDomains {
		domains = append(domains, fmt.Sprintf("d%02d.com", i))
	}
	task := sampleTask
	task.Start, task.End = "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z" // 744 h
	task.Params = map[string]string{"Language": "en-us", "Type": "flow", "DomainNames": strings.Join(domains, ",")}
	benchmarkXLSX(b, task)
}

func benchmarkXLSX(b *testing.B, task Task) {
	b.ReportAllocs()
	var n countingWriter
	for b.Loop() {
		n = 0
		if err := DetailXLSX(&n, task); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "file-B")
}

// countingWriter counts what it is given, and keeps none of it.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
