package mock

import (
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/internal/requestlog"
	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
)

// answered journals x, once: just before its answer leaves, or its
// connection is dropped, so a client that has its answer (or saw its
// connection close) finds the request in the journal. Left to the end of
// the handler, an answer too large for net/http's buffers, or a closed
// connection, would reach the client first.
func (s *Server) answered(x *exchange, status int) {
	if x.recorded {
		return
	}
	x.recorded = true
	end := time.Now()
	var latency time.Duration
	if !x.start.IsZero() {
		latency = end.Sub(x.start)
	}
	s.record(x.spec, x, status, end, latency)
}

// record writes the exchange to the journal, and to the log: one line per
// request, stamped end, saying what was asked and what was answered.
func (s *Server) record(sp *Spec, x *exchange, status int, end time.Time, latency time.Duration) {
	e := &journal.Record{
		Time:       s.cfg.Clock.Now(),
		RequestID:  x.requestID,
		Scenario:   x.scenario,
		ChosenBy:   x.from,
		Status:     status,
		Latency:    Duration(latency),
		Violations: journal.KeepViolations(x.violations),
	}
	if x.warning != "" {
		e.Rare().Warning = x.warning
	}
	c := &x.call
	if x.op != nil {
		x.op.RemoveDefaults(c.Params) // the journal keeps what was sent, not the spec's defaults
	}
	e.KeepCall(c.Method, c.Action, c.AccessKeyID, c.Params, sp.SecretParams) // bounded copies: the call's strings may share its body
	s.recordProxy(e, x)
	switch {
	case x.err != nil:
		e.Code = x.err.Code
	case x.outcome.Fault != "":
		e.Code = "fault:" + x.outcome.Fault
	}
	s.coverage.count(x, status)
	s.journal.Add(e, true)
	if len(e.Violations) > 0 || len(e.Drift) > 0 {
		s.violations.Add(e, false)
	}

	requestlog.Log(s.cfg.Logger.Handler(), requestlog.Line{
		End:         end,
		Action:      e.Action,
		AccessKeyID: e.AccessKeyID,
		Scenario:    e.Scenario,
		ChosenBy:    e.ChosenBy,
		Code:        e.Code,
		Status:      e.Status,
		Latency:     latency.Round(time.Microsecond),
		Violations:  len(e.Violations) + len(e.Drift),
	})
}

// recordProxy adds to e what proxy mode did: the upstream's answer, the
// replay, the drift. Values are copied within bounds.
func (s *Server) recordProxy(e *journal.Record, x *exchange) {
	if u := x.upstream; u != nil {
		kept := *u
		kept.Code = journal.KeptCopy(u.Code, keptUpstreamBytes)
		kept.RequestID = journal.KeptCopy(u.RequestID, keptUpstreamBytes)
		kept.RecordError = journal.KeptCopy(u.RecordError, keptUpstreamBytes)
		e.Rare().Upstream = &kept
		if x.err == nil {
			e.Code = kept.Code // the answer the client got
		}
	}
	if r := x.replay; r != nil {
		kept := *r
		kept.Reason = journal.KeptCopy(r.Reason, keptUpstreamBytes)
		kept.Parameter = journal.KeptCopy(r.Parameter, keptUpstreamBytes)
		e.Rare().Replay = &kept
	}
	if len(x.drift) > 0 {
		ds := make([]adminapi.Drift, len(x.drift))
		for i, f := range x.drift {
			ds[i] = adminapi.Drift{Kind: f.Kind, Field: f.Field, Reason: f.Reason}
		}
		e.Drift = journal.KeepDrift(ds)
	}
}

// keptUpstreamBytes bounds each string of an entry's upstream and replay
// fields (the upstream chooses them, or a client's parameters do).
const keptUpstreamBytes = 256
