package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/internal/requestlog"
)

// sameLine handles rs in turn with one lineHandler and with one
// slog.TextHandler, both with opts, and fails unless they wrote the same
// bytes. It returns whether the lineHandler formatted the last record
// itself.
func sameLine(t *testing.T, opts *slog.HandlerOptions, rs ...slog.Record) bool {
	t.Helper()
	var got, want bytes.Buffer
	lh, th := newLineHandler(&got, opts), slog.NewTextHandler(&want, opts)
	mine := false
	for _, r := range rs {
		if err := lh.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		if err := th.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		var err error
		if mine, err = newLineHandler(io.Discard, opts).writeLine(r); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("lineHandler wrote\n%q\nslog.TextHandler\n%q", got.Bytes(), want.Bytes())
	}
	return mine
}

var (
	paris = time.FixedZone("CET", 3600)
	when  = time.Date(2026, 11, 25, 12, 0, 0, 999_500_000, time.UTC)
)

// TestLineHandlerWritesTextHandlersLine: records of every kind the line
// handler formats itself, and of the kinds it leaves to TextHandler, give
// TextHandler's bytes.
func TestLineHandlerWritesTextHandlersLine(t *testing.T) {
	strs := []string{"", "plain", "two words", "a=b", `say "hi"`, "line\nbreak", "tab\t", `back\slash`, "\xff\xfe",
		"héllo", "日本", "nb\u00a0sp", "zero\u200bwidth", "\x7f", "emoji 🙂", "\ufffd", "-", "fault:reset"}
	for i, s := range strs {
		r := slog.NewRecord(when.In(paris), slog.LevelInfo, s, 0)
		r.AddAttrs(slog.String(s, s), slog.String("k"+strconv.Itoa(i), s))
		if !sameLine(t, nil, r) {
			t.Errorf("%q: left to TextHandler", s)
		}
	}

	r := slog.NewRecord(time.Time{}, slog.LevelWarn+3, "no time", 0) // zero time: no time key; level WARN+3
	r.AddAttrs(
		slog.Int("neg", -42), slog.Int64("min", math.MinInt64), slog.Uint64("max", math.MaxUint64),
		slog.Float64("f", -1.5e-7), slog.Float64("nan", math.NaN()), slog.Float64("inf", math.Inf(1)),
		slog.Bool("yes", true), slog.Bool("no", false),
		slog.Duration("latency", 61*time.Microsecond), slog.Duration("neg", -90*time.Minute), slog.Duration("zero", 0),
		slog.Duration("minDur", math.MinInt64), slog.Time("at", when.In(paris)), slog.Time("year", time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC)),
		slog.Time("zero", time.Time{}), slog.Int("", 0),
	)
	if !sameLine(t, nil, r) {
		t.Error("plain values left to TextHandler")
	}
	// The kept second: lines in the same second, in another zone, the next
	// second, years outside 0-9999, and back.
	var rs []slog.Record
	for _, at := range []time.Time{when, when.Add(-time.Millisecond), when.In(paris), when.Add(time.Millisecond), when.Add(time.Second),
		time.Date(10000, 1, 1, 0, 0, 0, 123e6, time.UTC), time.Date(-1, 12, 31, 23, 59, 59, 1e6, paris), when, when.Add(-time.Hour).Local()} {
		r := slog.NewRecord(at, slog.LevelInfo, "stamp", 0)
		r.AddAttrs(slog.Time("at", at.Add(time.Second/3)))
		rs = append(rs, r)
	}
	if !sameLine(t, nil, rs...) {
		t.Error("times left to TextHandler")
	}
	for _, l := range []slog.Level{slog.LevelDebug - 2, slog.LevelInfo, slog.LevelError + 8} {
		if !sameLine(t, &slog.HandlerOptions{Level: slog.LevelDebug - 10}, slog.NewRecord(when, l, "level", 0)) {
			t.Errorf("level %v: left to TextHandler", l)
		}
	}

	// Left to TextHandler: a kind it does not format, a group, options
	// that change the line.
	others := []slog.Attr{
		slog.Any("err", errors.New("boom")), slog.Any("bytes", []byte("a b")), slog.Any("level", slog.LevelWarn),
		slog.Group("g", slog.Int("a", 1)), slog.Any("v", slog.GroupValue(slog.Int("a", 1))), {},
	}
	for _, a := range others {
		r := slog.NewRecord(when, slog.LevelInfo, "other", 0)
		r.AddAttrs(slog.Int("n", 1), a)
		if sameLine(t, nil, r) {
			t.Errorf("%v: formatted by the line handler", a)
		}
	}
	r = slog.NewRecord(when, slog.LevelInfo, "options", 0)
	r.AddAttrs(slog.Int("n", 1))
	upper := func(_ []string, a slog.Attr) slog.Attr { a.Key += "!"; return a }
	for _, opts := range []*slog.HandlerOptions{{AddSource: true}, {ReplaceAttr: upper}} {
		if sameLine(t, opts, r) {
			t.Errorf("%+v: formatted by the line handler", opts)
		}
	}
}

// TestLineHandlerWithAttrsAndGroups: WithAttrs and WithGroup give
// TextHandler's lines, written to the same writer in order.
func TestLineHandlerWithAttrsAndGroups(t *testing.T) {
	var got, want bytes.Buffer
	log := func(h slog.Handler) { // records of a pinned time: Logger's would be time.Now
		line := func(h slog.Handler, msg string, n int) {
			r := slog.NewRecord(when, slog.LevelInfo, msg, 0)
			r.AddAttrs(slog.Int("n", n))
			if err := h.Handle(context.Background(), r); err != nil {
				t.Fatal(err)
			}
		}
		line(h, "plain", 1)
		line(h.WithAttrs([]slog.Attr{slog.String("a", "b c")}), "with", 2)
		line(h.WithGroup("g").WithAttrs([]slog.Attr{slog.Int("x", 1)}).WithGroup("h"), "grouped", 3)
		line(h.WithAttrs(nil).WithGroup(""), "nothing added", 4)
	}
	log(newLineHandler(&got, nil))
	log(slog.NewTextHandler(&want, nil))
	if got.String() != want.String() {
		t.Errorf("lineHandler wrote\n%s\nslog.TextHandler\n%s", got.String(), want.String())
	}
}

// FuzzLogLine: any message, level, time, keys and values give
// TextHandler's bytes, and the line handler formats exactly the records
// of the kinds it knows.
func FuzzLogLine(f *testing.F) {
	f.Add("request", 0, "action", "CreateUserUsageDataExportTask", int64(-7), uint64(1<<63), 0.5, true, int64(61_000), int64(1_795_000_000), int64(999_999_999), int32(3600), []byte{0, 1, 2, 3, 4, 5, 6})
	f.Add("", -4, "", "", int64(0), uint64(0), math.Inf(-1), false, int64(math.MinInt64), int64(0), int64(0), int32(0), []byte{})
	f.Add("a \"quoted\"\nmessage", 13, "k=v", "\xff invalid \t", int64(math.MinInt64), uint64(math.MaxUint64), math.NaN(), true, int64(-1), int64(-62_135_596_801), int64(1), int32(-34200), []byte{7, 8, 9, 0, 5})
	f.Add("日本 🙂", 8, "ключ", "nb\u00a0sp\u200b", int64(42), uint64(7), -1e300, false, int64(90*time.Minute), int64(253_402_300_800), int64(500_000), int32(50400), []byte{10, 16, 22, 0, 0, 0})
	f.Fuzz(func(t *testing.T, msg string, level int, key, s string, i int64, u uint64, fl float64, bo bool, d, sec, nsec int64, zone int32, kinds []byte) {
		at := time.Unix(sec, nsec).In(time.FixedZone("", int(zone)))
		if sec == 0 {
			at = time.Time{}
		}
		r := slog.NewRecord(at, slog.Level(level), msg, 0)
		keys := []string{key, s, msg, ""}
		mine := true
		for j, k := range kinds[:min(len(kinds), 12)] {
			key := keys[j%len(keys)]
			var a slog.Attr
			switch k % 10 {
			case 0:
				a = slog.String(key, s)
			case 1:
				a = slog.Int64(key, i)
			case 2:
				a = slog.Uint64(key, u)
			case 3:
				a = slog.Float64(key, fl)
			case 4:
				a = slog.Bool(key, bo)
			case 5:
				a = slog.Duration(key, time.Duration(d))
			case 6:
				a = slog.Time(key, at)
			case 7:
				a, mine = slog.Any(key, errors.New(s)), false
			case 8:
				a, mine = slog.Group(key, slog.String(s, msg)), false
			case 9:
				a, mine = slog.Any(key, []string{s, msg}), false
			}
			r.AddAttrs(a)
		}
		r2 := r.Clone() // the same attributes a moment later, maybe in another second
		r2.Time = at.Add(time.Duration(d))
		if got := sameLine(t, nil, r, r2); got != mine {
			t.Errorf("formatted by the line handler: %v, want %v", got, mine)
		}
	})
}

// requestLine is a valid Create's request line (mock/record.go).
func requestLine() requestlog.Line {
	return requestlog.Line{End: when, Action: "CreateUserUsageDataExportTask", AccessKeyID: "LTAI5tMockAccessKey",
		Scenario: "default", ChosenBy: "default", Status: 200, Latency: 61 * time.Microsecond}
}

// BenchmarkRequestLine: the request line through slog.TextHandler and
// through the line handler, to io.Discard: Handle alone; the record built
// as well (its 8 attributes are 3 more than a record holds inline: one
// allocation), as mock/record.go sends it to a handler without
// HandleRequestLine; through Logger.LogAttrs, as record.go used to send it
// (its stack walk finds a source no line shows); and, for the line
// handler, HandleRequestLine, as record.go sends it to the command's
// handler: no record at all.
func BenchmarkRequestLine(b *testing.B) {
	ctx := context.Background()
	for _, h := range []struct {
		name string
		h    slog.Handler
	}{{"TextHandler", slog.NewTextHandler(io.Discard, nil)}, {"lineHandler", newLineHandler(io.Discard, nil)}} {
		b.Run("Handle/"+h.name, func(b *testing.B) {
			r := requestLine().Record()
			b.ReportAllocs()
			for b.Loop() {
				if err := h.h.Handle(ctx, r); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Record/"+h.name, func(b *testing.B) {
			l := requestLine()
			b.ReportAllocs()
			for b.Loop() {
				if err := h.h.Handle(ctx, l.Record()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("LogAttrs/"+h.name, func(b *testing.B) {
			var attrs []slog.Attr
			requestLine().Record().Attrs(func(a slog.Attr) bool { attrs = append(attrs, a); return true })
			log := slog.New(h.h)
			b.ReportAllocs()
			for b.Loop() {
				log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
			}
		})
	}
	b.Run("HandleRequestLine/lineHandler", func(b *testing.B) {
		h, l := newLineHandler(io.Discard, nil), requestLine()
		b.ReportAllocs()
		for b.Loop() {
			if err := h.HandleRequestLine(ctx, l); err != nil {
				b.Fatal(err)
			}
		}
	})
}
