package mock

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// throttle enforces each operation's documented call rate per access key,
// as the real service does: a token bucket of one second's worth of calls.
// Buckets refill as the server's clock moves, so a pinned clock is
// deterministic: after the documented number of calls, the next is refused
// until the clock is advanced.
type throttle struct {
	mu      sync.Mutex
	buckets map[throttleKey]*rate.Limiter
}

type throttleKey struct{ accessKeyID, action string }

// maxBuckets bounds memory when callers use many access keys: beyond it,
// full (idle) buckets are dropped, which changes nothing for their callers.
const maxBuckets = 10000

// allow reports whether one more call fits the operation's rate.
func (t *throttle) allow(op *Operation, accessKeyID string, now time.Time) bool {
	if op.RateLimit <= 0 {
		return true
	}
	k := throttleKey{accessKeyID, op.Name}
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buckets[k]
	if b == nil {
		if t.buckets == nil {
			t.buckets = map[throttleKey]*rate.Limiter{}
		}
		if len(t.buckets) >= maxBuckets {
			t.sweep(now)
		}
		b = rate.NewLimiter(rate.Limit(op.RateLimit), op.RateLimit)
		b.AllowN(now, 0) // starts the bucket full at now, whatever the clock says
		t.buckets[k] = b
	}
	return b.AllowN(now, 1)
}

func (t *throttle) sweep(now time.Time) {
	for k, b := range t.buckets {
		if b.TokensAt(now) >= float64(b.Burst()) {
			delete(t.buckets, k)
		}
	}
}

// reset empties every bucket's history.
func (t *throttle) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buckets = nil
}
