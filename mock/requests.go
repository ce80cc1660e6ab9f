package mock

import (
	"fmt"
	"strconv"
	"time"
)

// RequestFilter selects journal entries; zero fields select everything.
type RequestFilter struct {
	Action      string
	AccessKeyID string
	Since       time.Time // entries at or after this time of the server's clock
	AfterSeq    uint64    // entries with a larger sequence number
}

// parseSince reads ?since=: an RFC 3339 time, or a sequence number to read
// on from (what a follower remembers).
func (f *RequestFilter) parseSince(v string) error {
	if n, err := strconv.ParseUint(v, 10, 64); err == nil {
		f.AfterSeq = n
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return fmt.Errorf("since=%q: want an RFC 3339 time such as 2026-11-25T12:00:00Z, or a sequence number", v)
	}
	f.Since = t
	return nil
}

func (f RequestFilter) keep(e *Entry) bool {
	return (f.Action == "" || e.Action == f.Action) &&
		(f.AccessKeyID == "" || e.AccessKeyID == f.AccessKeyID) &&
		(f.Since.IsZero() || !e.Time.Before(f.Since)) &&
		e.Seq > f.AfterSeq
}

// Requests returns the journal's entries that pass f, oldest first.
func (s *Server) Requests(f RequestFilter) []*Entry {
	es := s.journal.snapshot(f.keep)
	for _, e := range es {
		e.fillParams()
	}
	return es
}

// ClearRequests empties the journal.
func (s *Server) ClearRequests() { s.journal.clear() }

// Violations lists the spec violations of the newest violating requests
// (as many as the journal keeps), oldest first.
func (s *Server) Violations() []ViolationRecord {
	var out []ViolationRecord
	for _, e := range s.violations.snapshot(nil) {
		for _, v := range e.Violations {
			out = append(out, ViolationRecord{Seq: e.Seq, Time: e.Time, RequestID: e.RequestID,
				Action: e.Action, AccessKeyID: e.AccessKeyID, Parameter: v.Parameter, Reason: v.Reason})
		}
	}
	return out
}

// ViolationCount is the number of requests that broke the spec since the
// server started or the violations were last cleared.
func (s *Server) ViolationCount() int {
	return s.violations.count()
}
