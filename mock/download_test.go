package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/admin"
)

// finishedDetail creates a detail export of two domains over a day on srv,
// moves the clock past its end and gives the path of its file.
func finishedDetail(t *testing.T, srv *Server) string {
	t.Helper()
	q := url.Values{"Action": {"CreateUsageDetailDataExportTask"}, "Version": {"2018-05-10"}, "Format": {"JSON"},
		"AccessKeyId": {"AK-dl"}, "Type": {"flow"}, "DomainNames": {"a.example.com,b.example.com"}, "Language": {"en-us"},
		"StartTime": {"2026-11-01T00:00:00Z"}, "EndTime": {"2026-11-02T00:00:00Z"}}
	if code, body := serveJSON(t, srv, httptest.NewRequest(http.MethodPost, "/?"+q.Encode(), nil)); code != 200 {
		t.Fatalf("create: %d %v", code, body)
	}
	srv.cfg.Clock.Advance(10 * time.Minute)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, AdminPrefix+"/tasks?accessKeyId=AK-dl", nil))
	var page TasksPage
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || len(page.Accounts) != 1 {
		t.Fatalf("GET /_mock/tasks: %v %s", err, rec.Body)
	}
	u, err := url.Parse(page.Accounts[0].Tasks[0].FileURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// heldWriter is a client that stops reading: its first Write reports how
// many bytes it brings, on started, and waits for release.
type heldWriter struct {
	httptest.ResponseRecorder
	started chan int
	release chan struct{}
	once    sync.Once
}

func (w *heldWriter) Write(p []byte) (int, error) {
	w.once.Do(func() {
		w.started <- len(p)
		<-w.release
	})
	return w.ResponseRecorder.Write(p)
}

// holdDownloads starts n downloads of path, each held at its first write;
// release lets them finish and gives what each client got.
func holdDownloads(t *testing.T, srv *Server, path string, n int) (firstWrites []int, release func() []*heldWriter) {
	t.Helper()
	var wg sync.WaitGroup
	gate := make(chan struct{})
	ws := make([]*heldWriter, n)
	for i := range ws {
		ws[i] = &heldWriter{ResponseRecorder: *httptest.NewRecorder(), started: make(chan int, 1), release: gate}
		wg.Go(func() { srv.ServeHTTP(ws[i], httptest.NewRequest(http.MethodGet, path, nil)) })
	}
	for _, w := range ws {
		firstWrites = append(firstWrites, <-w.started)
	}
	return firstWrites, func() []*heldWriter {
		close(gate)
		wg.Wait()
		return ws
	}
}

// serveWithin serves r on srv and gives the answer, or fails the test
// after a generous bound, giving nil: a download queued where a 503 is
// due would otherwise hang the test to its -timeout. A failure bound,
// not a wait for state: a right answer comes at once.
func serveWithin(t *testing.T, srv *Server, r *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() { defer close(done); srv.ServeHTTP(rec, r) }()
	select {
	case <-done:
		return rec
	case <-time.After(10 * time.Second):
		t.Errorf("%s %s: no answer within 10 s", r.Method, r.URL)
		return nil
	}
}

// A download is streamed: the client has bytes while the file is being
// made (the handler is held in its first write, which is a small part of
// the file), without a Content-Length; the file is whole and the same as
// one not held, and excelize reads it.
func TestDownloadStreams(t *testing.T) {
	srv, _ := limitsServer(t, Config{})
	path := finishedDetail(t, srv)
	whole := httptest.NewRecorder()
	srv.ServeHTTP(whole, httptest.NewRequest(http.MethodGet, path, nil))
	if whole.Code != 200 || whole.Header().Get("Content-Length") != "" || whole.Body.Len() < 16<<10 {
		t.Fatalf("download: %d, Content-Length %q, %d bytes", whole.Code, whole.Header().Get("Content-Length"), whole.Body.Len())
	}
	first, release := holdDownloads(t, srv, path, 1)
	if first[0] >= whole.Body.Len()/2 {
		t.Errorf("the first write brings %d of the file's %d bytes: not streamed", first[0], whole.Body.Len())
	}
	got := release()[0]
	if got.Code != 200 || !bytes.Equal(got.Body.Bytes(), whole.Body.Bytes()) {
		t.Errorf("held download: %d, %d bytes; want the same %d bytes", got.Code, got.Body.Len(), whole.Body.Len())
	}
	f, err := excelize.OpenReader(bytes.NewReader(got.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rows, err := f.GetRows("Usage"); err != nil || len(rows) != 1+2*288 {
		t.Errorf("%d rows (%v), want 577", len(rows), err)
	}
}

// Config.MaxDownloads files are made at once; one more is answered 503
// Mock.DownloadBusy at once, and once one ends a download works again.
func TestDownloadBusy(t *testing.T) {
	srv, _ := limitsServer(t, Config{MaxDownloads: 2})
	path := finishedDetail(t, srv)
	_, release := holdDownloads(t, srv, path, 2)
	if busy := serveWithin(t, srv, httptest.NewRequest(http.MethodGet, path, nil)); busy != nil {
		var body struct{ Code, Message string }
		if err := json.Unmarshal(busy.Body.Bytes(), &body); err != nil || busy.Code != 503 || body.Code != "Mock.DownloadBusy" ||
			!strings.Contains(body.Message, "2 export files are being made already") {
			t.Errorf("a third download: %d %+v (%v), want 503 Mock.DownloadBusy", busy.Code, body, err)
		}
	}
	for _, w := range release() {
		if w.Code != 200 {
			t.Errorf("a held download: %d", w.Code)
		}
	}
	rec := httptest.NewRecorder()
	if srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil)); rec.Code != 200 {
		t.Errorf("once the downloads ended: %d %s", rec.Code, rec.Body)
	}
	if _, err := New(Config{MaxDownloads: -1}); err == nil || !strings.Contains(err.Error(), "MaxDownloads") {
		t.Errorf("MaxDownloads -1: %v", err)
	}
}

// failingWriter is a client that goes away after ok writes.
type failingWriter struct {
	httptest.ResponseRecorder
	ok, writes int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.writes++; w.writes > w.ok {
		return 0, errors.New("the client went away")
	}
	return w.ResponseRecorder.Write(p)
}

// A failure once the answer has started cuts it short (the handler
// aborts: the client sees the connection drop) and is logged; it never
// appends an error to the file, even when the failed write was the first
// (the status and headers were already sent). The cut download's slot is
// free again: with one slot, the next download is whole.
func TestDownloadCutShort(t *testing.T) {
	for _, ok := range []int{1, 0} {
		srv, logs := limitsServer(t, Config{MaxDownloads: 1})
		path := finishedDetail(t, srv)
		w := &failingWriter{ResponseRecorder: *httptest.NewRecorder(), ok: ok}
		func() {
			defer func() {
				if v := recover(); v != http.ErrAbortHandler { //nolint:errorlint // the sentinel itself
					t.Errorf("%d writes: recovered %v, want http.ErrAbortHandler", ok, v)
				}
			}()
			srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		}()
		if !strings.Contains(logs.String(), `msg="download cut short"`) || !strings.Contains(logs.String(), "the client went away") {
			t.Errorf("%d writes: logs:\n%s", ok, logs)
		}
		if w.Code != 200 || bytes.Contains(w.Body.Bytes(), []byte("Mock.")) {
			t.Errorf("%d writes: %d %q", ok, w.Code, w.Body.Bytes()[:min(w.Body.Len(), 80)])
		}
		again := httptest.NewRecorder()
		if srv.ServeHTTP(again, httptest.NewRequest(http.MethodGet, path, nil)); again.Code != 200 {
			t.Errorf("%d writes: a download after the cut one: %d %s, want 200 (the slot released)", ok, again.Code, again.Body)
		}
	}
}

// deadlineWriter records, in order, the write deadlines set on it through
// http.ResponseController and its writes, each with the time it came.
type deadlineWriter struct {
	httptest.ResponseRecorder
	events []deadlineEvent
}

type deadlineEvent struct {
	deadline time.Time // zero: a write
	at       time.Time
}

func (w *deadlineWriter) SetWriteDeadline(d time.Time) error {
	w.events = append(w.events, deadlineEvent{deadline: d, at: time.Now()})
	return nil
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	w.events = append(w.events, deadlineEvent{at: time.Now()})
	return w.ResponseRecorder.Write(p)
}

// Every write of a download goes with a write deadline DownloadStall
// from then: set before the write, after the write before it, so it
// moves forward with the file. A client that stops reading is dropped
// after DownloadStall; one that keeps reading is never cut.
func TestDownloadWriteDeadline(t *testing.T) {
	srv, _ := limitsServer(t, Config{})
	path := finishedDetail(t, srv)
	w := &deadlineWriter{ResponseRecorder: *httptest.NewRecorder()}
	lastWrite := time.Now() // the first deadline is DownloadStall after the request
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	if w.Code != 200 {
		t.Fatalf("download: %d %s", w.Code, w.Body)
	}
	var writes int
	for i, e := range w.events {
		if !e.deadline.IsZero() {
			if e.deadline.Before(lastWrite.Add(admin.DownloadStall)) || e.deadline.After(e.at.Add(admin.DownloadStall)) {
				t.Fatalf("event %d: deadline %v, want DownloadStall after the last write (%v), at most DownloadStall after it was set (%v)",
					i, e.deadline, lastWrite, e.at)
			}
			continue
		}
		if writes++; i == 0 || w.events[i-1].deadline.IsZero() {
			t.Fatalf("event %d: write %d without a deadline set before it", i, writes)
		}
		lastWrite = e.at
	}
	if writes < 3 {
		t.Errorf("%d writes, want the file in several", writes)
	}
}
