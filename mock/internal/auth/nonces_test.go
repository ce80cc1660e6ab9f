package auth

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

func TestNonceCacheIsBounded(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := nonceCache{capacity: 3}
	for i, nonce := range []string{"a", "b", "c"} {
		if !n.use("K", nonce, t0.Add(time.Duration(i+1)*time.Minute), t0) {
			t.Fatalf("%s refused", nonce)
		}
	}
	if n.use("K", "b", t0.Add(time.Hour), t0) {
		t.Error("a nonce used twice")
	}
	if !n.use("K2", "b", t0.Add(time.Hour), t0) {
		t.Error("the same nonce of another key refused")
	}
	if n.len() != 3 { // "a" (the soonest to expire) made room for K2's
		t.Errorf("%d nonces kept, want 3", n.len())
	}
	if !n.use("K", "a", t0.Add(time.Hour), t0) {
		t.Error("the evicted nonce is still refused")
	}
	// Expired entries go as the clock passes them.
	later := t0.Add(2 * time.Hour)
	if !n.use("K", "z", later.Add(time.Minute), later) || n.len() != 1 {
		t.Errorf("%d nonces kept after all expired, want 1", n.len())
	}
	// Under load, memory stays at the cap.
	big := nonceCache{capacity: 1000}
	for i := range 10_000 {
		big.use("K", strings.Repeat("x", i%50)+string(rune('a'+i%26))+time.Duration(i).String(), t0.Add(time.Hour), t0)
	}
	if big.len() > 1000 || len(big.byExpiry) > 1000 {
		t.Errorf("%d nonces, %d heap entries, cap 1000", big.len(), len(big.byExpiry))
	}
}

// A nonce costs at most what docs/hardening.md (Bounded memory) says per
// entry, with access key ids of the longest length accepted
// (contract.MaxAccessKeyIDBytes) and long nonces: each is kept as a hash.
func TestNonceMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("fills the cache with thousands of entries")
	}
	const n, documented = 4000, 192
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var c nonceCache
	before := liveHeap()
	for i := range n {
		key := fmt.Sprintf("%0*d", contract.MaxAccessKeyIDBytes, i) // a fresh string, as each call decodes its own copy
		c.use(key, strings.Repeat("n", 256), t0.Add(MaxClockSkew), t0)
	}
	per := (int64(liveHeap()) - int64(before)) / n
	runtime.KeepAlive(&c)
	t.Logf("nonce: %d bytes per entry", per)
	if c.len() != n {
		t.Fatalf("%d nonces kept, want %d", c.len(), n)
	}
	if per > documented {
		t.Errorf("nonce: %d bytes per entry, documented at most %d", per, documented)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
