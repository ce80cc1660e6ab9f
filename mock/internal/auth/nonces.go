package auth

import (
	"container/heap"
	"crypto/sha256"
	"sync"
	"time"
)

// defaultNonceCapacity bounds the nonces remembered: beyond it the ones
// expiring soonest are forgotten first.
const defaultNonceCapacity = 100_000

// nonceCache remembers the nonces of accepted calls until their timestamp
// can no longer pass the skew check, in bounded memory: each entry is a
// fixed-size hash, entries are pruned as the server's clock passes their
// expiry, and a hard cap evicts the soonest to expire. The zero value is
// ready to use.
type nonceCache struct {
	mu       sync.Mutex
	seen     map[nonceKey]time.Time // → expiry
	byExpiry nonceHeap
	capacity int // 0: defaultNonceCapacity
}

type nonceKey [16]byte

type nonceItem struct {
	expires time.Time
	key     nonceKey
}

type nonceHeap []nonceItem

func (h nonceHeap) Len() int           { return len(h) }
func (h nonceHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h nonceHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *nonceHeap) Push(x any)        { *h = append(*h, x.(nonceItem)) }
func (h *nonceHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

// use records the access key's nonce until expires and reports whether it
// was free (not seen, or seen but expired by now).
func (n *nonceCache) use(keyID, nonce string, expires, now time.Time) bool {
	h := sha256.New()
	h.Write([]byte(keyID))
	h.Write([]byte{0})
	h.Write([]byte(nonce))
	var k nonceKey
	copy(k[:], h.Sum(nil))

	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seen == nil {
		n.seen = map[nonceKey]time.Time{}
	}
	if exp, ok := n.seen[k]; ok && now.Before(exp) {
		return false
	}
	for len(n.byExpiry) > 0 && !now.Before(n.byExpiry[0].expires) {
		n.popOldest()
	}
	limit := n.capacity
	if limit <= 0 {
		limit = defaultNonceCapacity
	}
	for len(n.seen) >= limit && len(n.byExpiry) > 0 {
		n.popOldest()
	}
	n.seen[k] = expires
	heap.Push(&n.byExpiry, nonceItem{expires: expires, key: k})
	return true
}

func (n *nonceCache) popOldest() {
	it := heap.Pop(&n.byExpiry).(nonceItem)
	if exp, ok := n.seen[it.key]; ok && exp.Equal(it.expires) {
		delete(n.seen, it.key)
	}
}

func (n *nonceCache) len() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.seen)
}
