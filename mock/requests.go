package mock

import (
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
)

// Requests returns the journal's entries that pass f, oldest first.
func (s *Server) Requests(f RequestFilter) []*Entry {
	es := s.journal.Snapshot(f.Keep)
	for _, e := range es {
		e.FillParams()
	}
	return es
}

// ClearRequests empties the journal.
func (s *Server) ClearRequests() { s.journal.Clear() }

// Violations lists the spec violations of the newest violating requests
// (as many as the journal keeps), oldest first.
func (s *Server) Violations() []ViolationRecord {
	out := []ViolationRecord{} // [] when there are none, never null
	for _, e := range s.violations.Snapshot(nil) {
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
	return s.violations.Count()
}

// Entry is one API request as the journal keeps it.
type Entry = journal.Entry

// RequestFilter selects journal entries; zero fields select everything.
type RequestFilter = journal.RequestFilter
