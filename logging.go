package main

// The server's log: one line per API request (--log requests), only the
// failed ones (--log errors) or none (--log off), written through a buffer
// that is flushed every logFlushEvery and when the server stops, rather
// than with one write(2) per request.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Values of --log.
const (
	logRequests = "requests"
	logErrors   = "errors"
	logOff      = "off"
)

// logFlushEvery is how late a line may reach the log: soon enough for tail -f.
const logFlushEvery = 100 * time.Millisecond

func checkLogMode(mode string) error {
	switch mode {
	case logRequests, logErrors, logOff:
		return nil
	}
	return flagErrorf("log", "%q: want %s, %s or %s", mode, logRequests, logErrors, logOff)
}

// newLogger is the server's logger for a --log mode, writing to w.
func newLogger(mode string, w io.Writer) *slog.Logger {
	h := slog.NewTextHandler(w, nil)
	if mode == logRequests {
		return slog.New(h)
	}
	return slog.New(&requestFilter{Handler: h, errorsOnly: mode == logErrors})
}

// requestFilter passes the mock's request lines (mock/record.go: message
// "request") only when errorsOnly and the answer failed: a status of 400 or
// more, or a fault. Every other line (the mock's own errors) passes.
type requestFilter struct {
	slog.Handler
	errorsOnly bool
}

func (f *requestFilter) Enabled(ctx context.Context, level slog.Level) bool {
	if !f.errorsOnly && level < slog.LevelWarn {
		return false // --log off: record skips building the line
	}
	return f.Handler.Enabled(ctx, level)
}

func (f *requestFilter) Handle(ctx context.Context, r slog.Record) error {
	if r.Message != "request" || r.Level >= slog.LevelWarn {
		return f.Handler.Handle(ctx, r)
	}
	failed := false
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "status":
			failed = failed || a.Value.Int64() >= 400
		case "code":
			failed = failed || strings.HasPrefix(a.Value.String(), "fault:")
		}
		return true
	})
	if !f.errorsOnly || !failed {
		return nil
	}
	return f.Handler.Handle(ctx, r)
}

func (f *requestFilter) WithAttrs(as []slog.Attr) slog.Handler {
	return &requestFilter{Handler: f.Handler.WithAttrs(as), errorsOnly: f.errorsOnly}
}

func (f *requestFilter) WithGroup(name string) slog.Handler {
	return &requestFilter{Handler: f.Handler.WithGroup(name), errorsOnly: f.errorsOnly}
}

// bufferedWriter buffers writes to w and flushes them every interval, on
// Flush and on Close. It is safe for concurrent use. After Close, writes go
// straight through, so a late line is never lost.
type bufferedWriter struct {
	mu     sync.Mutex
	buf    *bufio.Writer
	closed bool

	stop      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
}

func newBufferedWriter(w io.Writer, every time.Duration) *bufferedWriter {
	b := &bufferedWriter{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), stopped: make(chan struct{})}
	go b.flushEvery(every)
	return b
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	if err == nil && b.closed {
		err = b.buf.Flush()
	}
	return n, err
}

// Flush writes out what is buffered.
func (b *bufferedWriter) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Flush()
}

func (b *bufferedWriter) flushEvery(every time.Duration) {
	defer close(b.stopped)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = b.Flush() // a write error shows again on the next write, or on Close
		case <-b.stop:
			return
		}
	}
}

// Close stops the periodic flush and flushes what is left.
func (b *bufferedWriter) Close() error {
	b.closeOnce.Do(func() { close(b.stop) })
	<-b.stopped
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if err := b.buf.Flush(); err != nil {
		return fmt.Errorf("writing the log: %w", err)
	}
	return nil
}
