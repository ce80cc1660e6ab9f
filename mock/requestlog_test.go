package mock

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/internal/requestlog"
)

// The request line is handed to the logger's handler directly (record.go):
// its time is the answer's, not the pinned clock's, and it carries no
// source even when the handler asks for one, since the source would be
// record.go for every request.
func TestRequestLogLine(t *testing.T) {
	var buf bytes.Buffer
	h := slog.NewTextHandler(&buf, &slog.HandlerOptions{AddSource: true})
	s, err := New(Config{Clock: FixedClock(benchNow), DisableThrottling: true, Logger: slog.New(h)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)

	before := time.Now().Truncate(time.Millisecond) // the line's time has milliseconds
	w := httptest.NewRecorder()
	s.ServeHTTP(w, newBenchRequest())
	after := time.Now()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}

	// The line as docs/cli.md documents it: every key, in order.
	line := strings.TrimSpace(buf.String())
	want := regexp.MustCompile(`^time=\S+ level=INFO msg=request action=CreateUserUsageDataExportTask accessKeyId="" ` +
		`scenario=default chosenBy=default code="" status=200 latency=[0-9.]+(µs|ms|s) violations=0$`)
	if !want.MatchString(line) {
		t.Errorf("log line\n%s\nwant\n%s", line, want)
	}
	stamp, _, _ := strings.Cut(strings.TrimPrefix(line, "time="), " ")
	at, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		t.Fatalf("log line %q: time: %v", line, err)
	}
	if at.Before(before) || at.After(after) {
		t.Errorf("log line at %v, want between %v and %v (the wall clock, not the pinned %v)", at, before, after, benchNow)
	}
}

// lineTaker is a handler that takes request lines as requestlog.Line values,
// keeping each, and counts the Records it gets.
type lineTaker struct {
	slog.Handler
	lines   []requestlog.Line
	records int
}

func (h *lineTaker) Handle(context.Context, slog.Record) error { h.records++; return nil }

func (h *lineTaker) HandleRequestLine(_ context.Context, l requestlog.Line) error {
	h.lines = append(h.lines, l)
	return nil
}

// TestRequestLineHandler: a handler with HandleRequestLine gets the
// request line through it, with what the Record would say, and no Record.
func TestRequestLineHandler(t *testing.T) {
	h := &lineTaker{Handler: slog.NewTextHandler(io.Discard, nil)} // enabled at Info
	s, err := New(Config{Clock: FixedClock(benchNow), DisableThrottling: true, Logger: slog.New(h)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	before := time.Now()
	r := newBenchRequest()
	r.Header.Set(HeaderScenario, "InvalidParameterOperator")
	s.ServeHTTP(httptest.NewRecorder(), r)
	if h.records != 0 || len(h.lines) != 1 {
		t.Fatalf("%d Records, %d request lines; want only a request line", h.records, len(h.lines))
	}
	got := h.lines[0]
	end, latency := got.End, got.Latency
	got.End, got.Latency = time.Time{}, 0
	want := requestlog.Line{Action: benchAction, Scenario: "InvalidParameterOperator", ChosenBy: "header",
		Code: "InvalidParameterOperator", Status: http.StatusBadRequest}
	if got != want {
		t.Errorf("request line %+v, want %+v", got, want)
	}
	if end.Before(before) || latency < 0 || latency%time.Microsecond != 0 {
		t.Errorf("request line at %v, want at or after %v (the wall clock); latency %v, want whole microseconds", end, before, latency)
	}
}
