//go:build !race

package main

import (
	"context"
	"io"
	"testing"
)

// TestLineHandlerAllocations: once its buffer has grown, the line handler
// writes the request line without an allocation, from a Record and from
// the mock's RequestLine (the race detector's instrumentation allocates:
// not under -race).
func TestLineHandlerAllocations(t *testing.T) {
	h, l := newLineHandler(io.Discard, nil), requestLine()
	r := l.Record()
	if n := testing.AllocsPerRun(100, func() { _ = h.Handle(context.Background(), r) }); n != 0 {
		t.Errorf("Handle: %v allocations per request line, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = h.HandleRequestLine(context.Background(), l) }); n != 0 {
		t.Errorf("HandleRequestLine: %v allocations per request line, want 0", n)
	}
}
