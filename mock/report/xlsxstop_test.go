package report

import (
	"errors"
	"io"
	"iter"
	"testing"
	"time"
)

// failAfter takes n bytes, then fails every write: a client that went
// away, or a write deadline that passed.
type failAfter struct {
	n      int
	failed bool
}

var errGone = errors.New("the client went away")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) <= f.n {
		f.n -= len(p)
		return len(p), nil
	}
	n := f.n
	f.n, f.failed = 0, true
	return n, errGone
}

// countedPoints is usagePoints counting the points taken, and those taken
// after stop() first tells true.
func countedPoints(taken, after *int64, stop func() bool) pointsFunc {
	return func(d string, start, end time.Time) iter.Seq[usagePoint] {
		return func(yield func(usagePoint) bool) {
			for p := range usagePoints(d, start, end) {
				*taken++
				if stop() {
					*after++
				}
				if !yield(p) {
					return
				}
			}
		}
	}
}

// 2 domains over 30 years: 6.3 million points, seconds of a core.
func longTask() Task {
	task := withParams("Language", "en-us", "DomainNames", "a.example.com,b.example.com")
	task.Start, task.End = "2000-01-01T00:00:00Z", "2030-01-01T00:00:00Z"
	return task
}

// A download stops at the first failed write: once out fails, the export
// takes at most the one point it was about to write, not the rest of the
// period of every domain. Counted, not timed.
func TestDetailStopsAtFirstWriteError(t *testing.T) {
	out := &failAfter{n: 64 << 10}
	var taken, after int64
	err := detailXLSX(out, longTask(), maxSheetRows, countedPoints(&taken, &after, func() bool { return out.failed }))
	if !errors.Is(err, errGone) {
		t.Fatalf("error %v, want the writer's %v", err, errGone)
	}
	if after > 1 {
		t.Errorf("%d points taken after the write failed (%d in all), want at most 1", after, taken)
	}
}

// Past the row cap the export takes no more points: the one that found
// the sheet full, then nothing of the later domains.
func TestDetailStopsAtTheCap(t *testing.T) {
	const maxRows = 1000
	var taken, after int64
	err := detailXLSX(io.Discard, longTask(), maxRows, countedPoints(&taken, &after, func() bool { return false }))
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(maxRows); taken != want { // maxRows-1 data rows, and the one that found the sheet full
		t.Errorf("%d points taken for a sheet of %d rows, want %d", taken, maxRows, want)
	}
}
