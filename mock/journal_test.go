package mock_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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
