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
	"log"
	"log/slog"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/internal/requestlog"
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

// httpErrorLog is where the HTTP servers' own errors go (a TLS handshake,
// a panic, a failed accept): the server's log, through the same buffer, so
// they never land in the middle of a buffered line. Nil without a logger.
func httpErrorLog(l *slog.Logger) *log.Logger {
	if l == nil {
		return nil
	}
	return slog.NewLogLogger(l.Handler(), slog.LevelError)
}

// newLogger is the server's logger for a --log mode, writing to w the
// lines slog.TextHandler would (logline.go).
func newLogger(mode string, w io.Writer) *slog.Logger {
	h := newLineHandler(w, nil)
	if mode == logRequests {
		return slog.New(h)
	}
	return slog.New(&requestFilter{Handler: h, errorsOnly: mode == logErrors})
}

// requestFilter passes the mock's request lines (requestlog.Line, message
// requestlog.Message) only when errorsOnly and the answer failed: a status
// of 400 or more, or a fault. Every other line (the mock's own errors)
// passes.
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

// Handle filters a request line that comes as a Record. The mock's come
// through HandleRequestLine; this is for a Record logged with the message
// by other code, which may carry a key twice: any failed status or code
// among them makes the line pass, so that a later status=200 cannot hide
// a status=500.
func (f *requestFilter) Handle(ctx context.Context, r slog.Record) error {
	if r.Message != requestlog.Message || r.Level >= slog.LevelWarn {
		return f.Handler.Handle(ctx, r)
	}
	failed := false
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case requestlog.StatusKey: // a number; a status of another kind (a string) is none
			switch v := a.Value; v.Kind() {
			case slog.KindInt64:
				failed = failedStatus(v.Int64())
			case slog.KindUint64:
				failed = failedStatus(int64(min(v.Uint64(), math.MaxInt64)))
			}
		case requestlog.CodeKey:
			failed = failedCode(a.Value.String())
		}
		return !failed
	})
	if !f.errorsOnly || !failed {
		return nil
	}
	return f.Handler.Handle(ctx, r)
}

// HandleRequestLine makes Handle's decision on l's fields, and hands a
// line that passes on as it came when the handler below takes it so.
func (f *requestFilter) HandleRequestLine(ctx context.Context, l requestlog.Line) error {
	if !f.errorsOnly || !(failedStatus(int64(l.Status)) || failedCode(l.Code)) {
		return nil
	}
	if h, ok := f.Handler.(requestlog.Handler); ok {
		return h.HandleRequestLine(ctx, l)
	}
	return f.Handler.Handle(ctx, l.Record())
}

// failedStatus and failedCode tell a failed answer, whose request line
// --log errors writes, by its HTTP status or its code: an error status,
// or a fault (answered with any status, even 200).
func failedStatus(status int64) bool { return status >= 400 }

func failedCode(code string) bool { return strings.HasPrefix(code, "fault:") }

func (f *requestFilter) WithAttrs(as []slog.Attr) slog.Handler {
	return &requestFilter{Handler: f.Handler.WithAttrs(as), errorsOnly: f.errorsOnly}
}

func (f *requestFilter) WithGroup(name string) slog.Handler {
	return &requestFilter{Handler: f.Handler.WithGroup(name), errorsOnly: f.errorsOnly}
}

// bufferedWriter buffers writes to w and flushes them every interval, on
// Flush and on Close. It is safe for concurrent use. Each Write is one
// line (slog writes a record at once) and is never split across two
// flushes, so a reader of the file sees whole lines. After Close, writes go
// straight through, so a late line is never lost.
type bufferedWriter struct {
	mu     sync.Mutex
	w      io.Writer
	buf    *bufio.Writer
	closed bool

	stop      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
}

func newBufferedWriter(w io.Writer, every time.Duration) *bufferedWriter {
	b := &bufferedWriter{w: w, buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), stopped: make(chan struct{})}
	go b.flushEvery(every)
	return b
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var ferr error
	if b.buf.Buffered() > 0 && len(p) > b.buf.Available() {
		ferr = b.flush() // rather than fill the buffer with part of p and write that
	}
	n, err := b.buf.Write(p)
	if err == nil && b.closed {
		err = b.flush()
	}
	if err == nil {
		err = ferr
	}
	return n, err
}

// Flush writes out what is buffered.
func (b *bufferedWriter) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flush()
}

// flush writes out what is buffered. When that fails (a full disk), what
// was buffered is dropped and the buffer starts again: bufio.Writer keeps
// its first error and would refuse every later line.
func (b *bufferedWriter) flush() error {
	err := b.buf.Flush()
	if err != nil {
		b.buf.Reset(b.w)
	}
	return err
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
	if err := b.flush(); err != nil {
		return fmt.Errorf("writing the log: %w", err)
	}
	return nil
}
