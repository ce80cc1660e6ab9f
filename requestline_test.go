package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/internal/requestlog"
	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// sameRequestLines writes ls with one lineHandler's HandleRequestLine and
// their Records with one slog.TextHandler, both with opts, and fails at
// the first line where the bytes differ.
func sameRequestLines(t *testing.T, opts *slog.HandlerOptions, ls ...requestlog.Line) {
	t.Helper()
	var got, want bytes.Buffer
	lh, th := newLineHandler(&got, opts), slog.NewTextHandler(&want, opts)
	for _, l := range ls {
		got.Reset()
		want.Reset()
		if err := lh.HandleRequestLine(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		if err := th.Handle(context.Background(), l.Record()); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("%+v:\nHandleRequestLine wrote\n%q\nslog.TextHandler\n%q", l, got.Bytes(), want.Bytes())
		}
	}
}

// oddLines are request lines with every value TextHandler quotes or
// writes in its own way, in several zones and seconds.
func oddLines() []requestlog.Line {
	var ls []requestlog.Line
	strs := []string{"", "plain", "two words", "a=b", `say "hi"`, "line\nbreak", "tab\t", `back\slash`, "\xff\xfe",
		"héllo", "日本", "nb\u00a0sp", "zero\u200bwidth", "\x7f", "emoji 🙂", "\ufffd", "-", "fault:reset"}
	for i, s := range strs {
		ls = append(ls, requestlog.Line{End: when.Add(time.Duration(i) * time.Millisecond), Action: s, AccessKeyID: s,
			Scenario: s, ChosenBy: s, Code: s, Status: 400 + i, Latency: time.Duration(i) * 1500 * time.Microsecond, Violations: i})
	}
	ends := []time.Time{{}, when.In(paris), when.In(time.FixedZone("", -34200)), when.Add(time.Second).Local(), when.Add(time.Hour),
		time.Date(10000, 1, 1, 0, 0, 0, 123e6, time.UTC), time.Date(-1, 12, 31, 23, 59, 59, 1e6, paris)}
	latencies := []time.Duration{0, time.Microsecond, 61 * time.Microsecond, 999 * time.Millisecond, 90 * time.Hour,
		math.MaxInt64, -time.Second, math.MinInt64}
	ints := []int{0, 200, 599, -1, math.MaxInt, math.MinInt}
	for i, end := range ends {
		for j, lat := range latencies {
			n := ints[(i+j)%len(ints)]
			ls = append(ls, requestlog.Line{End: end, Action: "CreateUserUsageDataExportTask", Scenario: "default",
				ChosenBy: "x-mock-scenario", Status: n, Latency: lat, Violations: -n})
		}
	}
	return ls
}

// TestRequestLineFastPath: the request line written from its fields is
// TextHandler's for its Record, and with ReplaceAttr, which changes the
// line, it is the Record's line. AddSource is not tried: the Record has
// no caller (PC 0), for which TextHandler writes no source, so the line
// is the same whether HandleRequestLine heeds it or not.
func TestRequestLineFastPath(t *testing.T) {
	sameRequestLines(t, nil, append(oddLines(), requestLine())...)
	upper := func(_ []string, a slog.Attr) slog.Attr { a.Key += "!"; return a }
	sameRequestLines(t, &slog.HandlerOptions{ReplaceAttr: upper}, requestLine(), oddLines()[3])
}

// FuzzRequestLine: any fields give TextHandler's bytes for the Record.
func FuzzRequestLine(f *testing.F) {
	f.Add("CreateUserUsageDataExportTask", "LTAI5tMockAccessKey", "default", "fault:reset", 200, int64(61_000), 3, int64(1_795_000_000), int64(999_999_999), int32(3600))
	f.Add("", "a b", "k=v", "\xff\n", -1, int64(math.MinInt64), math.MaxInt, int64(0), int64(0), int32(-34200))
	f.Fuzz(func(t *testing.T, action, ak, scenario, code string, status int, latency int64, violations int, sec, nsec int64, zone int32) {
		end := time.Unix(sec, nsec).In(time.FixedZone("", int(zone)))
		if sec == 0 {
			end = time.Time{}
		}
		sameRequestLines(t, nil, requestlog.Line{End: end, Action: action, AccessKeyID: ak, Scenario: scenario, ChosenBy: ak,
			Code: code, Status: status, Latency: time.Duration(latency), Violations: violations})
	})
}

// TestLineHandlerLinesSideBySide: request lines, records the handler
// formats and records it leaves to its TextHandler (an error value),
// written side by side on one lineHandler, each in its own second, come
// out whole, each once: the buffer, the time stamp and the writer are
// shared under one lock (run with -race).
func TestLineHandlerLinesSideBySide(t *testing.T) {
	const writers, rounds = 4, 200
	lines := func(g int) (requestlog.Line, slog.Record, slog.Record) {
		end := when.Add(time.Duration(g) * time.Second)
		l := requestLine()
		l.End = end
		plain := slog.NewRecord(end, slog.LevelInfo, "plain", 0)
		plain.AddAttrs(slog.Int("writer", g))
		other := slog.NewRecord(end, slog.LevelWarn, "other", 0)
		other.AddAttrs(slog.Any("err", errors.New("writer "+strconv.Itoa(g))))
		return l, plain, other
	}
	want := map[string]int{}
	for g := range writers {
		var line bytes.Buffer
		th := slog.NewTextHandler(&line, nil)
		l, plain, other := lines(g)
		for _, r := range []slog.Record{l.Record(), plain, other} {
			line.Reset()
			_ = th.Handle(context.Background(), r)
			want[line.String()] += rounds
		}
	}

	var out bytes.Buffer
	h := newLineHandler(&out, nil)
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			l, plain, other := lines(g)
			for range rounds {
				_ = h.HandleRequestLine(context.Background(), l)
				_ = h.Handle(context.Background(), plain)
				_ = h.Handle(context.Background(), other)
			}
		})
	}
	wg.Wait()
	got := map[string]int{}
	for line := range strings.Lines(out.String()) {
		got[line]++
	}
	if !maps.Equal(got, want) {
		for line, n := range want {
			if got[line] != n {
				t.Errorf("%q written %d times, want %d", line, got[line], n)
			}
		}
		t.Errorf("%d distinct lines written, want %d", len(got), len(want))
	}
}

// TestRequestFilterFastPath: --log errors drops the request lines of
// answers that did not fail and keeps the others, the same through
// HandleRequestLine as through Handle, whether the handler below takes
// request lines or only Records; --log off keeps none.
func TestRequestFilterFastPath(t *testing.T) {
	lines := []requestlog.Line{
		{End: when, Status: 200}, {End: when, Status: 204, Code: "faulty"}, {End: when, Status: 399},
		{End: when, Status: 400, Code: "InvalidTimeRange"}, {End: when, Status: 500},
		{End: when, Status: 0, Code: "fault:reset"}, {End: when, Status: 200, Code: "fault:garbage"},
	}
	const kept = 4 // from the 400 on
	var want bytes.Buffer
	th := slog.NewTextHandler(&want, nil)
	for _, l := range lines[len(lines)-kept:] {
		_ = th.Handle(context.Background(), l.Record())
	}
	var fast, inner, records bytes.Buffer
	filters := map[*bytes.Buffer]requestlog.Handler{
		&fast:  newLogger(logErrors, &fast).Handler().(requestlog.Handler),
		&inner: &requestFilter{Handler: slog.NewTextHandler(&inner, nil), errorsOnly: true},
	}
	slow := newLogger(logErrors, &records).Handler()
	for _, l := range lines {
		for _, f := range filters {
			if err := f.HandleRequestLine(context.Background(), l); err != nil {
				t.Fatal(err)
			}
		}
		if err := slow.Handle(context.Background(), l.Record()); err != nil {
			t.Fatal(err)
		}
	}
	for name, got := range map[string]*bytes.Buffer{"HandleRequestLine": &fast, "HandleRequestLine over TextHandler": &inner, "Handle": &records} {
		if got.String() != want.String() {
			t.Errorf("--log errors, %s wrote\n%s\nwant\n%s", name, got, want.String())
		}
	}

	var off bytes.Buffer
	h := newLogger(logOff, &off).Handler()
	if h.Enabled(context.Background(), slog.LevelInfo) {
		t.Error("--log off: enabled at Info, the mock builds every request line")
	}
	for _, l := range lines {
		_ = h.(requestlog.Handler).HandleRequestLine(context.Background(), l)
	}
	if off.Len() != 0 {
		t.Errorf("--log off wrote\n%s", off.String())
	}
}

// TestServerRequestLines: a mock.Server with the command's logger writes
// a line for each request under --log requests, for the failed ones
// (a 400, a fault answered 200) under --log errors, none under --log off.
func TestServerRequestLines(t *testing.T) {
	calls := []struct{ scenario, code string }{
		{"", `code=""`}, {"InvalidParameterOperator", "code=InvalidParameterOperator"}, {"fault:garbage", "code=fault:garbage"},
	}
	for mode, want := range map[string][]int{logRequests: {0, 1, 2}, logErrors: {1, 2}, logOff: nil} {
		var out bytes.Buffer
		srv, err := mock.New(mock.Config{Clock: mock.FixedClock(when), DisableThrottling: true, Logger: newLogger(mode, &out)})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			r := httptest.NewRequest(http.MethodPost, "/?Action=CreateUserUsageDataExportTask&Version=2018-05-10&Format=JSON"+
				"&StartTime=2026-11-01T00%3A00%3A00Z&EndTime=2026-11-02T00%3A00%3A00Z", nil)
			if c.scenario != "" {
				r.Header.Set(mock.HeaderScenario, c.scenario)
			}
			srv.ServeHTTP(httptest.NewRecorder(), r)
		}
		srv.Close()
		got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if out.Len() == 0 {
			got = nil
		}
		if len(got) != len(want) {
			t.Fatalf("--log %s: %d lines, want %d:\n%s", mode, len(got), len(want), out.String())
		}
		for i, c := range want {
			if !strings.Contains(got[i], " msg=request ") || !strings.Contains(got[i], " "+calls[c].code+" ") {
				t.Errorf("--log %s: line %d is\n%s\nwant the line of %s", mode, i, got[i], calls[c].code)
			}
		}
	}
}
