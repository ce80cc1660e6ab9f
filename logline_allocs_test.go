//go:build !race

package main

import (
	"context"
	"io"
	"testing"
)

// TestLineHandlerAllocations: once its buffer has grown, the line handler
// writes the request line without an allocation (the race detector's
// instrumentation allocates: not under -race).
func TestLineHandlerAllocations(t *testing.T) {
	h, r := newLineHandler(io.Discard, nil), requestLine()
	if n := testing.AllocsPerRun(100, func() { _ = h.Handle(context.Background(), r) }); n != 0 {
		t.Errorf("%v allocations per request line, want 0", n)
	}
}
