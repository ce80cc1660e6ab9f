//go:build !race

// The race detector allocates on its own; counts hold without it.

package mock

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/internal/requestlog"
)

// maxCreateAllocs is the allocation budget of a valid
// CreateUserUsageDataExportTask through ServeHTTP, the recorder's own
// included (BENCHMARKS.md). An allocation count is exact, not a timing: a
// change that adds one to the hot path fails here rather than in a
// benchmark nobody reads.
const maxCreateAllocs = 17

// serveAllocs is the allocations of serving r through s, the recorder's
// own included, on average over many runs; each answer must have status.
func serveAllocs(t *testing.T, s *Server, r *http.Request, status int) float64 {
	t.Helper()
	return testing.AllocsPerRun(2000, func() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != status {
			t.Fatalf("%s: status %d, want %d: %s", r.URL, w.Code, status, w.Body)
		}
	})
}

func TestCreateAllocations(t *testing.T) {
	if n := serveAllocs(t, newBenchServer(t), newBenchRequest(), http.StatusOK); n > maxCreateAllocs {
		t.Errorf("a valid Create allocates %v times, budget %d", n, maxCreateAllocs)
	}
}

// discardLines takes request lines through HandleRequestLine, as the
// command's handler does, and writes nothing.
type discardLines struct{ slog.Handler }

func (discardLines) HandleRequestLine(context.Context, requestlog.Line) error { return nil }

// TestCreateAllocationsLogged: the request line handed to a handler with
// HandleRequestLine costs no allocation (a slog.Record of its 8
// attributes would cost one): a logged Create allocates as often as an
// unlogged one.
func TestCreateAllocationsLogged(t *testing.T) {
	logged, err := New(Config{Clock: FixedClock(benchNow), DisableThrottling: true,
		Logger: slog.New(discardLines{slog.NewTextHandler(io.Discard, nil)})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(logged.Close)
	count := func(s *Server) float64 { return serveAllocs(t, s, newBenchRequest(), http.StatusOK) }
	if n, plain := count(logged), count(newBenchServer(t)); n > plain {
		t.Errorf("a logged Create allocates %v times, an unlogged one %v", n, plain)
	}
}

// maxPagedListAllocs is the allocation budget of each of pagedLists
// (bench_test.go) through ServeHTTP, recorder included: a page of items
// and the values echoed are written straight into the answer, so a list
// costs what its answer would without x-mock-page and x-mock-echo
// (BenchmarkPagedList's plain servers measure that).
const maxPagedListAllocs = 12

func TestPagedListAllocations(t *testing.T) {
	s := newBenchServer(t)
	for _, l := range pagedLists {
		if n := serveAllocs(t, s, httptest.NewRequest(http.MethodGet, l.target, nil), http.StatusOK); n > maxPagedListAllocs {
			t.Errorf("%s allocates %v times, budget %d", l.name, n, maxPagedListAllocs)
		}
	}
}

// maxNotFoundAllocs is the allocation budget of a call to a path the API
// does not serve, answered InvalidAction.NotFound by handleError, which
// decodes the call for its Format and gives its parameters back.
const maxNotFoundAllocs = 17

func TestNotFoundAllocations(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/nope?Action=CreateUserUsageDataExportTask&Version=2018-05-10&Format=JSON", nil)
	if n := serveAllocs(t, newBenchServer(t), r, http.StatusNotFound); n > maxNotFoundAllocs {
		t.Errorf("a call to an unknown path allocates %v times, budget %d", n, maxNotFoundAllocs)
	}
}
