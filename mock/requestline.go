package mock

import (
	"context"
	"log/slog"
	"time"
)

// RequestLine is what the log's line for one API request says
// (docs/cli.md, "The log"). Record is the line as a slog.Record; a
// handler that implements RequestLineHandler gets it as this struct
// instead, without the Record's allocation (its 8 attributes are more
// than a Record holds inline).
type RequestLine struct {
	End         time.Time // when the answer left: the line's time
	Action      string
	AccessKeyID string
	Scenario    string
	ChosenBy    string // what chose the scenario
	Code        string // the error code, "fault:<name>" for a fault, or empty
	Status      int
	Latency     time.Duration // rounded to the microsecond
	Violations  int           // contract violations and proxy drift findings
}

// Record is the line as Config.Logger's handler gets it without
// RequestLineHandler: message "request", level Info, no source, the
// attributes in the order the line shows them. lineHandler's
// appendRequestLine (logline.go, package main) writes the same line
// field by field: an attribute added or moved here goes there too, and
// docs/cli.md ("The log") shows the line.
func (l RequestLine) Record() slog.Record {
	r := slog.NewRecord(l.End, slog.LevelInfo, "request", 0)
	r.AddAttrs(
		slog.String("action", l.Action),
		slog.String("accessKeyId", l.AccessKeyID),
		slog.String("scenario", l.Scenario),
		slog.String("chosenBy", l.ChosenBy),
		slog.String("code", l.Code),
		slog.Int("status", l.Status),
		slog.Duration("latency", l.Latency),
		slog.Int("violations", l.Violations),
	)
	return r
}

// RequestLineHandler is implemented by a Config.Logger handler that takes
// request lines as RequestLine values: the server calls HandleRequestLine,
// after Enabled at slog.LevelInfo, instead of Handle. It must write what
// its Handle would write for l.Record(), so that which of the two the
// server calls never shows in the log.
type RequestLineHandler interface {
	HandleRequestLine(ctx context.Context, l RequestLine) error
}

// logRequest hands l to h: through HandleRequestLine when h has it, else
// as a Record, as Logger.LogAttrs would send it less the caller's program
// counter (its source would be record.go for every request, and finding
// it is a stack walk per request).
func logRequest(h slog.Handler, l RequestLine) {
	ctx := context.Background()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	// As LogAttrs: a log that cannot be written does not fail the request.
	if rh, ok := h.(RequestLineHandler); ok {
		_ = rh.HandleRequestLine(ctx, l)
		return
	}
	_ = h.Handle(ctx, l.Record())
}
