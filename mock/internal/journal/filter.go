package journal

import (
	"fmt"
	"strconv"
	"time"
)

// RequestFilter selects journal entries; zero fields select everything.
type RequestFilter struct {
	Action      string
	AccessKeyID string
	Since       time.Time // entries at or after this time of the server's clock
	AfterSeq    uint64    // entries with a larger sequence number
}

// ParseSince reads ?since=: an RFC 3339 time, or a sequence number to read
// on from (what a follower remembers).
func (f *RequestFilter) ParseSince(v string) error {
	if n, err := strconv.ParseUint(v, 10, 64); err == nil {
		f.AfterSeq = n
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return fmt.Errorf("since=%q: want an RFC 3339 time such as 2026-11-25T12:00:00Z, or a sequence number", v)
	}
	f.Since = t
	return nil
}

// Keep says whether e passes the filter.
func (f RequestFilter) Keep(e *Record) bool {
	return (f.Action == "" || e.Action == f.Action) &&
		(f.AccessKeyID == "" || e.AccessKeyID == f.AccessKeyID) &&
		(f.Since.IsZero() || !e.Time.Before(f.Since)) &&
		e.Seq > f.AfterSeq
}
