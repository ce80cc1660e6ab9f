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

	"github.com/alibaba-cloud-mock/cdnmock/internal/httpserver"
	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// MaxHold bounds fault:hang: when it passes, the held request ends and the
// client sees its connection close, long before its own timeout.
func TestHangEndsAtMaxHold(t *testing.T) {
	srv, err := mock.New(mock.Config{Scenario: "fault:hang", MaxHold: 50 * time.Millisecond,
		Clock: mock.FixedClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
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

// The command holds no request past its listeners' write timeout, after
// which no answer could be written: it gives the server that bound.
func TestCommandBoundsHoldsByTheWriteTimeout(t *testing.T) {
	o, err := parseFlags("serve", nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := o.config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxHold != httpserver.WriteTimeout || httpserver.New(nil, nil).WriteTimeout != httpserver.WriteTimeout {
		t.Errorf("MaxHold %v, the listeners' WriteTimeout %v; want both %v", cfg.MaxHold, httpserver.New(nil, nil).WriteTimeout, httpserver.WriteTimeout)
	}
}

// namedHalves stands for a *mock.Server: each half answers its name.
type namedHalves struct{}

func (namedHalves) APIHandler() http.Handler   { return answer("api") }
func (namedHalves) AdminHandler() http.Handler { return answer("admin") }

func answer(s string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, s) })
}

// With --admin-addr the API's server serves the API half only and the
// admin listener the admin half, both with the command's limits.
func TestListenAdminSplitsTheHalves(t *testing.T) {
	get := func(hs *http.Server, ln net.Listener) string {
		t.Helper()
		go func() { _ = hs.Serve(ln) }()
		t.Cleanup(func() { _ = hs.Close() })
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	api := httpserver.New(nil, nil)
	admin, adminLn, err := listenAdmin(options{adminAddr: "127.0.0.1:0"}, namedHalves{}, api)
	if err != nil {
		t.Fatal(err)
	}
	apiLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if got := get(api, apiLn); got != "api" {
		t.Errorf("the API listener answered %q, want the API half", got)
	}
	if got := get(admin, adminLn); got != "admin" {
		t.Errorf("the admin listener answered %q, want the admin half", got)
	}
	if admin.WriteTimeout != httpserver.WriteTimeout || admin.ReadHeaderTimeout != httpserver.ReadHeaderTimeout || admin.MaxHeaderBytes != httpserver.MaxHeaderBytes {
		t.Errorf("the admin listener's limits: %+v", admin)
	}
}
