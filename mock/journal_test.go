package mock_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

func TestJournal(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	p := createParams("AccessKeyId", "AK1", "Signature", "c2VjcmV0", "SecurityToken", "sts-secret", "TaskName", "a b")
	call(t, ts, http.MethodPost, p, nil)
	call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK2", "EndTime", ""), nil)
	call(t, ts, http.MethodGet, createParams("AccessKeyId", "AK1", "Action", "DescribeNothing"), nil)

	r := admin(t, ts, http.MethodGet, "/_mock/requests", "")
	if strings.Contains(r.body, "c2VjcmV0") || strings.Contains(r.body, "sts-secret") {
		t.Errorf("the journal shows a secret: %s", r.body)
	}
	es := srv.Requests(mock.RequestFilter{})
	if len(es) != 3 {
		t.Fatalf("%d entries, want 3", len(es))
	}
	first := es[0]
	if first.Action != createAction || first.AccessKeyID != "AK1" || first.Scenario != "default" || first.Status != 200 ||
		first.Code != "" || first.Params["TaskName"] != "a b" || first.Method != "POST" || !first.Time.Equal(testNow) {
		t.Errorf("first entry %+v", first)
	}
	if _, ok := first.Params["Signature"]; ok {
		t.Error("Signature kept in the journal")
	}
	if es[1].Code != "MissingTimeParameter" || es[1].Status != 400 || es[2].Code != "InvalidAction.NotFound" || es[2].Status != 404 {
		t.Errorf("outcomes: %+v / %+v", es[1], es[2])
	}
	if es[0].Seq >= es[1].Seq || es[1].Seq >= es[2].Seq {
		t.Errorf("not oldest first: %d %d %d", es[0].Seq, es[1].Seq, es[2].Seq)
	}

	filters := []struct {
		query string
		want  int
	}{
		{"?action=" + createAction, 2},
		{"?accessKeyId=AK1", 2},
		{"?accessKeyId=AK1&action=DescribeNothing", 1},
		{"?since=" + strconv.FormatUint(es[0].Seq, 10), 2},
		{"?since=" + testNow.Format(time.RFC3339), 3},
		{"?since=" + testNow.Add(time.Second).Format(time.RFC3339), 0},
	}
	for _, f := range filters {
		r := admin(t, ts, http.MethodGet, "/_mock/requests"+f.query, "")
		if got := len(r.fields["requests"].([]any)); got != f.want {
			t.Errorf("%s: %d entries, want %d", f.query, got, f.want)
		}
	}
	if r := admin(t, ts, http.MethodGet, "/_mock/requests?since=yesterday", ""); r.status != 400 || !strings.Contains(r.body, "RFC 3339") {
		t.Errorf("bad since: %d %s", r.status, r.body)
	}
	if r := admin(t, ts, http.MethodDelete, "/_mock/requests", ""); r.status != 204 {
		t.Errorf("DELETE: %d", r.status)
	}
	if n := len(srv.Requests(mock.RequestFilter{})); n != 0 {
		t.Errorf("%d entries after DELETE", n)
	}
	call(t, ts, http.MethodPost, createParams(), nil)
	if es := srv.Requests(mock.RequestFilter{}); len(es) != 1 || es[0].Seq != 4 {
		t.Errorf("after DELETE, new entries keep counting: %+v", es)
	}
}

func TestViolations(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	h := http.Header{"X-Mock-Scenario": {"success"}}
	// The success scenario answers 200, but the contract breaks are recorded.
	r := call(t, ts, http.MethodPost, createParams("EndTime", "", "Language", "fr", "Foo", "1", "RegionId", "cn-hangzhou"), h)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	call(t, ts, http.MethodPost, createParams(), h) // clean: not a violation
	vs := srv.Violations()
	got := make([]string, len(vs))
	for i, v := range vs {
		got[i] = v.Parameter + ": " + v.Reason
	}
	want := []string{
		"EndTime: value is required but missing",
		"Language: value is not one of the allowed values [\"zh-cn\",\"en-us\"]",
		"Foo: unknown parameter: CreateUserUsageDataExportTask does not declare it",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if srv.ViolationCount() != 1 {
		t.Errorf("ViolationCount %d, want 1 request", srv.ViolationCount())
	}
	page := admin(t, ts, http.MethodGet, "/_mock/violations", "")
	if page.fields["total"] != float64(1) || len(page.fields["violations"].([]any)) != 3 {
		t.Errorf("GET /_mock/violations: %s", page.body)
	}
	admin(t, ts, http.MethodDelete, "/_mock/violations", "")
	if srv.ViolationCount() != 0 || len(srv.Violations()) != 0 {
		t.Error("violations survive DELETE")
	}
}

// TestJournalStaysBounded sends many requests through the whole handler and
// checks the journal keeps only the newest and the heap does not grow.
func TestJournalStaysBounded(t *testing.T) {
	n := 100_000
	if raceEnabled || testing.Short() {
		n = 10_000
	}
	const size = 100
	srv, err := mock.New(mock.Config{Clock: mock.FixedClock(testNow), JournalSize: size, DisableThrottling: true})
	if err != nil {
		t.Fatal(err)
	}
	target := "/?" + createParams("Foo", "unknown").Encode() // a violation too, to fill that ring
	send := func(count int) {
		for i := 0; i < count; i++ {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, target, nil))
			if rec.Code != 200 {
				t.Fatalf("request %d: %d %s", i, rec.Code, rec.Body)
			}
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	send(n / 10)
	before := heap()
	send(n - n/10)
	after := heap()

	es := srv.Requests(mock.RequestFilter{})
	if len(es) != size || es[len(es)-1].Seq != uint64(n) || es[0].Seq != uint64(n-size+1) {
		t.Errorf("journal holds %d entries, seq %d..%d; want the newest %d", len(es), es[0].Seq, es[len(es)-1].Seq, size)
	}
	if len(srv.Violations()) != size || srv.ViolationCount() != n {
		t.Errorf("violations kept %d, counted %d", len(srv.Violations()), srv.ViolationCount())
	}
	const slack = 1 << 20
	if after > before+slack {
		t.Errorf("heap grew from %d to %d bytes over %d requests", before, after, n-n/10)
	}
}

// TestJournalConcurrentClear serves requests while others read and clear
// the journal and the violations through the public API.
func TestJournalConcurrentClear(t *testing.T) {
	srv, err := mock.New(mock.Config{Clock: mock.FixedClock(testNow), JournalSize: 8, DisableThrottling: true})
	if err != nil {
		t.Fatal(err)
	}
	target := "/?" + createParams("Foo", "unknown").Encode() // journaled and a violation
	const rounds = 300
	var wg sync.WaitGroup
	errs := make(chan string, 4*rounds)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				switch g {
				case 0, 1:
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, target, nil))
					if rec.Code != 200 {
						errs <- fmt.Sprintf("request: %d %s", rec.Code, rec.Body)
					}
				case 2:
					srv.ClearRequests()
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, "/_mock/violations", nil))
				case 3:
					es := srv.Requests(mock.RequestFilter{})
					for i := 1; i < len(es); i++ {
						if es[i].Seq <= es[i-1].Seq {
							errs <- fmt.Sprintf("out of order: %d then %d", es[i-1].Seq, es[i].Seq)
						}
					}
					if n := srv.ViolationCount(); n < 0 {
						errs <- fmt.Sprintf("ViolationCount %d", n)
					}
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_mock/violations", nil))
					if rec.Code != 200 {
						errs <- fmt.Sprintf("GET /_mock/violations: %d %s", rec.Code, rec.Body)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// The journal's documented caps (docs/journal.md#bounded-entries).
const (
	journalValueBytes = 4 << 10
	journalParamBytes = 16 << 10
	journalMaxParams  = 128
	journalEntryBytes = 64 << 10
)

// serveForm sends params as a form body straight to the handler.
func serveForm(t testing.TB, srv *mock.Server, params url.Values) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(params.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	srv.ServeHTTP(httptest.NewRecorder(), req)
}

// paramBytes is what an entry keeps of its parameters.
func paramBytes(e *mock.Entry) int {
	n := 0
	for k, v := range e.Params {
		n += len(k) + len(v)
	}
	return n
}

// TestJournalCutsHugeParameter: a value near the body limit is kept cut,
// with the marker; the other parameters are kept as sent.
func TestJournalCutsHugeParameter(t *testing.T) {
	srv, ts := newServer(t, mock.Config{MaxParamBytes: 1 << 20})
	// Near the body limit once encoded; it starts with two-byte runes, so
	// the cut must not split one.
	huge := strings.Repeat("é", 3000) + strings.Repeat("x", 1<<20-3000*len("%C3%A9")-2048)
	p := createParams("TaskName", huge, "Signature", "c2VjcmV0")
	serveForm(t, srv, p)

	es := srv.Requests(mock.RequestFilter{})
	if len(es) != 1 || es[0].Status != 200 {
		t.Fatalf("%d entries: %+v", len(es), es)
	}
	e := es[0]
	got := e.Params["TaskName"]
	marker := "…[truncated from " + strconv.Itoa(len(huge)) + " bytes]"
	if len(got) > journalValueBytes || !strings.HasSuffix(got, marker) ||
		!strings.HasPrefix(huge, strings.TrimSuffix(got, marker)) || !utf8.ValidString(got) {
		t.Errorf("TaskName kept as %d bytes ending %q", len(got), got[max(0, len(got)-40):])
	}
	if !e.ParamsTruncated || e.ParamsOmitted != 0 {
		t.Errorf("paramsTruncated %v, paramsOmitted %d", e.ParamsTruncated, e.ParamsOmitted)
	}
	for k, v := range p {
		if k != "TaskName" && k != "Signature" && e.Params[k] != v[0] {
			t.Errorf("%s kept as %q, sent %q", k, e.Params[k], v[0])
		}
	}
	if _, ok := e.Params["Signature"]; ok || len(e.Params) != len(p)-1 {
		t.Errorf("params kept: %d, Signature kept: %v", len(e.Params), ok)
	}
	if n := paramBytes(e); n > journalParamBytes {
		t.Errorf("entry keeps %d bytes of parameters", n)
	}
	r := admin(t, ts, http.MethodGet, "/_mock/requests", "")
	if !strings.Contains(r.body, `"paramsTruncated":true`) || strings.Contains(r.body, "paramsOmitted") {
		t.Errorf("JSON does not say what was cut: %.300s", r.body)
	}
}

// TestJournalOmitsParametersBeyondCap: of many large parameters, the
// entry keeps the short ones first and counts those left out.
func TestJournalOmitsParametersBeyondCap(t *testing.T) {
	srv, _ := newServer(t, mock.Config{})
	p := createParams("AccessKeyId", "AK1")
	const extra = 200
	for i := range extra {
		p.Set("Extra"+strconv.Itoa(1000+i), strings.Repeat("x", 1000))
	}
	serveForm(t, srv, p)
	e := srv.Requests(mock.RequestFilter{})[0]
	if n := paramBytes(e); n > journalParamBytes || len(e.Params) > journalMaxParams {
		t.Errorf("entry keeps %d parameters, %d bytes", len(e.Params), n)
	}
	if !e.ParamsTruncated || e.ParamsOmitted != len(p)-len(e.Params) || e.ParamsOmitted == 0 {
		t.Errorf("paramsTruncated %v, paramsOmitted %d, kept %d of %d", e.ParamsTruncated, e.ParamsOmitted, len(e.Params), len(p))
	}
	// The shortest first, then by name: the protocol parameters and the
	// lowest-named extras stay, whatever the map order.
	for _, k := range []string{"Action", "Version", "AccessKeyId", "StartTime", "Extra1000"} {
		if _, ok := e.Params[k]; !ok {
			t.Errorf("%s left out", k)
		}
	}
	if e.Action != createAction || e.AccessKeyID != "AK1" {
		t.Errorf("action %q, key %q", e.Action, e.AccessKeyID)
	}
	if len(e.Violations) != 17 || !strings.Contains(e.Violations[16].Reason, "184 more violations") {
		t.Errorf("%d violations kept, last %+v", len(e.Violations), e.Violations[len(e.Violations)-1])
	}
}

// TestJournalSmallEntryUnchanged: a request within the caps is kept as
// sent, and its JSON has no new fields.
func TestJournalSmallEntryUnchanged(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	p := createParams("AccessKeyId", "AK1", "TaskName", strings.Repeat("n", journalValueBytes), "Empty", "", "SecurityToken", "sts")
	p["Empty"] = []string{""}
	call(t, ts, http.MethodGet, p, nil)
	e := srv.Requests(mock.RequestFilter{})[0]
	delete(p, "SecurityToken")
	if len(e.Params) != len(p) || e.ParamsTruncated || e.ParamsOmitted != 0 {
		t.Errorf("kept %d of %d params, truncated %v, omitted %d", len(e.Params), len(p), e.ParamsTruncated, e.ParamsOmitted)
	}
	for k, v := range p {
		if got, ok := e.Params[k]; !ok || got != v[0] {
			t.Errorf("%s kept as %q, sent %q", k, got, v[0])
		}
	}
	if e.Method != http.MethodGet || e.Action != createAction || e.AccessKeyID != "AK1" {
		t.Errorf("method %q, action %q, key %q", e.Method, e.Action, e.AccessKeyID)
	}
	if r := admin(t, ts, http.MethodGet, "/_mock/requests", ""); strings.Contains(r.body, "paramsTruncated") || strings.Contains(r.body, "paramsOmitted") {
		t.Errorf("small entry JSON: %.300s", r.body)
	}
}

// TestJournalEntryMemoryBound fills the journal with the largest entries a
// client can make and checks each costs no more than
// docs/journal.md#bounded-entries says.
func TestJournalEntryMemoryBound(t *testing.T) {
	for _, round := range []string{"violations", "unknown action"} {
		t.Run(round, func(t *testing.T) { testEntryMemoryBound(t, round) })
	}
}

func testEntryMemoryBound(t *testing.T, round string) {
	const size = 64
	srv, err := mock.New(mock.Config{Clock: mock.FixedClock(testNow), JournalSize: size, DisableThrottling: true,
		MaxParams: 1000, MaxParamBytes: 1 << 20, MaxBodyBytes: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	// Both bodies are made before the first measure, so only the
	// entries differ between the two.
	small := createParams("Foo", "1", "EndTime", "").Encode() // a violation too, so both rings hold it
	// The largest entry: every kept string at its cap, as many parameters
	// as an entry keeps, and violations with long names. An unknown
	// action is never checked, so it has no violations: the action and
	// the violations are at their caps in two rounds.
	// Without EndTime the call is refused, so it creates no task: tasks
	// keep their own copies, outside the journal. An access key id above
	// 128 bytes is refused before the checks, so it is at its cap (the
	// journal's) only in the round without violations.
	ak := strings.Repeat("K", 128)
	if round == "unknown action" {
		ak = strings.Repeat("K", 64<<10)
	}
	p := createParams("AccessKeyId", ak, "EndTime", "")
	for i := range 200 { // short names: many kept, each a violation
		p.Set("q"+strconv.Itoa(i), strings.Repeat("v", 100))
	}
	for i := range 100 { // long names: violations, left out of Params
		p.Set(strings.Repeat("p", 1000)+strconv.Itoa(i), strings.Repeat("v", 2000))
	}
	if round == "unknown action" {
		p.Set("Action", strings.Repeat("A", 64<<10))
	}
	big := p.Encode()
	p = nil
	send := func(body string) {
		for range size {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			srv.ServeHTTP(httptest.NewRecorder(), req)
		}
		srv.Requests(mock.RequestFilter{}) // Params made: the entries' full size
	}
	send(small)
	before := heap()
	send(big)
	after := heap()
	es := srv.Requests(mock.RequestFilter{})
	if len(es) != size || !es[0].ParamsTruncated || len(es[0].Params) != journalMaxParams ||
		(round == "violations") != (len(es[0].Violations) > 0) {
		t.Fatalf("%d entries; the first keeps %d params, %d violations", len(es), len(es[0].Params), len(es[0].Violations))
	}
	per := (int64(after) - int64(before)) / size
	t.Logf("%d bytes per entry", per)
	if per > journalEntryBytes {
		t.Errorf("a journal entry holds %d bytes, documented at most %d", per, journalEntryBytes)
	}
	runtime.KeepAlive(small)
	runtime.KeepAlive(big)
}
