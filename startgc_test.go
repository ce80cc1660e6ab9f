package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's target without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// The start collects less, then the target is set back; a GOGC of the
// user's is never overridden.
func TestCollectLessWhileStarting(t *testing.T) {
	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	before := gcPercent()
	restore := collectLessWhileStarting()
	if got := gcPercent(); got != startingGCPercent {
		t.Errorf("while starting: GC percent %d, want %d", got, startingGCPercent)
	}
	restore()
	if got := gcPercent(); got != before {
		t.Errorf("after the start: GC percent %d, want %d back", got, before)
	}

	t.Setenv("GOGC", "50")
	restore = collectLessWhileStarting()
	if got := gcPercent(); got != before {
		t.Errorf("with GOGC set: GC percent %d while starting, want it left at %d", got, before)
	}
	restore()
}
