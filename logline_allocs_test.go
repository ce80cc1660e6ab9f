//go:build !race

package main

import (
	"context"
	"io"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/internal/requestlog"
)

// TestLineHandlerAllocations: once its buffer has grown, the line handler
// writes the request line without an allocation, from a Record and from
// the mock's requestlog.Line, and so does --log errors' filter over it
// for a failed answer's line, which it hands on as it came (the race
// detector's instrumentation allocates: not under -race).
func TestLineHandlerAllocations(t *testing.T) {
	h, l := newLineHandler(io.Discard, nil), requestLine()
	r := l.Record()
	if n := testing.AllocsPerRun(100, func() { _ = h.Handle(context.Background(), r) }); n != 0 {
		t.Errorf("Handle: %v allocations per request line, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = h.HandleRequestLine(context.Background(), l) }); n != 0 {
		t.Errorf("HandleRequestLine: %v allocations per request line, want 0", n)
	}
	failed := l
	failed.Status = 500
	errorsOnly := newLogger(logErrors, io.Discard).Handler().(requestlog.Handler)
	if n := testing.AllocsPerRun(100, func() { _ = errorsOnly.HandleRequestLine(context.Background(), failed) }); n != 0 {
		t.Errorf("--log errors, HandleRequestLine: %v allocations per failed request line, want 0", n)
	}
}
