package mock

// Benchmarks of the API hot path, one stage each, then the whole handler.
// They share one valid CreateUserUsageDataExportTask call in JSON, answered
// by the default scenario at a pinned clock, so every stage takes its
// success path. Run them with:
//
//	go test ./mock -run '^$' -bench . -benchmem
//
// bench/run.sh measures the same request over real connections.

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

// benchNow pins the clock so the call's StartTime lies in the accepted window.
var benchNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

const (
	benchAction = "CreateUserUsageDataExportTask"
	// benchTarget is the call as SDKs encode it (":" escaped).
	benchTarget = "/?Action=" + benchAction + "&Version=2018-05-10&Format=JSON" +
		"&StartTime=2026-11-01T00%3A00%3A00Z&EndTime=2026-11-02T00%3A00%3A00Z"
)

// Sinks keep the compiler from dropping the work under measurement.
var (
	sinkOp         *Operation
	sinkViolations []Violation
	sinkErr        *apiError
	sinkName       string
	sinkOutcome    Outcome
)

// newBenchServer is the server with the embedded files and a pinned clock.
// Throttling is off: at a pinned clock the token bucket never refills, so
// after the spec's 100 calls every answer would be Throttling.User.
func newBenchServer(b testing.TB) *Server {
	b.Helper()
	s, err := New(Config{Clock: FixedClock(benchNow), DisableThrottling: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	return s
}

func newBenchRequest() *http.Request {
	return httptest.NewRequest(http.MethodPost, benchTarget, nil)
}

// benchStage holds what the stages after decoding take as input.
type benchStage struct {
	s    *Server
	sp   *Spec
	op   *Operation
	call *Call
}

func newBenchStage(b *testing.B) benchStage {
	b.Helper()
	s := newBenchServer(b)
	sp := s.catalog.Load().spec
	call := new(Call)
	if err := call.Decode(newBenchRequest(), sp, s.cfg.MaxBodyBytes); err != nil {
		b.Fatalf("Call.Decode: %v", err)
	}
	op := sp.Operation(call.Action)
	if op == nil {
		b.Fatalf("no operation %s", call.Action)
	}
	return benchStage{s: s, sp: sp, op: op, call: call}
}

// BenchmarkDecodeCall decodes as the server does: into a Call it holds,
// whose parameters it gives back once answered.
func BenchmarkDecodeCall(b *testing.B) {
	st := newBenchStage(b)
	r := newBenchRequest()
	b.ReportAllocs()
	for b.Loop() {
		var c Call
		sinkErr = c.Decode(r, st.sp, st.s.cfg.MaxBodyBytes)
		c.Release()
	}
}

func BenchmarkOperationLookup(b *testing.B) {
	st := newBenchStage(b)
	b.ReportAllocs()
	for b.Loop() {
		sinkOp = st.sp.Operation(benchAction)
	}
}

func BenchmarkCheckRules(b *testing.B) {
	st := newBenchStage(b)
	if err := st.sp.CheckRules(st.op, st.call.Params, benchNow); err != nil {
		b.Fatalf("the call breaks a rule: %v", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		sinkErr = st.sp.CheckRules(st.op, st.call.Params, benchNow)
	}
}

func BenchmarkChooseScenario(b *testing.B) {
	st := newBenchStage(b)
	b.ReportAllocs()
	for b.Loop() {
		sinkName, _ = st.s.control.Choose("", st.call.AccessKeyID)
	}
}

// BenchmarkScenarioOutcome picks the default scenario's outcome for the call.
func BenchmarkScenarioOutcome(b *testing.B) {
	st := newBenchStage(b)
	sc := st.s.catalog.Load().scenarios[ScenarioDefault]
	b.ReportAllocs()
	for b.Loop() {
		sinkOutcome, _ = st.s.counters.Pick(sc, st.call.AccessKeyID, st.op.Name, st.call.Params)
	}
}

// BenchmarkRenderFixture renders the success fixture in JSON, with the
// Data the handler builds for each answer.
func BenchmarkRenderFixture(b *testing.B) {
	st := newBenchStage(b)
	fx := st.s.catalog.Load().fixtures.Get(st.op.Name, "success")
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		data := fixture.NewData("ED61C6C3-8241-4187-AAA7-5157AE175CEC", st.op.Name, "", benchNow,
			st.op.WithDefaults(st.call.Params), fixture.Tasks{}, st.s.newTaskID)
		if err := fx.Render(&buf, data, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServeHTTP is one whole API request through the handler, as
// net/http would call it, recorder included.
func BenchmarkServeHTTP(b *testing.B) {
	s := newBenchServer(b)
	r := newBenchRequest()
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// BenchmarkServeHTTPRefused is the handler on the two refused calls of
// bench/run.sh, recorder included: (c) a malformed StartTime, which the
// full schema validation answers, and (d) an error the scenario forces on
// a valid call.
func BenchmarkServeHTTPRefused(b *testing.B) {
	s := newBenchServer(b)
	for _, bc := range []struct{ name, target, scenario, code string }{
		{"invalid-time", strings.Replace(benchTarget, "StartTime=2026-11-01T00%3A00%3A00Z", "StartTime=2026-11-01", 1), "",
			"InvalidStartTime.Malformed"},
		{"forced-error", benchTarget, "InvalidParameterOperator", "InvalidParameterOperator"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodPost, bc.target, nil)
			if bc.scenario != "" {
				r.Header.Set(HeaderScenario, bc.scenario)
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"Code":"`+bc.code+`"`) {
				b.Fatalf("want 400 %s; got %d: %s", bc.code, w.Code, w.Body)
			}
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				if w.Code != http.StatusBadRequest {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

func BenchmarkServeHTTPParallel(b *testing.B) {
	s := newBenchServer(b)
	b.ReportAllocs()
	b.ResetTimer() // New's allocations are not the handler's (b.Loop does this itself)
	b.RunParallel(func(pb *testing.PB) {
		r := newBenchRequest()
		for pb.Next() {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Errorf("status %d: %s", w.Code, w.Body)
				return
			}
		}
	})
}

// BenchmarkEchoFloor is the floor under BenchmarkServeHTTP: a bare echo
// handler writing a fixed answer of the same shape, recorder included.
// What BenchmarkServeHTTP costs above it is the mock's own work.
func BenchmarkEchoFloor(b *testing.B) {
	body := []byte(`{"EndTime":"2026-11-02T00:00:00Z","StartTime":"2026-11-01T00:00:00Z",` +
		`"RequestId":"ED61C6C3-8241-4187-AAA7-5157AE175CEC","TaskId":"100001"}`)
	e := echo.New()
	e.Match([]string{http.MethodGet, http.MethodPost}, "/", func(c echo.Context) error {
		h := c.Response().Header()
		h.Set(HeaderRequestID, "ED61C6C3-8241-4187-AAA7-5157AE175CEC")
		h.Set(HeaderScenario, ScenarioDefault)
		return c.Blob(http.StatusOK, contentTypeJSON, body)
	})
	r := newBenchRequest()
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
	}
}

// BenchmarkManyAccessKeys is the whole handler at a pinned clock with
// throttling on, each request from a new access key, as CI suites that make
// a key per test send them. One op is one run of manyKeys requests on a new
// server; it reports the median time of a request among the first and the
// last manyKeysWindow keys, which per-key state that is scanned or never
// evicted would set apart. Run it with:
//
//	go test ./mock -run '^$' -bench ManyAccessKeys -benchtime 3x
func BenchmarkManyAccessKeys(b *testing.B) {
	const manyKeys, manyKeysWindow = 40_000, 2_000
	for _, bc := range []struct{ name, target string }{
		// Only the per-key state of the pipeline: buckets, counters, bindings.
		{"Describe", "/?Action=DescribeCdnService&Version=2018-05-10&Format=JSON"},
		// The call of the other benchmarks: each key also creates a task.
		{"Create", benchTarget},
	} {
		b.Run(bc.name, func(b *testing.B) {
			took := make([]time.Duration, manyKeys)
			var first, last []float64
			for b.Loop() {
				b.StopTimer()
				s, err := New(Config{Clock: FixedClock(benchNow)})
				if err != nil {
					b.Fatal(err)
				}
				reqs := make([]*http.Request, manyKeys)
				for i := range reqs {
					reqs[i] = httptest.NewRequest(http.MethodGet, bc.target+"&AccessKeyId=AK-"+strconv.Itoa(i), nil)
				}
				b.StartTimer()
				for i, r := range reqs {
					start := time.Now()
					w := httptest.NewRecorder()
					s.ServeHTTP(w, r)
					took[i] = time.Since(start)
					if w.Code != http.StatusOK {
						b.Fatalf("key %d: status %d: %s", i, w.Code, w.Body)
					}
				}
				b.StopTimer()
				s.Close()
				first = append(first, medianNanos(took[:manyKeysWindow]))
				last = append(last, medianNanos(took[manyKeys-manyKeysWindow:]))
				b.StartTimer()
			}
			slices.Sort(first)
			slices.Sort(last)
			b.ReportMetric(first[len(first)/2], "first2k-ns/req")
			b.ReportMetric(last[len(last)/2], "last2k-ns/req")
		})
	}
}

func medianNanos(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2].Nanoseconds())
}

// pagedLists are stateless lists of the generated layer whose answers
// x-mock-page and x-mock-echo shape: one page of the fixture's items in
// XML, and nested pages with an echoed name in JSON and XML.
var pagedLists = []struct{ name, target string }{
	{"DeletedDomains-XML", "/?Action=DescribeCdnDeletedDomains&Version=2018-05-10&Format=XML&PageNumber=1&PageSize=100"},
	{"DomainLogs-JSON", "/?Action=DescribeCdnDomainLogs&Version=2018-05-10&Format=JSON&DomainName=a.example.com&PageNumber=1&PageSize=300"},
	{"DomainLogs-XML", "/?Action=DescribeCdnDomainLogs&Version=2018-05-10&Format=XML&DomainName=a.example.com&PageNumber=1&PageSize=300"},
}

// newPlainListServer is newBenchServer with every x-mock-page and
// x-mock-echo taken out of the generated spec: the same answers' cost
// without the shapes, the baseline of BenchmarkPagedList.
func newPlainListServer(b testing.TB) *Server {
	b.Helper()
	src, err := generated.FS.ReadFile(generated.Default)
	if err != nil {
		b.Fatal(err)
	}
	var out []string
	skip := ""
	for _, line := range strings.Split(string(src), "\n") {
		indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
		if skip != "" && (len(indent) > len(skip) || strings.TrimSpace(line) == "") {
			continue
		}
		skip = ""
		if t := strings.TrimSpace(line); t == "x-mock-page:" || t == "x-mock-echo:" {
			skip = indent
			continue
		}
		out = append(out, line)
	}
	stripped := strings.Join(out, "\n")
	if strings.Contains(stripped, "x-mock-page") || strings.Contains(stripped, "x-mock-echo") {
		b.Fatal("the generated spec still has a list shape")
	}
	s, err := New(Config{Clock: FixedClock(benchNow), DisableThrottling: true, GeneratedSpec: []byte(stripped)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	return s
}

// BenchmarkPagedList is one whole request of a paged list through the
// handler, recorder included, on the shipped server ("shaped") and on one
// without list shapes ("plain", the baseline in the same run): the
// difference is what paging and echoing cost.
//
//	go test ./mock -run '^$' -bench PagedList -benchmem
func BenchmarkPagedList(b *testing.B) {
	servers := []struct {
		name string
		s    *Server
	}{{"shaped", newBenchServer(b)}, {"plain", newPlainListServer(b)}}
	for _, l := range pagedLists {
		for _, srv := range servers {
			b.Run(l.name+"/"+srv.name, func(b *testing.B) {
				r := httptest.NewRequest(http.MethodGet, l.target, nil)
				b.ReportAllocs()
				for b.Loop() {
					w := httptest.NewRecorder()
					srv.s.ServeHTTP(w, r)
					if w.Code != http.StatusOK {
						b.Fatalf("status %d: %s", w.Code, w.Body)
					}
				}
			})
		}
	}
}
