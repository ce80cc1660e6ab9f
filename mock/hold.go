package mock

// Holding requests: delays, fault:hang, and the count of handlers running
// that Close waits for.

import (
	"context"
	"sync"
	"time"
)

// delay is how long to wait before answering: the X-Mock-Delay header, else
// the outcome's delay, else the server's --delay.
func (s *Server) delay(x *exchange) time.Duration {
	switch {
	case x.headerDelay != nil:
		return x.headerDelay.Pick()
	case x.outcome.Delay.Max > 0:
		return x.outcome.Delay.Pick()
	}
	return s.cfg.Delay.Pick()
}

// sleep waits for d, or until ctx ends or the server closes; it reports
// whether it waited fully.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	return s.hold(ctx, t.C)
}

// hold holds a request until done fires (true; a nil done never does), or
// until its context ends, MaxHold passes or the server closes (false). The
// context ends when the client goes away. The bound is a timer here, not a
// deadline on every request's context, so requests that are not held pay
// nothing for it.
func (s *Server) hold(ctx context.Context, done <-chan time.Time) bool {
	if h := s.hooks.hold; h != nil {
		h(true)
		defer h(false)
	}
	var limit <-chan time.Time
	if s.cfg.MaxHold > 0 {
		t := time.NewTimer(s.cfg.MaxHold)
		defer t.Stop()
		limit = t.C
	}
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	case <-limit:
		return false
	case <-s.closing:
		return false
	}
}

// inflight counts the API handlers running, so Close can wait for them.
// (A WaitGroup would not do: requests may still arrive while Close waits.)
type inflight struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to zero while someone waits
}

func (f *inflight) add(d int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n += d
	if f.n == 0 && f.idle != nil {
		close(f.idle)
		f.idle = nil
	}
}

func (f *inflight) wait() {
	f.mu.Lock()
	if f.n == 0 {
		f.mu.Unlock()
		return
	}
	if f.idle == nil {
		f.idle = make(chan struct{})
	}
	idle := f.idle
	f.mu.Unlock()
	<-idle
}
