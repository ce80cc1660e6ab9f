package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// WriteTimeout bounds fault:hang: at the deadline withDeadline derives from
// it, the held request ends and the client sees its connection close, long
// before its own timeout.
func TestHangEndsAtTheWriteDeadline(t *testing.T) {
	srv, err := mock.New(mock.Config{Scenario: "fault:hang", Clock: mock.FixedClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(withDeadline(srv, 50*time.Millisecond))
	t.Cleanup(func() { srv.Close(); ts.Close() })
	client := &http.Client{Timeout: 10 * time.Second} // the deadline, not the client, must end it
	resp, err := client.Post(ts.URL+"/?Action=CreateUserUsageDataExportTask&Version=2018-05-10&Format=JSON&StartTime=2026-11-01T00:00:00Z&EndTime=2026-11-02T00:00:00Z", "", nil)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a held call got an answer: %s", resp.Status)
	}
	if !errors.Is(err, io.EOF) {
		t.Errorf("client: %v, want the connection closed (EOF)", err)
	}
	srv.Close() // the handler has already ended: Close just waits for its journal entry
	es := srv.Requests(mock.RequestFilter{})
	if len(es) != 1 || es[0].Code != "fault:hang" || es[0].Status != 0 {
		t.Errorf("journal: %+v", es)
	}
}

func TestDelayFlagAboveTheMaximum(t *testing.T) {
	var errb bytes.Buffer
	o, err := parseFlags("serve", []string{"--delay", "100ms-4m"}, &errb)
	if err != nil {
		t.Fatal(err)
	}
	_, err = o.config() // run prints it and exits 2, before listening
	if want := `--delay: delay "100ms-4m": longer than the maximum of 3m0s`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("--delay above the maximum: %v; want %q", err, want)
	}
}

// deadlineProbe stands for a *mock.Server: each half reports how far away
// its request's context deadline is (-1: none).
type deadlineProbe struct{ api, admin chan time.Duration }

func (p deadlineProbe) APIHandler() http.Handler   { return probeDeadline(p.api) }
func (p deadlineProbe) AdminHandler() http.Handler { return probeDeadline(p.admin) }

func probeDeadline(ch chan time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		left := time.Duration(-1)
		if dl, ok := r.Context().Deadline(); ok {
			left = time.Until(dl)
		}
		ch <- left
	})
}

// Every listener the command serves ends a request's context at about
// writeTimeout (withDeadline): the API's, alone or beside --admin-addr, and
// the admin API's.
func TestListenersEndRequestsAtTheWriteTimeout(t *testing.T) {
	p := deadlineProbe{api: make(chan time.Duration, 1), admin: make(chan time.Duration, 1)}
	serve := func(hs *http.Server, ln net.Listener) string {
		go func() { _ = hs.Serve(ln) }()
		t.Cleanup(func() { _ = hs.Close() })
		return "http://" + ln.Addr().String() + "/"
	}
	listen := func() net.Listener {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		return ln
	}
	check := func(what, url string, ch chan time.Duration) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		switch left := <-ch; {
		case left < 0:
			t.Errorf("%s: the request's context has no deadline, want one at about writeTimeout (%v)", what, writeTimeout)
		case left <= writeTimeout-time.Minute || left > writeTimeout:
			t.Errorf("%s: the request's context ends in %v, want about writeTimeout (%v)", what, left, writeTimeout)
		}
	}

	check("one listener", serve(newHTTPServer(p.APIHandler(), nil), listen()), p.api)

	api := newHTTPServer(nil, nil)
	admin, adminLn, err := listenAdmin(options{adminAddr: "127.0.0.1:0"}, p, api)
	if err != nil {
		t.Fatal(err)
	}
	check("the API beside --admin-addr", serve(api, listen()), p.api)
	check("--admin-addr", serve(admin, adminLn), p.admin)
}
