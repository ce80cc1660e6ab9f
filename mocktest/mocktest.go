// Package mocktest runs the CDN mock in-process for Go tests: one call
// starts it on a free port and stops it when the test ends, and methods
// choose scenarios and read the journal, failing the test on a mistake.
//
//	func TestExport(t *testing.T) {
//		srv := mocktest.Start(t, mocktest.WithClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)))
//		srv.SetScenario("InvalidTimeRange")
//		// point the SDK at srv.Endpoint() with protocol HTTP, call it …
//		if got := srv.Requests(mock.RequestFilter{Action: "CreateUserUsageDataExportTask"}); len(got) != 1 {
//			t.Errorf("%d calls", len(got))
//		}
//	}
package mocktest

import (
	"cmp"
	"net/http/httptest"
	"slices"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

// TB is what Start needs from a test: *testing.T, *testing.B, *testing.F and
// every testing.TB satisfy it. It is an interface of its own, not
// testing.TB, so that code without a test at hand (a runnable example, a
// TestMain) can pass a small stand-in: testing.TB cannot be implemented
// outside the testing package.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Server is a running mock. Its methods fail the test given to Start, so
// they must be called from the test's goroutine, as t.Fatalf requires.
type Server struct {
	t   TB
	srv *mock.Server
	ts  *httptest.Server
}

// Option changes how Start sets up the mock.
type Option func(*settings)

type settings struct {
	cfg      mock.Config
	scenario string
}

// WithConfig changes the mock.Config the server starts from (the zero
// value: the embedded spec, scenarios and fixtures, on real time).
func WithConfig(f func(*mock.Config)) Option { return func(s *settings) { f(&s.cfg) } }

// WithClock pins the server's clock at now, so validation of times and the
// times in answers and in the journal do not depend on when the test runs.
// Move it with Clock().Set or Clock().Advance.
func WithClock(now time.Time) Option {
	return func(s *settings) { s.cfg.Clock = mock.FixedClock(now) }
}

// WithScenario makes name the active scenario from the start.
func WithScenario(name string) Option { return func(s *settings) { s.scenario = name } }

// Start runs the mock on a free loopback port and stops it when the test
// ends. A problem in the configuration (a bad scenario file, an unknown
// scenario) fails the test with the mock's own message.
func Start(t TB, opts ...Option) *Server {
	t.Helper()
	var st settings
	for _, o := range opts {
		o(&st)
	}
	srv, err := mock.New(st.cfg)
	if err != nil {
		t.Fatalf("mocktest: the mock does not start: %v", err)
		return nil // for a TB whose Fatalf returns
	}
	s := &Server{t: t, srv: srv, ts: httptest.NewServer(srv)}
	// The mock first: Close releases requests held by fault:hang or a delay,
	// which the httptest server would otherwise wait for forever.
	t.Cleanup(func() {
		srv.Close()
		s.ts.Close()
	})
	if st.scenario != "" {
		if err := srv.SetScenario(st.scenario); err != nil {
			t.Fatalf("mocktest: WithScenario: %v", err)
		}
	}
	return s
}

// Endpoint is the server's host:port, what SDKs take as their endpoint
// (with protocol HTTP), e.g. 127.0.0.1:41234.
func (s *Server) Endpoint() string { return s.ts.Listener.Addr().String() }

// URL is the server's base URL, e.g. http://127.0.0.1:41234; the admin API
// is under URL()+"/_mock/".
func (s *Server) URL() string { return s.ts.URL }

// Server is the mock itself, for what this package does not wrap
// (violations, clearing the journal, the spec).
func (s *Server) Server() *mock.Server { return s.srv }

// Clock is the server's clock: pin it with Set, move it with Advance.
func (s *Server) Clock() *mock.Clock { return s.srv.Clock() }

// SetScenario makes name the active scenario, for every access key without
// a binding. An unknown name fails the test, listing the valid ones.
func (s *Server) SetScenario(name string) {
	s.t.Helper()
	if err := s.srv.SetScenario(name); err != nil {
		s.t.Fatalf("mocktest: SetScenario: %v", err)
	}
}

// Bind makes requests signed with accessKeyID get the scenario name,
// whatever the active scenario. An unknown name fails the test, listing the
// valid ones.
func (s *Server) Bind(accessKeyID, name string) {
	s.t.Helper()
	if accessKeyID == "" {
		s.t.Fatalf("mocktest: Bind(%q, %q): want an access key id; SetScenario changes the scenario for everyone", accessKeyID, name)
		return
	}
	if err := s.srv.Bind(accessKeyID, name); err != nil {
		s.t.Fatalf("mocktest: Bind(%q): %v", accessKeyID, err)
	}
}

// Reset goes back to the default scenario and drops every binding. The
// journal is kept (Server().ClearRequests empties it).
func (s *Server) Reset() { s.srv.ResetScenarios() }

// Requests returns the requests the mock received, oldest first: all of
// them, or those that pass every filter given.
func (s *Server) Requests(filter ...mock.RequestFilter) []*mock.Entry {
	if len(filter) == 0 {
		return s.srv.Requests(mock.RequestFilter{})
	}
	out := s.srv.Requests(filter[0])
	for _, f := range filter[1:] {
		keep := s.srv.Requests(f)
		out = slices.DeleteFunc(out, func(e *mock.Entry) bool {
			_, found := slices.BinarySearchFunc(keep, e.Seq, func(k *mock.Entry, seq uint64) int { return cmp.Compare(k.Seq, seq) })
			return !found
		})
	}
	return out
}

// Coverage reports every documented outcome of each operation (success,
// each documented error code, the throttling code where the operation has
// a rate) and how often the mock served it: whether your tests exercised
// every error the API can return. glob (* and ?) keeps the operations whose
// names match; "" keeps all. t.Log(srv.Coverage("")) at the end of a test,
// or assert on Covered and Total.
func (s *Server) Coverage(glob string) adminapi.CoverageReport {
	return s.srv.Coverage(glob)
}
