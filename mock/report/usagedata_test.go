package report

import (
	"io"
	"runtime"
	"testing"
	"time"
)

// A long period costs what is written, not the period: 30 years of one
// domain (3.2 million points) in sheets cut at 1,000 rows allocates about
// what 1,000 rows do. Deterministic: bytes allocated, not time.
func TestLongPeriodCostsTheRowsWritten(t *testing.T) {
	task := withParams("Language", "en-us", "DomainNames", "a.example.com")
	task.Start, task.End = "2000-01-01T00:00:00Z", "2030-01-01T00:00:00Z"
	allocated := func(maxRows int) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if err := detailXLSX(io.Discard, task, maxRows, usagePoints); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	allocated(1000) // warm: the first run sets up what every run shares
	if got := allocated(1000); got > 4<<20 {
		t.Errorf("30 years cut at 1,000 rows allocated %d bytes, want under 4 MiB", got)
	}
}

// countPoints agrees with usagePoints, for periods that start and end on
// a point or between two, empty and reversed ones, and one past the 292
// years a Duration holds.
func TestCountPoints(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		start, end string
		want       int64
	}{
		{"2026-11-01T00:00:00Z", "2026-11-01T01:00:00Z", 12},
		{"2026-11-01T00:00:01Z", "2026-11-01T01:00:00Z", 11},
		{"2026-11-01T00:00:00Z", "2026-11-01T01:00:01Z", 13},
		{"2026-11-01T00:00:00Z", "2026-11-01T00:55:00.5Z", 12},
		{"2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z", 0},
		{"2026-11-01T01:00:00Z", "2026-11-01T00:00:00Z", 0},
	} {
		start, end := at(c.start), at(c.end)
		n := int64(0)
		for range usagePoints("d", start, end) {
			n++
		}
		if got := countPoints(start, end); got != c.want || n != c.want {
			t.Errorf("%s - %s: countPoints %d, usagePoints %d, want %d", c.start, c.end, got, n, c.want)
		}
	}
	if got, want := countPoints(at("1500-01-01T00:00:00Z"), at("2000-01-01T00:00:00Z")), int64(182621*288); got != want {
		t.Errorf("500 years: %d points, want %d", got, want)
	}
}
