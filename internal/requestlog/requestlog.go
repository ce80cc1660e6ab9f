// Package requestlog is the log's line for one API request as data, shared
// by the mock, which fills it in, and the command's log handler, which
// writes it field by field without the slog.Record it would take an
// allocation to build (its 8 attributes are more than a Record holds
// inline). It is internal: a handler outside this module gets the line as
// a Record, whatever fields are added here.
package requestlog

import (
	"context"
	"log/slog"
	"time"
)

// The line's message, and the keys a filter of failed answers reads
// (docs/cli.md, "The log").
const (
	Message   = "request"
	StatusKey = "status"
	CodeKey   = "code"
)

// Line is what the request line says.
type Line struct {
	End         time.Time // when the answer left: the line's time
	Action      string
	AccessKeyID string
	Scenario    string
	ChosenBy    string        // what chose the scenario
	Code        string        // the error code, "fault:<name>" for a fault, or empty
	Status      int           // the HTTP status answered
	Latency     time.Duration // rounded to the microsecond
	Violations  int           // contract violations and proxy drift findings
}

// Record is the line as a handler without HandleRequestLine gets it:
// message Message, level Info, no source, the attributes in the order
// the line shows them.
func (l Line) Record() slog.Record {
	// The command's lineHandler.appendRequestLine (logline.go) writes the
	// same line field by field: an attribute added or moved here goes
	// there too, and docs/cli.md ("The log") shows the line.
	r := slog.NewRecord(l.End, slog.LevelInfo, Message, 0)
	r.AddAttrs(
		slog.String("action", l.Action),
		slog.String("accessKeyId", l.AccessKeyID),
		slog.String("scenario", l.Scenario),
		slog.String("chosenBy", l.ChosenBy),
		slog.String(CodeKey, l.Code),
		slog.Int(StatusKey, l.Status),
		slog.Duration("latency", l.Latency),
		slog.Int("violations", l.Violations),
	)
	return r
}

// Handler is a slog.Handler of this module that takes request lines as
// Line values: Log calls HandleRequestLine, after Enabled at
// slog.LevelInfo, instead of Handle. It writes what its Handle would write
// for l.Record(), so that which of the two is called never shows in the
// log.
type Handler interface {
	HandleRequestLine(ctx context.Context, l Line) error
}

// Log hands l to h: through HandleRequestLine when h is a Handler, else
// as a Record, as Logger.LogAttrs would send it less the caller's program
// counter (its source would be the mock's record.go for every request, and
// finding it is a stack walk per request).
func Log(h slog.Handler, l Line) {
	ctx := context.Background()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	// As LogAttrs: a log that cannot be written does not fail the request.
	if rh, ok := h.(Handler); ok {
		_ = rh.HandleRequestLine(ctx, l)
		return
	}
	_ = h.Handle(ctx, l.Record())
}
