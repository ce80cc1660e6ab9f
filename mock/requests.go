package mock

import (
	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/drift"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
)

// Requests returns the journal's entries that pass f, oldest first.
func (s *Server) Requests(f RequestFilter) []*Entry {
	rs := s.journal.Snapshot(f.Keep)
	out := make([]*Entry, len(rs))
	for i, r := range rs {
		out[i] = r.View()
	}
	return out
}

// ClearRequests empties the journal.
func (s *Server) ClearRequests() { s.journal.Clear() }

// clearViolations forgets the violations kept apart; the journal keeps its
// entries.
func (s *Server) clearViolations() { s.violations.Clear() }

// Violations lists the spec violations of the newest violating requests
// (as many as the journal keeps), oldest first: those of the requests, then
// in proxy mode how the upstream's answer drifted from the spec.
func (s *Server) Violations() []ViolationRecord {
	out := []ViolationRecord{} // [] when there are none, never null
	for _, e := range s.violations.Snapshot(nil) {
		for _, v := range e.Violations {
			out = append(out, ViolationRecord{Seq: e.Seq, Time: e.Time, RequestID: e.RequestID,
				Action: e.Action, AccessKeyID: e.AccessKeyID, Parameter: v.Parameter, Reason: v.Reason, Kind: drift.KindRequest})
		}
		for _, d := range e.Drift {
			r := ViolationRecord{Seq: e.Seq, Time: e.Time, RequestID: e.RequestID,
				Action: e.Action, AccessKeyID: e.AccessKeyID, Parameter: d.Field, Reason: d.Reason, Kind: d.Kind}
			if u := e.Upstream(); u != nil {
				r.UpstreamRequestID = u.RequestID
			}
			out = append(out, r)
		}
	}
	return out
}

// ViolationCount is the number of requests that broke the spec, or whose
// upstream answer drifted from it, since the server started or the
// violations were last cleared.
func (s *Server) ViolationCount() int {
	return s.violations.Count()
}

// Entry is one API request as the journal shows it.
type Entry = adminapi.Entry

// RequestFilter selects journal entries; zero fields select everything.
type RequestFilter = journal.RequestFilter
