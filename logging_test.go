package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/internal/httpserver"
)

// TestCleanShutdownKeepsEveryLogLine: the log is buffered, and a clean
// shutdown (SIGTERM) writes every request's line.
func TestCleanShutdownKeepsEveryLogLine(t *testing.T) {
	bin := buildBinary(t)
	const n = 300
	for _, mode := range []string{"requests", "errors", "off"} {
		t.Run(mode, func(t *testing.T) {
			cmd, addr, logs := startBinary(t, bin, "--log", mode, "--clock", "2026-11-25T12:00:00Z", "--throttle", "off")
			for i := range n {
				action := "DescribeCdnService"
				if i%3 == 0 {
					action = "NoSuchAction" // 404 InvalidAction.NotFound
				}
				resp, err := http.Post("http://"+addr+"/?Action="+action+"&Version=2018-05-10&Format=JSON", "", nil)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if code := exitCode(cmd.Wait()); code != 0 {
				t.Fatalf("exit code %d, want 0", code)
			}
			out := logs.String()
			lines := strings.Count(out, "msg=request ")
			failed := strings.Count(out, "status=404")
			want := map[string][2]int{"requests": {n, n / 3}, "errors": {n / 3, n / 3}, "off": {0, 0}}[mode]
			if lines != want[0] || failed != want[1] {
				t.Errorf("--log %s: %d request lines, %d of them failed; want %d and %d", mode, lines, failed, want[0], want[1])
			}
		})
	}
}

// TestErrorsModeKeepsFaults: --log errors keeps a fault's line whatever
// status it was recorded with, and a line that carries a failed status
// or a fault among others of the same key.
func TestErrorsModeKeepsFaults(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(logErrors, &buf)
	for _, l := range []struct {
		code   string
		status int
	}{{"", 200}, {"fault:reset", 0}, {"Throttling.User", 400}, {"", 204}} {
		log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("code", l.code), slog.Int("status", l.status))
	}
	log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("code", "twice"), slog.Int("status", 500), slog.Int("status", 200))
	log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("code", "fault:twice"), slog.String("code", ""), slog.Int("status", 200))
	log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("code", "unsigned"), slog.Uint64("status", 503))
	log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("code", "text"), slog.String("status", "500")) // no number: no status
	log.Error("operation cannot be loaded")
	got := buf.String()
	if strings.Count(got, "\n") != 6 || !strings.Contains(got, "code=unsigned") || strings.Contains(got, "code=text") || !strings.Contains(got, "code=fault:reset") || !strings.Contains(got, "code=Throttling.User") ||
		!strings.Contains(got, "code=twice") || !strings.Contains(got, "code=fault:twice") || !strings.Contains(got, "operation cannot be loaded") {
		t.Errorf("--log errors wrote:\n%s", got)
	}
	buf.Reset()
	log = newLogger(logOff, &buf)
	log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("code", "fault:reset"), slog.Int("status", 500))
	log.Error("operation cannot be loaded")
	if got := buf.String(); strings.Contains(got, "msg=request") || !strings.Contains(got, "operation cannot be loaded") {
		t.Errorf("--log off wrote:\n%s", got)
	}
}

// signalWriter reports each write on a channel.
type signalWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case w.wrote <- struct{}{}:
	default:
	}
	return w.buf.Write(p)
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestBufferedWriter(t *testing.T) {
	t.Run("flushes on its own", func(t *testing.T) {
		w := &signalWriter{wrote: make(chan struct{}, 1)}
		b := newBufferedWriter(w, time.Millisecond)
		defer b.Close()
		_, _ = b.Write([]byte("line\n"))
		select {
		case <-w.wrote:
		case <-time.After(10 * time.Second):
			t.Fatal("the line was never flushed")
		}
		if w.String() != "line\n" {
			t.Errorf("wrote %q", w.String())
		}
	})
	t.Run("buffers, and Close writes everything", func(t *testing.T) {
		w := &signalWriter{wrote: make(chan struct{}, 1)}
		b := newBufferedWriter(w, time.Hour)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 100 {
					_, _ = b.Write([]byte("0123456789\n"))
				}
			})
		}
		wg.Wait()
		if got := w.String(); got != "" {
			t.Errorf("written before a flush: %d bytes", len(got))
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		if got := w.String(); got != strings.Repeat("0123456789\n", 800) {
			t.Errorf("after Close: %d bytes, want %d whole lines", len(got), 800*11)
		}
		_, _ = b.Write([]byte("late\n"))
		if !strings.HasSuffix(w.String(), "late\n") {
			t.Error("a write after Close was kept in the buffer")
		}
	})
}

// chunkWriter keeps each write it gets, failing the first failFirst.
type chunkWriter struct {
	mu        sync.Mutex
	chunks    []string
	failFirst int
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.failFirst > 0 {
		w.failFirst--
		return 0, syscall.ENOSPC
	}
	w.chunks = append(w.chunks, string(p))
	return len(p), nil
}

// TestBufferedWriterKeepsLinesWhole: lines of every length, from writers
// side by side, fill the buffer many times over; every write to the file
// ends at the end of a line, so tail -f never shows half of one.
func TestBufferedWriterKeepsLinesWhole(t *testing.T) {
	w := &chunkWriter{}
	b := newBufferedWriter(w, time.Hour) // only a full buffer, then Close, write
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				_, _ = b.Write([]byte(strings.Repeat("x", 20+(g*7919+i*131)%300) + "\n"))
			}
		})
	}
	wg.Wait()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	total := 0
	for i, c := range w.chunks {
		total += strings.Count(c, "\n")
		if !strings.HasSuffix(c, "\n") {
			t.Fatalf("write %d of %d ends in the middle of a line: ...%q", i, len(w.chunks), c[max(0, len(c)-20):])
		}
	}
	if len(w.chunks) < 10 || total != 8000 {
		t.Errorf("%d writes, %d lines: want many writes and 8000 lines", len(w.chunks), total)
	}
}

// TestBufferedWriterAfterAFailedFlush: one failed write (a full disk)
// loses what was buffered then, not every later line.
func TestBufferedWriterAfterAFailedFlush(t *testing.T) {
	w := &chunkWriter{failFirst: 1}
	b := newBufferedWriter(w, time.Hour)
	_, _ = b.Write([]byte("lost\n"))
	if err := b.Flush(); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Flush: %v, want ENOSPC", err)
	}
	_, _ = b.Write([]byte("kept\n"))
	if err := b.Close(); err != nil {
		t.Fatalf("Close after the disk has room again: %v", err)
	}
	if got := strings.Join(w.chunks, ""); got != "kept\n" {
		t.Errorf("the log got %q, want the line written after the failure", got)
	}
}

// TestHTTPServerErrorsGoToTheLog: the HTTP servers' own errors (here a
// handler's panic) are lines of the server's log, the admin listener's too.
func TestHTTPServerErrorsGoToTheLog(t *testing.T) {
	var out bytes.Buffer
	b := newBufferedWriter(&out, time.Hour)
	hs := httpserver.New(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }), httpErrorLog(newLogger(logOff, b)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	if res, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
		res.Body.Close()
		t.Fatal("a panicking handler answered")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, "time=") || !strings.Contains(got, "level=ERROR") || !strings.Contains(got, "boom") {
		t.Errorf("the log has %q, want the server's panic as a log line", got)
	}
	admin, adminLn, err := listenAdmin(options{adminAddr: "127.0.0.1:0"}, namedHalves{}, hs)
	if err != nil {
		t.Fatal(err)
	}
	adminLn.Close()
	if admin.ErrorLog != hs.ErrorLog {
		t.Error("the admin listener logs elsewhere")
	}
}
