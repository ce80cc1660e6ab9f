package main

import (
	"bytes"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// gcPercent reads the collector's target without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// pinGCPercent sets a target no code of the command uses, so that a
// value left behind cannot pass for the one expected; it is undone after.
func pinGCPercent(t *testing.T) int {
	const pinned = 123
	old := debug.SetGCPercent(pinned)
	t.Cleanup(func() { debug.SetGCPercent(old) })
	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	return pinned
}

// The start collects less, then the target is set back; a GOGC of the
// user's is never overridden.
func TestCollectLessWhileStarting(t *testing.T) {
	pinned := pinGCPercent(t)
	restore := collectLessWhileStarting()
	if got := gcPercent(); got != startingGCPercent {
		t.Errorf("while starting: GC percent %d, want %d", got, startingGCPercent)
	}
	restore()
	if got := gcPercent(); got != pinned {
		t.Errorf("after the start: GC percent %d, want %d back", got, pinned)
	}

	t.Setenv("GOGC", "50")
	restore = collectLessWhileStarting()
	if got := gcPercent(); got != pinned {
		t.Errorf("with GOGC set: GC percent %d while starting, want it left at %d", got, pinned)
	}
	restore()
}

// A start that fails sets the target back too.
func TestFailedStartSetsTheGCTargetBack(t *testing.T) {
	pinned := pinGCPercent(t)
	var out, errb bytes.Buffer
	if code := run([]string{"--addr", "nonsense"}, &out, &errb); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errb.String())
	}
	if got := gcPercent(); got != pinned {
		t.Errorf("after a failed start: GC percent %d, want %d back", got, pinned)
	}
}

// servingProbe is the command's stderr: when the serving line arrives it
// notes the collector's target, then stops the server as Ctrl-C would.
type servingProbe struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	once    sync.Once
	percent int
}

func (p *servingProbe) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf.Write(b)
	if strings.Contains(p.buf.String(), "cdnmock: serving") {
		p.once.Do(func() {
			p.percent = gcPercent()
			_ = syscall.Kill(os.Getpid(), syscall.SIGINT) // serve is listening for it
		})
	}
	return len(b), nil
}

// By the time the serving line is out, the server collects as it will
// for the rest of its life.
func TestServingLineComesAfterTheGCTarget(t *testing.T) {
	pinned := pinGCPercent(t)
	p := &servingProbe{}
	if code := run([]string{"--addr", "127.0.0.1:0", "--log", "off"}, &bytes.Buffer{}, p); code != 0 {
		t.Fatalf("exit %d: %s", code, p.buf.String())
	}
	if p.percent != pinned {
		t.Errorf("at the serving line: GC percent %d, want %d (the start's %d set back)", p.percent, pinned, startingGCPercent)
	}
}
