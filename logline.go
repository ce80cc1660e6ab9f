package main

// The log's line handler: the bytes slog.TextHandler would write for a
// record, formatted here into one reusable buffer. TextHandler costs a
// few percent of the server's CPU on the request line (a pooled state,
// quoting checks through its generic paths); this does the same work in
// a straight line, without an allocation. The mock's request line comes
// as a requestlog.Line and is written field by field, without the
// slog.Record it would take an allocation to build. Anything it does not
// format itself goes to a TextHandler over the same writer, so the output
// never depends on which of the two wrote it.

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/alibaba-cloud-mock/cdnmock/internal/requestlog"
)

// maxKeptLine bounds the buffer kept between lines: a rare huge line is
// not held for the life of the server.
const maxKeptLine = 16 << 10

// lineHandler is a slog.Handler that writes what slog.TextHandler would,
// formatting records of plain values itself (strings, numbers, bools,
// durations, times) and handing every other record, and WithAttrs and
// WithGroup, to a TextHandler. Each line is one Write.
type lineHandler struct {
	text *slog.TextHandler // writes through mu, so its lines and ours never interleave
	own  bool              // no option changes the line: Handle may format it

	mu    sync.Mutex // held for each line written, by either handler
	w     io.Writer
	buf   []byte     // the line being written, reused under mu
	stamp stampCache // under mu
}

func newLineHandler(w io.Writer, opts *slog.HandlerOptions) *lineHandler {
	h := &lineHandler{w: w, own: opts == nil || !opts.AddSource && opts.ReplaceAttr == nil}
	h.text = slog.NewTextHandler(lockedWriter{&h.mu, w}, opts)
	return h
}

func (h *lineHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.text.Enabled(ctx, l)
}

func (h *lineHandler) Handle(ctx context.Context, r slog.Record) error {
	if wrote, err := h.writeLine(r); wrote {
		return err
	}
	return h.text.Handle(ctx, r)
}

// HandleRequestLine writes the mock's request line field by field, what
// Handle writes for l.Record() without building it (requestlog.Handler).
// With options that change the line it is l.Record()'s, through Handle.
func (h *lineHandler) HandleRequestLine(ctx context.Context, l requestlog.Line) error {
	if !h.own {
		return h.Handle(ctx, l.Record())
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.appendRequestLine(h.buf[:0], l)
	h.reuseBuf(b)
	_, err := h.w.Write(b)
	return err
}

// writeLine writes r's line if it formats it itself: no option changes
// the line and every value is of a kind appendValue knows. Otherwise it
// writes nothing and returns false.
func (h *lineHandler) writeLine(r slog.Record) (bool, error) {
	if !h.own {
		return false, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	b, ok := h.appendLine(h.buf[:0], r)
	h.reuseBuf(b)
	if !ok {
		return false, nil
	}
	_, err := h.w.Write(b)
	return true, err
}

// reuseBuf keeps b's array for the next line, under mu, unless it has
// grown past maxKeptLine.
func (h *lineHandler) reuseBuf(b []byte) {
	h.buf = b
	if cap(b) > maxKeptLine {
		h.buf = nil
	}
}

func (h *lineHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	return h.text.WithAttrs(as)
}

// WithGroup is TextHandler's, even for "", for which TextHandler prefixes
// the keys with ".": the line stays TextHandler's byte for byte.
func (h *lineHandler) WithGroup(name string) slog.Handler {
	return h.text.WithGroup(name)
}

// appendLine appends r's line as TextHandler.Handle writes it without
// options: time (when not zero), level, msg, then each attribute as
// key=value after a space, and a newline. It returns false, having
// appended part of a line, when an attribute's value is of a kind it
// does not format: groups, Any (TextMarshaler, error, fmt) and LogValuer.
func (h *lineHandler) appendLine(b []byte, r slog.Record) ([]byte, bool) {
	b = h.appendHead(b, r.Time, r.Level, r.Message)
	ok := true
	r.Attrs(func(a slog.Attr) bool {
		b = append(b, ' ')
		b = appendString(b, a.Key)
		b = append(b, '=')
		b, ok = h.appendValue(b, a.Value)
		return ok
	})
	return append(b, '\n'), ok
}

// appendHead appends the line's built-in keys: time (when not zero),
// level and msg.
func (h *lineHandler) appendHead(b []byte, t time.Time, level slog.Level, msg string) []byte {
	if !t.IsZero() {
		b = append(b, "time="...)
		b = h.stamp.append(b, t)
		b = append(b, ' ')
	}
	b = append(b, "level="...)
	b = appendString(b, level.String())
	b = append(b, " msg="...)
	return appendString(b, msg)
}

// appendRequestLine appends what appendLine would for l.Record(): its
// keys and order are those of requestlog.Line.Record, and
// TestRequestLineFastPath holds the two to the same bytes.
func (h *lineHandler) appendRequestLine(b []byte, l requestlog.Line) []byte {
	b = h.appendHead(b, l.End, slog.LevelInfo, requestlog.Message)
	b = append(b, " action="...)
	b = appendString(b, l.Action)
	b = append(b, " accessKeyId="...)
	b = appendString(b, l.AccessKeyID)
	b = append(b, " scenario="...)
	b = appendString(b, l.Scenario)
	b = append(b, " chosenBy="...)
	b = appendString(b, l.ChosenBy)
	b = append(b, " "+requestlog.CodeKey+"="...)
	b = appendString(b, l.Code)
	b = append(b, " "+requestlog.StatusKey+"="...)
	b = strconv.AppendInt(b, int64(l.Status), 10)
	b = append(b, " latency="...)
	b = append(b, l.Latency.String()...)
	b = append(b, " violations="...)
	b = strconv.AppendInt(b, int64(l.Violations), 10)
	return append(b, '\n')
}

// appendValue is TextHandler's text for a value of a plain kind: a string
// quoted when it needs to be, a time as RFC 3339 with milliseconds, the
// others as slog.Value writes them. It reports false for other kinds.
func (h *lineHandler) appendValue(b []byte, v slog.Value) ([]byte, bool) {
	switch v.Kind() {
	case slog.KindString:
		return appendString(b, v.String()), true
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10), true
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10), true
	case slog.KindFloat64:
		return strconv.AppendFloat(b, v.Float64(), 'g', -1, 64), true
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool()), true
	case slog.KindDuration:
		return append(b, v.Duration().String()...), true // String is inlined: no allocation
	case slog.KindTime:
		return h.stamp.append(b, v.Time()), true
	}
	return b, false
}

// appendString appends s, quoted as strconv.Quote does when it is empty
// or holds a space, '=', '"', a control character, invalid UTF-8 or a
// rune that is not printable: TextHandler's rule.
func appendString(b []byte, s string) []byte {
	if needsQuoting(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

func needsQuoting(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 64 && quotedASCII>>c&1 != 0 {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

// quotedASCII has bit c set for each byte c that makes TextHandler quote
// a string: control characters, space, '"' and '='. DEL and '\\' are
// left as they are.
const quotedASCII = 1<<(' '+1) - 1 | 1<<'"' | 1<<'='

// appendRFC3339Millis is TextHandler's time: RFC 3339 with exactly three
// digits of fraction, in t's zone. RFC3339Nano trims trailing zeros, so a
// tenth of a millisecond is added to keep four digits and the last is
// dropped.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...)
}

// stampCache keeps the last second a time was written in: the lines of a
// second share all of their time but the milliseconds, and formatting a
// time costs as much as the rest of a line.
type stampCache struct {
	sec  int64
	loc  *time.Location
	head []byte // "2006-01-02T15:04:05." of sec in loc
	zone []byte // "Z" or "+01:00"

	whole []byte // the stamp that head and zone are parts of, reused
}

// append appends t as appendRFC3339Millis does.
func (c *stampCache) append(b []byte, t time.Time) []byte {
	if c.head == nil || t.Unix() != c.sec || t.Location() != c.loc {
		whole := appendRFC3339Millis(c.whole[:0], t.Truncate(time.Second))
		if len(whole) < len("2006-01-02T15:04:05.000Z") || whole[19] != '.' {
			c.head = nil // a year outside 0-9999
			return appendRFC3339Millis(b, t)
		}
		c.whole, c.sec, c.loc = whole, t.Unix(), t.Location()
		c.head, c.zone = whole[:20], whole[23:]
	}
	ms := t.Nanosecond() / 1e6
	b = append(b, c.head...)
	b = append(b, byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(b, c.zone...)
}

// lockedWriter writes to w holding mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
