package mock_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// within waits for ch, failing the test rather than hanging it when
// something that must happen never does.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not happen within 10s", what)
		var zero T
		return zero
	}
}

// heldServer is a server whose holds (delays, fault:hang) report on the
// returned channels when they start and stop.
func heldServer(t *testing.T, cfg mock.Config) (srv *mock.Server, ts *httptest.Server, started, stopped <-chan struct{}) {
	t.Helper()
	cfg.Clock = mock.FixedClock(testNow)
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	start, stop := make(chan struct{}, 8), make(chan struct{}, 8)
	mock.SetHoldHook(srv, func(begins bool) {
		if begins {
			start <- struct{}{}
		} else {
			stop <- struct{}{}
		}
	})
	ts = httptest.NewServer(srv) // after the hook: the handlers see it
	t.Cleanup(func() { srv.Close(); ts.Close() })
	return srv, ts, start, stop
}

func TestDelayAboveTheMaximum(t *testing.T) {
	if mock.MaxDelay != 3*time.Minute {
		t.Fatalf("MaxDelay %v: docs/scenarios.md documents 3m", mock.MaxDelay)
	}
	if _, err := mock.ParseDelay("1m-3m"); err != nil {
		t.Errorf("a delay up to the maximum is refused: %v", err)
	}
	srv, ts := newServer(t, mock.Config{})
	_, err := legacyCreate(t, ts, "AK-slow", func(_ *cdn.Client, req *cdn.CreateUserUsageDataExportTaskRequest) {
		req.GetHeaders()[mock.HeaderDelay] = "1s-3m1s"
	})
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) || se.HttpStatus() != 400 || se.ErrorCode() != "Mock.DelayTooLong" ||
		!strings.Contains(se.Message(), `X-Mock-Delay: delay "1s-3m1s": longer than the maximum of 3m0s`) {
		t.Fatalf("X-Mock-Delay above the maximum: %v, want 400 Mock.DelayTooLong naming the header and the maximum", err)
	}
	if es := srv.Requests(mock.RequestFilter{}); len(es) != 1 || es[0].Code != "Mock.DelayTooLong" {
		t.Errorf("journal: %+v", es)
	}

	_, err = mock.New(mock.Config{Scenarios: fstest.MapFS{"slow.yaml": {Data: []byte(
		"description: too slow\noperations:\n  CreateUserUsageDataExportTask:\n    fixture: success\n    delay: 4m\n")}}})
	want := `scenarios/slow.yaml:5: operations.CreateUserUsageDataExportTask.delay: delay "4m": longer than the maximum of 3m0s`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a scenario file's delay above the maximum: %v\nwant %s", err, want)
	}

	_, err = mock.New(mock.Config{Delay: mock.Delay{Min: 4 * time.Minute, Max: 4 * time.Minute}})
	if err == nil || !strings.Contains(err.Error(), "the delay in Config.Delay, 4m0s, is longer than the maximum of 3m0s") {
		t.Errorf("Config.Delay above the maximum: %v", err)
	}
}

// A request held by a delay is released by Close: its connection drops (an
// empty 200 would look like an answer) and Close returns once the handler
// has ended.
func TestDelayReleasedWhenTheServerCloses(t *testing.T) {
	srv, ts, started, stopped := heldServer(t, mock.Config{Delay: mock.Delay{Min: time.Minute, Max: time.Minute}})
	got := make(chan error, 1)
	go func() {
		_, err := legacyCreate(t, ts, "AK-wait", nil)
		got <- err
	}()
	within(t, started, "the delay")
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	within(t, stopped, "the release")
	within(t, closed, "Close returning")
	err := within(t, got, "the client's answer")
	var ue *url.Error
	if !errors.As(err, &ue) || !errors.Is(err, io.EOF) {
		t.Errorf("old SDK: %T %v, want the connection dropped (*url.Error with EOF)", err, err)
	}
	if es := srv.Requests(mock.RequestFilter{}); len(es) != 1 || es[0].Status != 0 {
		t.Errorf("journal: %+v, want the call with no status", es)
	}
}

// A request held by a delay or fault:hang is released when its client goes
// away, without waiting for Close. net/http notices a client leaving only
// once the request's body was read to the end, so the held request must read
// a body no step of the call reads (one that is not a form).
func TestDelayReleasedWhenTheClientGoesAway(t *testing.T) {
	for _, tc := range []struct {
		name, header, value, contentType, body string
	}{
		{"delay, no body", mock.HeaderDelay, "1m", "", ""},
		{"delay, a JSON body", mock.HeaderDelay, "1m", "application/json", `{"unread":true}`},
		{"fault:hang, a JSON body", mock.HeaderScenario, "fault:hang", "application/json", `{"unread":true}`},
		{"delay, a body of no type", mock.HeaderDelay, "20s", "", strings.Repeat("x", 100<<10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, ts, started, stopped := heldServer(t, mock.Config{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+"/?"+createParams().Encode(), strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set(tc.header, tc.value)
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			got := make(chan error, 1)
			go func() {
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					resp.Body.Close()
				}
				got <- err
			}()
			within(t, started, "the hold")
			cancel()
			within(t, stopped, "the release after the client went away")
			if err := within(t, got, "the client's error"); !errors.Is(err, context.Canceled) {
				t.Errorf("client: %v", err)
			}
			srv.Close() // returns: no handler is left
			if es := srv.Requests(mock.RequestFilter{}); len(es) != 1 || es[0].Status != 0 {
				t.Errorf("journal: %+v, want the call with no status", es)
			}
		})
	}
}

// The body a held request reads is held to the same limit as a form body:
// one above it is answered 413 at once, never held.
func TestHeldBodyAboveTheLimit(t *testing.T) {
	_, ts, started, _ := heldServer(t, mock.Config{MaxBodyBytes: 1 << 10})
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/?"+createParams().Encode(), strings.NewReader(strings.Repeat("x", 2<<10)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(mock.HeaderDelay, "1m")
	answer := make(chan reply, 1)
	go func() { answer <- do(t, req) }()
	r := within(t, answer, "the answer")
	if r.status != http.StatusRequestEntityTooLarge || r.str("Code") != "Mock.RequestTooLarge" {
		t.Errorf("%d %s, want 413 Mock.RequestTooLarge", r.status, r.body)
	}
	if len(started) != 0 {
		t.Error("the request was held")
	}
}

// MaxHold bounds a delay as it bounds fault:hang: past it, the request is
// released and its connection dropped, without Close or the client's leaving.
func TestDelayReleasedAtMaxHold(t *testing.T) {
	srv, ts, started, stopped := heldServer(t, mock.Config{MaxHold: time.Millisecond, Delay: mock.Delay{Min: time.Minute, Max: time.Minute}})
	got := make(chan error, 1)
	go func() {
		_, err := legacyCreate(t, ts, "AK-wait", nil)
		got <- err
	}()
	within(t, started, "the delay")
	within(t, stopped, "the release at MaxHold")
	if err := within(t, got, "the client's answer"); !errors.Is(err, io.EOF) {
		t.Errorf("old SDK: %T %v, want the connection dropped (EOF)", err, err)
	}
	if es := srv.Requests(mock.RequestFilter{}); len(es) != 1 || es[0].Status != 0 {
		t.Errorf("journal: %+v, want the call with no status", es)
	}
}

func TestNegativeMaxHold(t *testing.T) {
	_, err := mock.New(mock.Config{MaxHold: -time.Second})
	if err == nil || !strings.Contains(err.Error(), "Config.MaxHold is -1s") {
		t.Errorf("New with MaxHold -1s: %v, want an error naming Config.MaxHold", err)
	}
}
