package fifo

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// values walks the list from oldest to newest, checking the links both ways.
func values(t *testing.T, l *List[int]) []int {
	t.Helper()
	var out []int
	var prev *Elem[int]
	for e := l.oldest; e != nil; e = e.newer {
		if e.older != prev {
			t.Fatalf("element %d: older link is wrong", e.Value)
		}
		out = append(out, e.Value)
		prev = e
	}
	if l.newest != prev {
		t.Fatalf("newest is not the last element")
	}
	if len(out) != l.Len() {
		t.Fatalf("Len %d, %d elements linked", l.Len(), len(out))
	}
	return out
}

func TestRemoveAndOldest(t *testing.T) {
	l := New[int](3)
	e1, e2, e3 := l.Push(1), l.Push(2), l.Push(3)
	if !l.Full() || l.Oldest() != e1 {
		t.Fatalf("after 3 pushes: full %v, oldest %v", l.Full(), l.Oldest().Value)
	}
	l.Remove(e2) // the middle one
	if got := values(t, l); !slices.Equal(got, []int{1, 3}) || l.Full() {
		t.Fatalf("after removing 2: %v, full %v", got, l.Full())
	}
	l.Remove(e1) // the oldest: the next becomes the oldest
	if l.Oldest() != e3 {
		t.Fatalf("after removing 1: oldest %d, want 3", l.Oldest().Value)
	}
	l.Remove(e1) // twice: nothing
	l.Remove(e3)
	if l.Len() != 0 || l.Oldest() != nil || values(t, l) != nil {
		t.Fatalf("emptied: len %d", l.Len())
	}
	e4 := l.Push(4)
	if l.Oldest() != e4 || !slices.Equal(values(t, l), []int{4}) {
		t.Fatalf("push after emptying: %v", values(t, l))
	}
	other := New[int](0)
	l.Remove(other.Push(5)) // another list's element: nothing
	if l.Len() != 1 || other.Len() != 1 || other.Full() {
		t.Fatalf("removing another list's element changed a list: %d %d", l.Len(), other.Len())
	}
}

// TestAgainstSlice pushes and removes at random, evicting the oldest when
// full, and holds the list to a plain slice doing the same.
func TestAgainstSlice(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	l := New[int](50)
	var want []int
	elems := map[int]*Elem[int]{}
	for i := range 5000 {
		switch {
		case r.IntN(3) == 0 && len(want) > 0:
			v := want[r.IntN(len(want))]
			l.Remove(elems[v])
			want = slices.DeleteFunc(want, func(x int) bool { return x == v })
		default:
			if err := l.MakeRoom(func(v int) {
				if v != want[0] {
					t.Fatalf("step %d: oldest %d, want %d", i, v, want[0])
				}
				l.Remove(elems[v])
				want = want[1:]
			}); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			elems[i] = l.Push(i)
			want = append(want, i)
		}
		if got := values(t, l); !slices.Equal(got, want) {
			t.Fatalf("step %d: list %v, want %v", i, got, want)
		}
	}
}

// MakeRoom drops the oldest until the list has room, and stops with an
// error when a drop does not remove it, instead of looping forever.
func TestMakeRoom(t *testing.T) {
	l := New[int](3)
	elems := []*Elem[int]{l.Push(0), l.Push(1), l.Push(2)}
	l.Remove(elems[0])
	l.Push(3)
	var dropped []int
	if err := l.MakeRoom(func(v int) { dropped = append(dropped, v); l.Remove(elems[v]) }); err != nil || !slices.Equal(dropped, []int{1}) {
		t.Fatalf("MakeRoom dropped %v (%v), want the oldest live value, 1", dropped, err)
	}
	if l.Len() != 2 || l.Full() || l.Limit() != 3 {
		t.Fatalf("after MakeRoom: len %d, full %v, limit %d", l.Len(), l.Full(), l.Limit())
	}
	l.Push(4)
	calls := 0
	err := l.MakeRoom(func(int) { // an owner's bug: nothing removed
		if calls++; calls > 3 {
			t.Fatalf("MakeRoom keeps calling a drop that removes nothing (%d calls)", calls)
		}
	})
	if err == nil || calls != 1 || l.Len() != 3 {
		t.Fatalf("a drop that removes nothing: err %v after %d calls, len %d; want an error after 1", err, calls, l.Len())
	}
	if err := New[int](0).MakeRoom(func(int) { t.Fatal("a list without a limit is never full") }); err != nil {
		t.Fatal(err)
	}
}

// An element kept inside its value (PushElem) links like one Push makes,
// and a push of that kind allocates nothing.
func TestPushElemInsideTheValue(t *testing.T) {
	type item struct {
		n  int
		in Elem[int]
	}
	items := make([]item, 4)
	l := New[int](0)
	for i := range items {
		items[i].n = i
		l.PushElem(&items[i].in, i)
	}
	l.Remove(&items[1].in)
	l.Remove(&items[0].in)
	if got := values(t, l); !slices.Equal(got, []int{2, 3}) || l.Oldest() != &items[2].in {
		t.Fatalf("after removing 1 and 0: %v", got)
	}
	l.PushElem(&items[0].in, 0) // removed elements can be pushed again
	if got := values(t, l); !slices.Equal(got, []int{2, 3, 0}) {
		t.Fatalf("after pushing 0 again: %v", got)
	}
	var fresh item
	if n := testing.AllocsPerRun(100, func() {
		l.PushElem(&fresh.in, 9)
		l.Remove(&fresh.in)
	}); n != 0 {
		t.Errorf("PushElem allocates %v times", n)
	}
}
