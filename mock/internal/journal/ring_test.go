package journal

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// fill adds n stamped entries to r.
func fill(r *Ring, n int) {
	for range n {
		r.Add(&Record{}, true)
	}
}

// safely runs f and turns a panic into an error, so one bad interleaving
// fails the test instead of the whole binary.
func safely(f func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	f()
	return nil
}

// TestRingClearDuringSnapshot is the interleaving that used to panic: a
// reader has loaded one end of the range, then entries are added, the ring
// is cleared and one more entry is added before it loads the other end.
// The snapshot holds exactly that last entry: none cleared, and the one
// added after the clear, which a reader that loaded next before floor
// would miss (its range would end below the new floor).
func TestRingClearDuringSnapshot(t *testing.T) {
	r := NewRing(8)
	fill(r, 3)
	r.hook = func(at string) {
		if at == "snapshot" {
			r.hook = nil
			fill(r, 2)
			r.Clear()
			fill(r, 1) // entry 6
		}
	}
	var es []*Record
	if err := safely(func() { es = r.Snapshot(nil) }); err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Seq != 6 {
		t.Errorf("snapshot during the clear: %v, want only entry 6, added after it", seqs(es))
	}
	fill(r, 1)
	if es := r.Snapshot(nil); len(es) != 2 || es[0].Seq != 6 || es[1].Seq != 7 {
		t.Errorf("after the clear: %v, want entries 6 and 7", seqs(es))
	}
}

// TestRingClearDuringCount: the same interleaving gave a negative count.
func TestRingClearDuringCount(t *testing.T) {
	r := NewRing(8)
	fill(r, 3)
	r.hook = func(at string) {
		if at == "count" {
			r.hook = nil
			fill(r, 2)
			r.Clear()
		}
	}
	if n := r.Count(); n < 0 || n > 5 {
		t.Errorf("count %d during a clear; want between 0 and 5", n)
	}
	if n := r.Count(); n != 0 {
		t.Errorf("count %d after the clear, want 0", n)
	}
}

func seqs(es []*Record) []uint64 {
	out := make([]uint64, len(es))
	for i, e := range es {
		out[i] = e.Seq
	}
	return out
}

// TestRingHammer runs add, snapshot, clear and count from many goroutines
// on a small ring, so slots wrap and clears land between every two loads.
func TestRingHammer(t *testing.T) {
	const writers, readers, clearers, rounds = 4, 2, 2, 3000
	r := NewRing(16)
	// Yield between the steps of add, snapshot and count, so other
	// goroutines run inside those windows even on few cores.
	r.hook = func(string) { runtime.Gosched() }
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers+clearers)
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := safely(func() {
				if err := f(); err != nil {
					errs <- err
				}
			}); err != nil {
				errs <- err
			}
		}()
	}
	for range writers {
		run(func() error { fill(r, rounds); return nil })
	}
	for range readers {
		run(func() error {
			for range rounds {
				es := r.Snapshot(nil)
				for i := 1; i < len(es); i++ {
					if es[i].Seq <= es[i-1].Seq {
						return fmt.Errorf("snapshot out of order: %v", seqs(es))
					}
				}
				if n := r.Count(); n < 0 {
					return fmt.Errorf("count %d", n)
				}
			}
			return nil
		})
	}
	for range clearers {
		run(func() error {
			for range rounds / 4 {
				seen := r.next.Load()
				r.Clear()
				// Whatever else clears meanwhile, what this clear forgot
				// stays forgotten.
				for _, e := range r.Snapshot(nil) {
					if e.Seq <= seen {
						return fmt.Errorf("entry %d returned after a clear at %d", e.Seq, seen)
					}
				}
				if n := r.Count(); n < 0 {
					return fmt.Errorf("count %d", n)
				}
			}
			return nil
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := r.Count(); n < 0 || n > writers*rounds {
		t.Errorf("final count %d", n)
	}
}

// TestRingFollow: a reader that goes on from the last sequence it saw
// gets every entry exactly once, in order, while writers race it.
func TestRingFollow(t *testing.T) {
	const writers, rounds = 4, 2000
	r := NewRing(writers * rounds) // nothing is overwritten
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() { defer wg.Done(); fill(r, rounds) }()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var last uint64
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true // one more read after the writers are done
		default:
		}
		after := last
		for _, e := range r.Snapshot(func(e *Record) bool { return e.Seq > after }) {
			if e.Seq != last+1 {
				t.Fatalf("after entry %d came %d", last, e.Seq)
			}
			last = e.Seq
		}
	}
	if last != writers*rounds {
		t.Errorf("followed up to %d, want %d", last, writers*rounds)
	}
}

// TestRingOvertakenWriter: a writer paused between claiming its sequence
// and publishing, while others fill the whole ring, must not put its older
// entry over a newer one. That hid the newer entry, and stalled a
// follower at it until the slot was written again.
func TestRingOvertakenWriter(t *testing.T) {
	r := NewRing(2)
	r.hook = func(at string) {
		if at == "add" {
			r.hook = nil
			fill(r, 2) // entries 2 and 3; 3 takes entry 1's slot
		}
	}
	fill(r, 1)
	if got := seqs(r.Snapshot(nil)); fmt.Sprint(got) != "[2 3]" {
		t.Errorf("ring holds %v, want [2 3]", got)
	}
}

// TestRingRacingClears: of two clears racing, the one that saw the older
// state must not bring back what the other forgot.
func TestRingRacingClears(t *testing.T) {
	r := NewRing(8)
	fill(r, 3)
	r.hook = func(at string) {
		if at == "clear" {
			r.hook = nil
			fill(r, 2)
			r.Clear() // forgets 1 to 5
		}
	}
	r.Clear() // saw 3 entries, ends after the other
	if es := r.Snapshot(nil); len(es) != 0 {
		t.Errorf("cleared entries came back: %v", seqs(es))
	}
	if n := r.Count(); n != 0 {
		t.Errorf("count %d after two clears, want 0", n)
	}
}

// TestRingReadsEveryAddedEntry: an entry whose Add has returned is in every
// later read, even while a writer that claimed an earlier sequence has not
// published yet. The server journals a request before its client has the
// answer, so a client that then reads the journal must find it, whatever
// other requests are being journaled meanwhile.
func TestRingReadsEveryAddedEntry(t *testing.T) {
	r := NewRing(8)
	claimed, release := make(chan struct{}), make(chan struct{})
	var paused atomic.Bool
	var releaseOnce sync.Once
	free := func() { releaseOnce.Do(func() { close(release) }) }
	defer free()
	r.hook = func(at string) {
		switch {
		case at == "add" && paused.CompareAndSwap(false, true):
			close(claimed) // entry 1 is claimed, not published
			<-release
		case at == "wait":
			free() // the reader waits for entry 1: let its writer go on
		}
	}
	done := make(chan struct{})
	go func() { fill(r, 1); close(done) }()
	<-claimed
	fill(r, 1) // entry 2, published while entry 1 is not
	if got := seqs(r.Snapshot(nil)); fmt.Sprint(got) != "[1 2]" {
		t.Errorf("a read after entry 2 was added returned %v, want [1 2]", got)
	}
	free()
	<-done
}
