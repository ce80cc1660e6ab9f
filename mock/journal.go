package mock

import (
	"cmp"
	"encoding/binary"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Entry is one API request as the journal keeps it.
type Entry struct {
	Seq         uint64            `json:"seq"`
	Time        time.Time         `json:"time"` // the server's clock
	RequestID   string            `json:"requestId"`
	Method      string            `json:"method"`
	Action      string            `json:"action"`
	AccessKeyID string            `json:"accessKeyId"`
	Params      map[string]string `json:"params"` // decoded, first value of each; secrets removed
	// ParamsTruncated says Params is not all the call sent: a value was cut
	// (it ends in the truncation marker) or parameters were left out.
	ParamsTruncated bool `json:"paramsTruncated,omitempty"`
	// ParamsOmitted is how many parameters were left out whole.
	ParamsOmitted int         `json:"paramsOmitted,omitempty"`
	Scenario      string      `json:"scenario"`
	ChosenBy      string      `json:"chosenBy,omitempty"` // header, binding, active or default
	Code          string      `json:"code"`               // "" for success, the error code, or fault:<name>
	Status        int         `json:"status"`             // 0 when no HTTP answer was sent
	Latency       Duration    `json:"latency"`
	Violations    []Violation `json:"violations,omitempty"`

	packed     string // the kept parameters, copied; Params is made from them once
	called     bool   // the request decoded to a call: Params is {} rather than null
	paramsOnce sync.Once
}

// What one entry keeps of what the client sent. The journal's memory is
// --journal-size times a bound that follows from these (docs/journal.md,
// Bounded entries): the request's url.Values and body are never retained, only
// bounded copies.
const (
	// journalValueBytes bounds each kept string the client sent: a
	// parameter's value, the method, the action, the access key id. Real
	// CDN values are far shorter; a long domain list still shows its start.
	journalValueBytes = 4 << 10
	// journalParamBytes bounds the names and values kept per entry, and
	// journalMaxParams their number (the largest operation, with its tags
	// and the common parameters, sends well under 100). What does not fit
	// is left out, the longest first.
	journalParamBytes = 16 << 10
	journalMaxParams  = 128
	// journalMaxViolations and journalViolationBytes bound the violations
	// kept per entry (each parameter name and reason is cut to the latter).
	journalMaxViolations  = 16
	journalViolationBytes = 256
	// Hence an entry holds at most 64 KiB (docs/journal.md): one 32 KiB copy (three
	// strings, the parameters and their lengths), the map made from it,
	// the violations and the entry itself. TestJournalEntryMemoryBound
	// measures it.
)

// cutMarker ends a kept string that was cut; it gives the full length.
func cutMarker(full int) string { return "…[truncated from " + strconv.Itoa(full) + " bytes]" }

// cutAt is where v is cut to fit max bytes with its marker (at a rune
// boundary), and how long it then is; v shorter than max is kept whole.
func cutAt(v string, max int) (n, kept int) {
	if len(v) <= max {
		return len(v), len(v)
	}
	m := len("…[truncated from  bytes]") + len(strconv.Itoa(len(v)))
	n = max - m
	for n > 0 && !utf8.RuneStart(v[n]) {
		n--
	}
	return n, n + m
}

// keptLen is how long v is once kept within max bytes.
func keptLen(v string, max int) int { _, k := cutAt(v, max); return k }

// appendKept appends v, cut to max bytes, and reports whether it was cut.
func appendKept(b *strings.Builder, v string, max int) bool {
	n, _ := cutAt(v, max)
	b.WriteString(v[:n])
	if n == len(v) {
		return false
	}
	b.WriteString(cutMarker(len(v)))
	return true
}

// keepCall copies, within the caps, what e keeps of the call: method,
// action, access key id and the parameters but the secrets. It is one
// allocation for a call that fits; Params is unpacked from it when read,
// as most entries never are.
func (e *Entry) keepCall(c *Call) {
	// First pass: which parameters fit, and how many bytes they take.
	size, n, over := 0, 0, false
	for k, v := range c.Params {
		if len(v) == 0 || secretParams[k] {
			continue
		}
		n++
		size += len(k) + keptLen(v[0], journalValueBytes)
	}
	names := []string(nil) // in the order kept, when not all of them fit
	if n > journalMaxParams || size > journalParamBytes {
		names, size = e.choose(c.Params)
		n, over = len(names), true
	}
	fixed := keptLen(c.Method, journalValueBytes) + keptLen(c.Action, journalValueBytes) + keptLen(c.AccessKeyID, journalValueBytes)
	var b strings.Builder
	b.Grow(fixed + size + 2*binary.MaxVarintLen32*n)
	// A cut method, action or key id shows the marker; Params says it too
	// for the parameters.
	appendKept(&b, c.Method, journalValueBytes)
	m := b.Len()
	appendKept(&b, c.Action, journalValueBytes)
	a := b.Len()
	appendKept(&b, c.AccessKeyID, journalValueBytes)
	k := b.Len()
	var lens [2 * binary.MaxVarintLen32]byte
	put := func(name, value string) {
		l := binary.PutUvarint(lens[:], uint64(len(name)))
		l += binary.PutUvarint(lens[l:], uint64(keptLen(value, journalValueBytes)))
		b.Write(lens[:l])
		b.WriteString(name)
		if appendKept(&b, value, journalValueBytes) {
			e.ParamsTruncated = true
		}
	}
	if over {
		for _, name := range names {
			put(name, c.Params[name][0])
		}
	} else {
		for name, v := range c.Params {
			if len(v) > 0 && !secretParams[name] {
				put(name, v[0])
			}
		}
	}
	all := b.String()
	e.Method, e.Action, e.AccessKeyID = all[:m], all[m:a], all[a:k]
	e.packed, e.called = all[k:], true
	e.ParamsTruncated = e.ParamsTruncated || over
}

// choose picks the parameters that fit when not all do: the shortest
// first (they carry the protocol and the ids), ties by name, so the choice
// does not depend on map order. It counts the rest in e.ParamsOmitted.
func (e *Entry) choose(params url.Values) (names []string, size int) {
	for k, v := range params {
		if len(v) > 0 && !secretParams[k] {
			names = append(names, k)
		}
	}
	cost := func(k string) int { return len(k) + keptLen(params[k][0], journalValueBytes) }
	slices.SortFunc(names, func(x, y string) int { return cmp.Or(cmp.Compare(cost(x), cost(y)), strings.Compare(x, y)) })
	kept := names[:0]
	for _, k := range names {
		if c := cost(k); len(kept) < journalMaxParams && size+c <= journalParamBytes {
			kept = append(kept, k)
			size += c
		}
	}
	e.ParamsOmitted = len(names) - len(kept)
	return kept, size
}

// fillParams makes Params from the kept parameters. Entries are published
// before anyone reads them, and readers may race, so it runs once.
func (e *Entry) fillParams() {
	e.paramsOnce.Do(func() {
		if !e.called {
			return
		}
		p := e.packed
		e.Params = make(map[string]string)
		for p != "" {
			kl, n1 := uvarint(p)
			vl, n2 := uvarint(p[n1:])
			p = p[n1+n2:]
			e.Params[p[:kl]] = p[kl : kl+vl]
			p = p[kl+vl:]
		}
		e.packed = ""
	})
}

// uvarint reads what binary.PutUvarint wrote at the start of s.
func uvarint(s string) (v, n int) {
	for shift := 0; ; shift += 7 {
		c := s[n]
		n++
		v |= int(c&0x7f) << shift
		if c < 0x80 {
			return v, n
		}
	}
}

// keepViolations copies vs within the caps: their strings may share memory
// with the request's body, and their errors are not needed once answered.
func keepViolations(vs []Violation) []Violation {
	if len(vs) == 0 {
		return nil
	}
	out := make([]Violation, 0, min(len(vs), journalMaxViolations+1))
	for i, v := range vs {
		if i == journalMaxViolations {
			out = append(out, Violation{Reason: strconv.Itoa(len(vs)-i) + " more violations, not kept in the journal"})
			break
		}
		out = append(out, Violation{Parameter: keptCopy(v.Parameter, journalViolationBytes), Reason: keptCopy(v.Reason, journalViolationBytes)})
	}
	return out
}

// keptCopy is a copy of v, cut to max bytes as appendKept does.
func keptCopy(v string, max int) string {
	var b strings.Builder
	b.Grow(keptLen(v, max))
	appendKept(&b, v, max)
	return b.String()
}

// Duration marshals as a Go duration string ("1.2ms").
type Duration time.Duration

// MarshalText writes the duration as time.Duration prints it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads what MarshalText wrote.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = Duration(v)
	return err
}

// secretParams never reach the journal or the logs.
var secretParams = map[string]bool{"Signature": true, "SecurityToken": true}

// ring is a fixed-size journal that keeps the newest entries. Writers do not
// share a lock: each claims a slot with an atomic counter and publishes its
// entry with an atomic compare-and-swap, so memory stays flat and load does
// not queue.
//
// Invariants, whatever the interleaving:
//   - next and floor only grow, and floor <= next: clear raises floor, by
//     compare-and-swap, to a value it loaded from next.
//   - Readers load floor before next, so the range they read, floor+1 to
//     next, is never negative, nor is a count.
//   - A slot only moves to a newer entry: a writer that was overtaken by
//     one a whole ring ahead does not put its older entry back.
type ring struct {
	slots []atomic.Pointer[ringItem]
	next  atomic.Uint64 // sequence number of the last entry claimed
	floor atomic.Uint64 // entries at or below it were cleared

	hook func(at string) // tests only: runs between two steps that others may interleave with
}

// ringItem is an entry in one ring; the same entry can sit in two rings.
type ringItem struct {
	seq uint64
	e   *Entry
}

func newRing(size int) *ring { return &ring{slots: make([]atomic.Pointer[ringItem], size)} }

// add stores e under the next sequence number; with stamp, e.Seq gets it
// too, before e is published.
func (r *ring) add(e *Entry, stamp bool) {
	seq := r.next.Add(1)
	if stamp {
		e.Seq = seq
	}
	if r.hook != nil {
		r.hook("add")
	}
	it := &ringItem{seq: seq, e: e}
	slot := &r.slots[seq%uint64(len(r.slots))]
	for {
		old := slot.Load()
		if old != nil && old.seq > seq {
			return // a newer entry has the slot: ours already fell out of the ring
		}
		if slot.CompareAndSwap(old, it) {
			return
		}
	}
}

// clear forgets every entry claimed so far. Of two clears racing, the one
// that saw the larger next wins: floor never moves back.
func (r *ring) clear() {
	for {
		f, n := r.floor.Load(), r.next.Load()
		if r.hook != nil {
			r.hook("clear")
		}
		if n <= f || r.floor.CompareAndSwap(f, n) {
			return
		}
	}
}

// bounds loads floor, then next: as floor <= next held when floor was
// loaded and next only grows, floor <= last.
func (r *ring) bounds(at string) (floor, last uint64) {
	floor = r.floor.Load()
	if r.hook != nil {
		r.hook(at)
	}
	return floor, r.next.Load()
}

// snapshot returns the kept entries that pass keep, oldest first. An entry
// overwritten while it is read is skipped, never returned half-made; an
// entry cleared before the read ends is not returned.
func (r *ring) snapshot(keep func(*Entry) bool) []*Entry {
	floor, last := r.bounds("snapshot")
	out := r.collect(nil, floor, last, keep)
	if f := r.floor.Load(); f > floor {
		// Cleared while we read: read again above the new floor, and no
		// further than before, so a follower still never skips an entry.
		out = r.collect(out[:0], min(f, last), last, keep)
	}
	return out
}

// collect appends the entries floor+1..last that pass keep; floor <= last.
func (r *ring) collect(out []*Entry, floor, last uint64, keep func(*Entry) bool) []*Entry {
	first := floor + 1
	if n := uint64(len(r.slots)); last >= n && last-n+1 > first {
		first = last - n + 1
	}
	if out == nil {
		out = make([]*Entry, 0, min(last-floor, 256))
	}
	for seq := first; seq <= last; seq++ {
		it := r.slots[seq%uint64(len(r.slots))].Load()
		if it == nil || it.seq < seq {
			// Not yet published: stop here, so a reader that goes on from
			// the last sequence it saw never skips an entry.
			break
		}
		if it.seq > seq {
			continue // already overwritten by a newer entry
		}
		if keep == nil || keep(it.e) {
			out = append(out, it.e)
		}
	}
	return out
}

// count is the number of entries added since the last clear.
func (r *ring) count() int {
	floor, last := r.bounds("count")
	return int(last - floor)
}
