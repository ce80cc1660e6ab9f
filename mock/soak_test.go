package mock_test

// The mixed-traffic soak (issue 11, point 8): many goroutines call the mock
// over real HTTP while others switch scenarios and bindings, clear and read
// the journal, reload the shipped data, move the clock and drive export
// tasks, all at once. Its work is a fixed number of requests, not a
// duration, so every run does the same work; its timing is never asserted.

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

const (
	soakWorkers       = 8   // goroutines sending API traffic
	soakControllers   = 3   // goroutines changing the server's state meanwhile
	soakWarmup        = 250 // requests per worker before the first heap reading
	soakRequests      = 1000
	soakTickEvery     = 4        // a control action per this many API requests
	soakSDKEvery      = 25       // one API request in this many goes through a real SDK
	soakFaultKeys     = 4        // access keys the controllers bind to faults
	soakBigValueBytes = 60 << 10 // under the 64 KiB a value may have
	// soakMaxHeapGrowth bounds how much the live heap may grow between the
	// end of the warm-up and the end of the run (6,000 requests). What may
	// legitimately grow then is bounded state: new throttle buckets (~300 B
	// each: under 2 MB), new tasks (under 2,000 creates, each kept within
	// 1-2 KB since names are cut to 1 KiB: under 4 MB) and journal entries
	// (a fixed ring of 1000, already full after the warm-up). A run grows
	// by about 5 MB. Per-key state that pins a request's body (a 60 KiB
	// big value in one request of five) adds over 25 MB.
	soakMaxHeapGrowth = 16 << 20
)

// soakActive are the scenarios the controllers make active or bind to
// ordinary keys: no faults (those go to soakFaultKeys only, so a broken
// connection is always one that was asked for) and no delays.
var soakActive = []string{"default", "default", "success", "InvalidTimeRange", "InternalError",
	"ServiceUnavailable", "Throttling.User", "export-fails", "MissingParameter"}

// soakFaults are the faults that answer at once (fault:hang would wait for
// a client timeout).
var soakFaults = []string{"fault:reset", "fault:empty", "fault:garbage"}

// soakForced5xx are the scenarios whose 5xx answers were asked for.
var soakForced5xx = map[string]bool{"InternalError": true, "ServiceUnavailable": true}

// soakHeaderScenarios are what a request may name in X-Mock-Scenario.
var soakHeaderScenarios = []string{"success", "InvalidTimeRange", "InternalError", "ServiceUnavailable",
	"Throttling.User", "Nope", "fault:reset", "fault:empty", "fault:garbage", "default"}

// soak is the shared state of one run.
type soak struct {
	t      *testing.T
	srv    *mock.Server
	ts     *httptest.Server
	ops    []string // operations called, the export family first
	mu     sync.Mutex
	fails  []string
	panics atomic.Int64
	sent   atomic.Int64 // API requests answered or broken
	sdk    atomic.Int64 // of which through a real SDK
	tasks  chan soakTask
}

type soakTask struct{ key, id, family string }

func (s *soak) failf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.fails) < 30 {
		s.fails = append(s.fails, fmt.Sprintf(format, args...))
	}
}

// panicCounter counts the server's "panic" log records: a recovered panic
// answers 500 InternalError, which a forced InternalError could hide.
type panicCounter struct{ n *atomic.Int64 }

func (h panicCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (h panicCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "panic" {
		h.n.Add(1)
	}
	return nil
}
func (h panicCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h panicCounter) WithGroup(string) slog.Handler      { return h }

func TestSoakMixedTraffic(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: skipped with -short")
	}
	s := &soak{t: t, tasks: make(chan soakTask, 256)}
	s.srv, s.ts = newServer(t, mock.Config{Logger: slog.New(panicCounter{&s.panics})})
	// The transport keeps enough idle connections for every goroutine, so
	// the run measures the server rather than new sockets.
	s.ts.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = 64

	s.ops = []string{"CreateUserUsageDataExportTask", "DescribeUserUsageDataExportTask", "DeleteUserUsageDataExportTask",
		"CreateUsageDetailDataExportTask", "DescribeUserUsageDetailDataExportTask", "DeleteUsageDetailDataExportTask"}
	for i, name := range s.srv.Spec().OperationNames() {
		if i%7 == 0 && !slices.Contains(s.ops, name) { // a sample of the generated operations
			s.ops = append(s.ops, name)
		}
	}

	// The old SDK fills its package's endpoint map on the first client,
	// unlocked (services/cdn/endpoint.go): a race inside the SDK when the
	// first two clients are made at once. Make the first one here.
	if _, err := cdn.NewClientWithAccessKey("cn-hangzhou", "AK-first", "SECRET"); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	s.phase(0, soakWarmup)
	heap0 := liveHeap()
	s.phase(soakWarmup, soakRequests)
	heap1 := liveHeap()

	// What every goroutine saw.
	for _, f := range s.fails {
		t.Error(f)
	}
	if n := s.panics.Load(); n > 0 {
		t.Errorf("the server recovered %d panics", n)
	}
	if n := s.srv.ViolationCount(); n < 0 {
		t.Errorf("ViolationCount %d", n)
	}
	growth := int64(heap1) - int64(heap0)
	t.Logf("%d API requests (%d through SDKs), %d operations, in %v; live heap %.1f MB after the warm-up, %.1f MB at the end (%+.1f MB)",
		s.sent.Load(), s.sdk.Load(), len(s.ops), time.Since(start).Round(time.Millisecond),
		float64(heap0)/(1<<20), float64(heap1)/(1<<20), float64(growth)/(1<<20))
	if growth > soakMaxHeapGrowth {
		t.Errorf("the live heap grew by %.1f MB after the warm-up, more than %d MB: something keeps what clients send",
			float64(growth)/(1<<20), soakMaxHeapGrowth>>20)
	}
}

// liveHeap is the heap still in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC() // the second also frees what the first's finalizers released
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// phase runs requests from..to-1 of every worker, with the controllers
// taking one action per soakTickEvery requests, and returns when all are done.
func (s *soak) phase(from, to int) {
	ticks := make(chan int, 64)
	var traffic, control sync.WaitGroup
	for w := range soakWorkers {
		traffic.Go(func() {
			for i := from; i < to; i++ {
				rng := rand.New(rand.NewPCG(uint64(w), uint64(i))) // the same request whatever the interleaving
				s.request(rng, w, i)
				if i%soakTickEvery == 0 {
					ticks <- w*soakRequests + i
				}
			}
		})
	}
	for range soakControllers {
		control.Go(func() {
			var since uint64
			for n := range ticks {
				s.control(rand.New(rand.NewPCG(uint64(n), 7)), &since)
			}
		})
	}
	traffic.Wait()
	close(ticks)
	control.Wait()
}

// key is the access key of a worker's request: mostly new ones (the
// per-key state must stay bounded), some shared, some bound to faults.
func soakKey(rng *rand.Rand, w, i int) (key string, faulty bool) {
	switch r := rng.IntN(20); {
	case r == 0:
		return "AK-fault-" + strconv.Itoa(rng.IntN(soakFaultKeys)), true
	case r < 4:
		return "AK-shared-" + strconv.Itoa(rng.IntN(8)), false
	default:
		return fmt.Sprintf("AK-w%d-%d", w, i), false
	}
}

// request sends one API request and checks its answer.
func (s *soak) request(rng *rand.Rand, w, i int) {
	defer s.sent.Add(1)
	if i%soakSDKEvery == soakSDKEvery-1 {
		s.sdkRequest(rng, w, i)
		return
	}
	key, faulty := soakKey(rng, w, i)
	action := s.ops[rng.IntN(len(s.ops))]
	if rng.IntN(3) == 0 { // the export family, stateful, more often
		action = s.ops[rng.IntN(6)]
	}
	p := url.Values{"Action": {action}, "Version": {"2018-05-10"}}
	if key != "" {
		p.Set("AccessKeyId", key)
	}
	switch {
	case strings.HasPrefix(action, "Create"):
		p.Set("StartTime", "2026-11-01T00:00:00Z")
		p.Set("EndTime", "2026-11-02T00:00:00Z")
		if strings.Contains(action, "Detail") {
			p.Set("Type", []string{"flow", "vas"}[rng.IntN(2)])
		}
		p.Set("TaskName", "soak-"+strconv.Itoa(i))
	case strings.HasPrefix(action, "Delete"):
		p.Set("TaskId", strconv.Itoa(100001+rng.IntN(5000)))
	case strings.HasPrefix(action, "Describe") && rng.IntN(2) == 0:
		p.Set("PageSize", strconv.Itoa(1+rng.IntN(60))) // above 50 is invalid
	}
	switch rng.IntN(4) {
	case 0:
		p.Set("Format", "JSON")
	case 1:
		p.Set("Format", "xml")
	}

	// Invalid requests, one in three.
	method := []string{http.MethodGet, http.MethodPost}[rng.IntN(2)]
	switch rng.IntN(30) {
	case 0:
		p.Del("Action")
	case 1:
		p.Set("Version", "2099-01-01")
	case 2:
		p.Set("Action", "DescribeNothing")
	case 3:
		p.Set("Format", "YAML")
	case 4:
		p.Set("StartTime", "yesterday")
	case 5:
		p.Set("EndTime", "2026-10-01T00:00:00Z") // before StartTime
	case 6:
		method = http.MethodPut
	case 7, 8:
		p.Set("Undeclared", "x") // a contract violation
	case 9:
		p.Set("Language", "fr-fr")
	}
	// Big values: the journal and the tasks keep bounded copies of them.
	big := rng.IntN(5) == 0
	if big {
		method = http.MethodPost
		if strings.HasPrefix(action, "Create") {
			p.Set("TaskName", strings.Repeat("n", soakBigValueBytes))
		} else {
			p.Set("Undeclared", strings.Repeat("u", soakBigValueBytes))
		}
	}

	header := http.Header{}
	scenario := ""
	if rng.IntN(4) == 0 {
		scenario = soakHeaderScenarios[rng.IntN(len(soakHeaderScenarios))]
		header.Set(mock.HeaderScenario, scenario)
	}
	acs3 := !big && rng.IntN(4) == 0
	if acs3 { // Action and Version in headers, the key in the Authorization header
		header.Set("x-acs-action", p.Get("Action"))
		header.Set("x-acs-version", p.Get("Version"))
		header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+key+",SignedHeaders=host;x-acs-action,Signature=00")
		p.Del("Action")
		p.Del("Version")
		p.Del("AccessKeyId")
	}
	var body io.Reader
	target := s.ts.URL + "/"
	if method == http.MethodPost && rng.IntN(3) > 0 || big {
		body = strings.NewReader(p.Encode())
		header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		target += "?" + p.Encode()
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		s.failf("request: %v", err)
		return
	}
	req.Header = header
	// A broken connection or an HTML answer is right only when asked for.
	faultAsked := strings.HasPrefix(scenario, "fault:") || scenario == "" && faulty
	what := fmt.Sprintf("%s %s key %s header %q", method, p.Get("Action")+header.Get("x-acs-action"), key, scenario)

	resp, err := s.ts.Client().Do(req)
	if err != nil {
		if !faultAsked {
			s.failf("%s: %v", what, err)
		}
		return
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		if !faultAsked {
			s.failf("%s: reading the answer: %v", what, err)
		}
		return
	}
	if faultAsked && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		return // fault:garbage
	}
	answered := resp.Header.Get(mock.HeaderScenario)
	code := s.checkEnvelope(what, resp, raw, p.Get("Action")+header.Get("x-acs-action"))
	if resp.StatusCode >= 500 && !(soakForced5xx[answered] && code == answered) {
		s.failf("%s: %d %s answered by scenario %q, which does not force it: %.300s", what, resp.StatusCode, code, answered, raw)
	}
	if resp.StatusCode == http.StatusOK && strings.HasPrefix(action, "Create") && code == "" && rng.IntN(2) == 0 {
		var v struct{ TaskId string }
		if json.Unmarshal(raw, &v) == nil && v.TaskId != "" && !faulty { // a controller's calls expect no fault
			select { // for a controller to describe and delete
			case s.tasks <- soakTask{key, v.TaskId, action}:
			default:
			}
		}
	}
}

// checkEnvelope checks an answer is in Alibaba's envelope, JSON or XML,
// and returns its error code ("" for a success).
func (s *soak) checkEnvelope(what string, resp *http.Response, raw []byte, action string) string {
	var env struct {
		XMLName                                     xml.Name
		RequestId, HostId, Code, Message, Recommend string
	}
	ct := resp.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			s.failf("%s: %d JSON answer does not parse: %v: %.300s", what, resp.StatusCode, err, raw)
			return ""
		}
		str := func(k string) string { v, _ := m[k].(string); return v }
		env.RequestId, env.HostId, env.Code, env.Message, env.Recommend = str("RequestId"), str("HostId"), str("Code"), str("Message"), str("Recommend")
	case strings.HasPrefix(ct, "text/xml"):
		if err := xml.Unmarshal(raw, &env); err != nil {
			s.failf("%s: %d XML answer does not parse: %v: %.300s", what, resp.StatusCode, err, raw)
			return ""
		}
		want := "Error"
		if resp.StatusCode == http.StatusOK {
			want = action + "Response"
		}
		if env.XMLName.Local != want {
			s.failf("%s: %d XML root <%s>, want <%s>", what, resp.StatusCode, env.XMLName.Local, want)
		}
	default:
		s.failf("%s: %d answer of type %q: %.300s", what, resp.StatusCode, ct, raw)
		return ""
	}
	if !sdkRequestID.MatchString(env.RequestId) || resp.Header.Get("x-acs-request-id") != env.RequestId {
		s.failf("%s: RequestId %q, header %q", what, env.RequestId, resp.Header.Get("x-acs-request-id"))
	}
	if resp.StatusCode == http.StatusOK {
		return ""
	}
	if env.Code == "" || env.Message == "" || env.HostId != sdkHostID || !strings.Contains(env.Recommend, env.RequestId) {
		s.failf("%s: %d error envelope not whole: %.300s", what, resp.StatusCode, raw)
	}
	return env.Code
}

// sdkRequest creates a usage export through one of the real SDKs. Its key
// is never bound to a fault, so the SDK gets a success or an API error.
func (s *soak) sdkRequest(rng *rand.Rand, w, i int) {
	s.sdk.Add(1)
	cl := sdkClients()[i/soakSDKEvery%3]
	c := sdkCall{AccessKey: fmt.Sprintf("AK-sdk-%d-%d", w, rng.IntN(4)), Params: sdkParams("TaskName", "sdk-"+strconv.Itoa(i))}
	if rng.IntN(5) == 0 {
		c.Params = sdkParams("EndTime", "2026-10-01T00:00:00Z") // InvalidTimeRange in default
	}
	_, err := cl.call(s.t, s.ts, c)
	if err == nil {
		return
	}
	status, code := 0, ""
	var se *sdkerrors.ServerError
	var te *tea.SDKError
	switch {
	case errors.As(err, &se):
		status, code = se.HttpStatus(), se.ErrorCode()
	case errors.As(err, &te):
		status, code = tea.IntValue(te.StatusCode), tea.StringValue(te.Code)
	default:
		s.failf("%s: not an API error: %T %v", cl.name, err, err)
		return
	}
	// The active scenario or the key's binding may force these; a panic
	// would answer InternalError too, and panicCounter catches it.
	if status >= 500 && !soakForced5xx[code] || status < 400 {
		s.failf("%s: %d %s", cl.name, status, code)
	}
}

// control takes one action on the server's state, as tests and people do
// while traffic flows, and checks its answer.
func (s *soak) control(rng *rand.Rand, since *uint64) {
	switch rng.IntN(16) {
	case 0:
		s.admin(http.MethodPut, "/_mock/scenario", `{"scenario":"`+soakActive[rng.IntN(len(soakActive))]+`"}`, nil)
	case 1:
		if err := s.srv.SetScenario(soakActive[rng.IntN(len(soakActive))]); err != nil {
			s.failf("SetScenario: %v", err)
		}
	case 2:
		key := "AK-shared-" + strconv.Itoa(rng.IntN(8))
		s.admin(http.MethodPut, "/_mock/scenario", `{"scenario":"`+soakActive[rng.IntN(len(soakActive))]+`","accessKeyId":"`+key+`"}`, nil)
	case 3:
		key := "AK-fault-" + strconv.Itoa(rng.IntN(soakFaultKeys))
		if err := s.srv.Bind(key, soakFaults[rng.IntN(len(soakFaults))]); err != nil {
			s.failf("Bind: %v", err)
		}
	case 4:
		if rng.IntN(2) == 0 {
			s.admin(http.MethodDelete, "/_mock/scenario", "", nil)
		} else {
			s.srv.ResetScenarios()
		}
	case 5:
		s.admin(http.MethodDelete, "/_mock/requests", "", nil)
	case 6:
		s.srv.ClearRequests()
	case 7:
		s.admin(http.MethodDelete, "/_mock/violations", "", nil)
	case 8: // follow the journal, as `requests --follow` does
		var page mock.RequestsPage
		s.admin(http.MethodGet, "/_mock/requests?since="+strconv.FormatUint(*since, 10), "", &page)
		for _, e := range page.Requests {
			if e.Seq <= *since {
				s.failf("GET /_mock/requests?since=%d returned seq %d", *since, e.Seq)
			}
			*since = e.Seq
		}
		if len(page.Requests) > 1000 {
			s.failf("the journal returned %d entries, more than it keeps", len(page.Requests))
		}
	case 9:
		var page mock.RequestsPage
		s.admin(http.MethodGet, "/_mock/requests?since="+url.QueryEscape(s.srv.Clock().Now().Add(-time.Minute).Format(time.RFC3339)), "", &page)
		es := s.srv.Requests(mock.RequestFilter{AccessKeyID: "AK-shared-" + strconv.Itoa(rng.IntN(8))})
		for j := 1; j < len(es); j++ {
			if es[j].Seq <= es[j-1].Seq {
				s.failf("Requests out of order: seq %d after %d", es[j].Seq, es[j-1].Seq)
			}
		}
	case 10:
		var page mock.ViolationsPage
		s.admin(http.MethodGet, "/_mock/violations", "", &page)
		if page.Total < 0 || s.srv.ViolationCount() < 0 {
			s.failf("violation count negative: %d, %d", page.Total, s.srv.ViolationCount())
		}
	case 11:
		if err := s.srv.Reload(); err != nil {
			s.failf("Reload of the shipped data: %v", err)
		}
	case 12:
		if rng.IntN(2) == 0 {
			s.srv.Clock().Advance(time.Duration(1+rng.IntN(30)) * time.Second)
		} else {
			s.admin(http.MethodPost, "/_mock/clock", `{"advance":"20s"}`, nil)
		}
	case 13:
		s.admin(http.MethodGet, "/_mock/scenarios", "", nil)
		s.admin(http.MethodGet, "/_mock/tasks", "", nil)
	default: // describe, then delete, a task a worker created
		select {
		case tk := <-s.tasks:
			family := strings.TrimPrefix(tk.family, "Create")
			list, del := "DescribeUserUsageDataExportTask", "DeleteUserUsageDataExportTask"
			if family == "UsageDetailDataExportTask" {
				list, del = "DescribeUserUsageDetailDataExportTask", "DeleteUsageDetailDataExportTask"
			}
			s.api(url.Values{"Action": {list}, "AccessKeyId": {tk.key}})
			s.api(url.Values{"Action": {del}, "AccessKeyId": {tk.key}, "TaskId": {tk.id}})
		default:
		}
	}
}

// admin calls the admin API, which must answer 2xx, and decodes its JSON.
func (s *soak) admin(method, path, body string, into any) {
	req, err := http.NewRequest(method, s.ts.URL+path, strings.NewReader(body))
	if err != nil {
		s.failf("%s %s: %v", method, path, err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		s.failf("%s %s: %v", method, path, err)
		return
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode/100 != 2 {
		s.failf("%s %s: %d %v %.300s", method, path, resp.StatusCode, err, raw)
		return
	}
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			s.failf("%s %s: %v", method, path, err)
		}
	}
}

// api is a controller's own API call: any scenario may answer it, but never
// with a 5xx it did not force, and always in the envelope.
func (s *soak) api(p url.Values) {
	p.Set("Version", "2018-05-10")
	p.Set("Format", "JSON")
	resp, err := s.ts.Client().Get(s.ts.URL + "/?" + p.Encode())
	what := "controller " + p.Get("Action")
	if err != nil {
		s.failf("%s: %v", what, err)
		return
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		s.failf("%s: %v", what, err)
		return
	}
	code := s.checkEnvelope(what, resp, raw, p.Get("Action"))
	if resp.StatusCode >= 500 && !(soakForced5xx[resp.Header.Get(mock.HeaderScenario)] && code == resp.Header.Get(mock.HeaderScenario)) {
		s.failf("%s: %d %s: %.300s", what, resp.StatusCode, code, raw)
	}
}
