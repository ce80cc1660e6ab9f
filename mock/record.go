package mock

import (
	"context"
	"log/slog"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
)

// record writes the exchange to the journal, and to the log: one line per
// request saying what was asked and what was answered.
func (s *Server) record(x *exchange, status int, latency time.Duration) {
	e := &Entry{
		Time:       s.cfg.Clock.Now(),
		RequestID:  x.requestID,
		Scenario:   x.scenario,
		ChosenBy:   x.from,
		Warning:    x.warning,
		Status:     status,
		Latency:    Duration(latency),
		Violations: journal.KeepViolations(x.violations),
	}
	if c := x.call; c != nil {
		e.KeepCall(c.Method, c.Action, c.AccessKeyID, c.Params) // bounded copies: the call's strings may share its body
	}
	switch {
	case x.err != nil:
		e.Code = x.err.Code
	case x.outcome.Fault != "":
		e.Code = "fault:" + x.outcome.Fault
	}
	s.catalog.Load().coverage.count(x, status)
	s.journal.Add(e, true)
	if len(e.Violations) > 0 {
		s.violations.Add(e, false)
	}

	log := s.cfg.Logger
	if !log.Enabled(context.Background(), slog.LevelInfo) {
		return
	}
	log.LogAttrs(context.Background(), slog.LevelInfo, "request",
		slog.String("action", e.Action),
		slog.String("accessKeyId", e.AccessKeyID),
		slog.String("scenario", e.Scenario),
		slog.String("chosenBy", e.ChosenBy),
		slog.String("code", e.Code),
		slog.Int("status", e.Status),
		slog.Duration("latency", latency.Round(time.Microsecond)),
		slog.Int("violations", len(e.Violations)),
	)
}
