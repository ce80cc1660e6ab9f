package mock

import (
	"sync"
	"time"
)

// Clock is the server's notion of now. It runs on real time unless pinned;
// tests pin it, and move it with Set or Advance, so they never sleep.
type Clock struct {
	mu     sync.Mutex
	pinned bool
	at     time.Time     // when pinned
	offset time.Duration // added to real time when not pinned
}

// NewClock returns a clock on real time.
func NewClock() *Clock { return &Clock{} }

// FixedClock returns a clock pinned at t.
func FixedClock(t time.Time) *Clock { return &Clock{pinned: true, at: t} }

// Now returns the current time, in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pinned {
		return c.at.UTC()
	}
	return time.Now().Add(c.offset).UTC()
}

// Set pins the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pinned, c.at = true, t
}

// Advance moves the clock forward by d, pinned or not.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pinned {
		c.at = c.at.Add(d)
	} else {
		c.offset += d
	}
}

// Pinned reports whether the clock is pinned.
func (c *Clock) Pinned() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pinned
}
