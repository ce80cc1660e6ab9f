package scenario

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/time/rate"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// Throttle enforces each operation's documented call rate per access key,
// as the real service does: a token bucket of one second's worth of calls.
// Buckets refill as the server's clock moves, so a pinned clock is
// deterministic: after the documented number of calls, the next is refused
// until the clock is advanced.
//
// Buckets are kept in a least-recently-used list of at most maxBuckets
// (access key, operation) pairs, so memory and the cost of a call stay the
// same however many access keys callers make up, and whether or not the
// clock moves. The pair used least recently is forgotten first; when it
// calls again it starts with a full bucket, as a new key would. A key busy
// enough to be throttled is never the least recent while others come and go,
// unless maxBuckets other pairs call between two of its calls.
type Throttle struct {
	mu       sync.Mutex
	buckets  *simplelru.LRU[throttleKey, *rate.Limiter] // nil until the first call
	capacity int                                        // 0: MaxBuckets
}

type throttleKey struct{ accessKeyID, action string }

// maxBuckets bounds the token buckets kept (see throttle).
const MaxBuckets = 10_000

// Allow reports whether one more call fits the operation's rate.
func (t *Throttle) Allow(op *contract.Operation, accessKeyID string, now time.Time) bool {
	if op.RateLimit <= 0 {
		return true
	}
	k := throttleKey{accessKeyID, op.Name}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.buckets == nil {
		t.buckets = newLRU[throttleKey, *rate.Limiter](t.capacity, MaxBuckets)
	}
	b, ok := t.buckets.Get(k)
	if !ok {
		b = rate.NewLimiter(rate.Limit(op.RateLimit), op.RateLimit)
		b.AllowN(now, 0)    // starts the bucket full at now, whatever the clock says
		t.buckets.Add(k, b) // drops the least recently used pair when full
	}
	return b.AllowN(now, 1)
}

// Len is the number of buckets kept.
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.buckets == nil {
		return 0
	}
	return t.buckets.Len()
}

// Reset empties every bucket's history.
func (t *Throttle) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buckets = nil // a new list, rather than Purge, gives the map's memory back
}

// newLRU is an LRU list of capacity entries, or of def when capacity is 0.
// Callers hold their own lock: simplelru is not safe for concurrent use.
func newLRU[K comparable, V any](capacity, def int) *simplelru.LRU[K, V] {
	if capacity <= 0 {
		capacity = def
	}
	l, err := simplelru.NewLRU[K, V](capacity, nil)
	if err != nil { // only for a size <= 0, excluded above
		panic(err)
	}
	return l
}
