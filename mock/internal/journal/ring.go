package journal

import (
	"runtime"
	"sync/atomic"
)

// Ring is a fixed-size journal that keeps the newest entries. Writers do not
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
type Ring struct {
	slots []atomic.Pointer[ringItem]
	next  atomic.Uint64 // sequence number of the last entry claimed
	floor atomic.Uint64 // entries at or below it were cleared

	hook func(at string) // tests only: runs between two steps that others may interleave with
}

// ringItem is an entry in one Ring; the same entry can sit in two rings.
type ringItem struct {
	seq uint64
	e   *Record
}

// NewRing makes a ring that keeps the last size entries.
func NewRing(size int) *Ring { return &Ring{slots: make([]atomic.Pointer[ringItem], size)} }

// Add stores e under the next sequence number; with stamp, e.Seq gets it
// too, before e is published. A record is added with stamp once, to one ring.
func (r *Ring) Add(e *Record, stamp bool) {
	seq := r.next.Add(1)
	if stamp {
		e.Seq = seq
	}
	if r.hook != nil {
		r.hook("add")
	}
	var it *ringItem
	if stamp { // an entry is stamped by one ring, once: its own item serves
		it = &e.item
	} else {
		it = new(ringItem)
	}
	it.seq, it.e = seq, e
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

// Clear forgets every entry claimed so far. Of two clears racing, the one
// that saw the larger next wins: floor never moves back.
func (r *Ring) Clear() {
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
func (r *Ring) bounds(at string) (floor, last uint64) {
	floor = r.floor.Load()
	if r.hook != nil {
		r.hook(at)
	}
	return floor, r.next.Load()
}

// Snapshot returns the kept entries that pass keep, oldest first. Every
// entry whose Add returned before the read began is in it (unless cleared
// or overwritten); an entry overwritten while it is read is skipped, never
// returned half-made; an entry cleared before the read ends is not returned.
func (r *Ring) Snapshot(keep func(*Record) bool) []*Record {
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
func (r *Ring) collect(out []*Record, floor, last uint64, keep func(*Record) bool) []*Record {
	first := floor + 1
	if n := uint64(len(r.slots)); last >= n && last-n+1 > first {
		first = last - n + 1
	}
	if out == nil {
		out = make([]*Record, 0, min(last-floor, 256))
	}
	for seq := first; seq <= last; seq++ {
		slot := &r.slots[seq%uint64(len(r.slots))]
		it := slot.Load()
		for it == nil || it.seq < seq {
			// Claimed, not yet published: its writer is between the two
			// steps of Add, with nothing that blocks in between, so wait
			// for it. Stopping here would hide the newer entries after it,
			// those of requests already answered; skipping it would make a
			// reader that goes on from the last sequence it saw miss it.
			if r.hook != nil {
				r.hook("wait")
			}
			runtime.Gosched()
			it = slot.Load()
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

// Count is the number of entries added since the last clear.
func (r *Ring) Count() int {
	floor, last := r.bounds("count")
	return int(last - floor)
}
