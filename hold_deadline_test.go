package main

import (
	"bytes"
	"errors"
	"io"
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
