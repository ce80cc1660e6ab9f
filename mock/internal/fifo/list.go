// Package fifo is a list in insertion order that drops its oldest first:
// push the newest, remove any element, find the oldest, each in O(1).
// The stores keep every item in one, to evict the server's oldest item
// when their global bound is reached, whatever its account.
package fifo

import (
	"fmt"
	"iter"
)

// List holds values in the order they were pushed, at most its limit of
// them before Full says so. The zero value is an empty list with no bound.
// It is not safe for concurrent use: its owner's lock guards it.
type List[T any] struct {
	oldest, newest *Elem[T]
	n              int
	limit          int // Full once it holds this many; 0: never full
}

// Elem is one value in a List; its owner keeps it to remove the value.
type Elem[T any] struct {
	Value        T
	older, newer *Elem[T]
	list         *List[T] // nil once removed
}

// New is an empty list that is full at limit values.
func New[T any](limit int) *List[T] { return &List[T]{limit: limit} }

// Limit is how many values make the list full; 0: no bound.
func (l *List[T]) Limit() int { return l.limit }

// Len is how many values the list holds.
func (l *List[T]) Len() int { return l.n }

// Full reports whether the list holds its limit or more.
func (l *List[T]) Full() bool { return l.limit > 0 && l.n >= l.limit }

// MakeRoom drops the oldest value while the list is full, handing it to
// drop, which must remove it from the list (and from whatever else its
// owner indexes). A drop that leaves the list as long stops it with an
// error instead of looping forever: a bug in an owner fails its call,
// never hangs it. Each turn shortens the list, so it ends.
func (l *List[T]) MakeRoom(drop func(T)) error {
	for l.Full() {
		n := l.n
		drop(l.oldest.Value)
		if l.n >= n {
			return fmt.Errorf("dropping the oldest of %d values did not remove it", n)
		}
	}
	return nil
}

// Push adds v as the newest value and returns its element.
func (l *List[T]) Push(v T) *Elem[T] {
	e := new(Elem[T])
	l.PushElem(e, v)
	return e
}

// PushElem adds v as the newest value in e, an element its owner keeps
// inside the value itself: a push that allocates nothing. e must not be
// in a list.
func (l *List[T]) PushElem(e *Elem[T], v T) {
	*e = Elem[T]{Value: v, older: l.newest, list: l}
	if l.newest != nil {
		l.newest.newer = e
	} else {
		l.oldest = e
	}
	l.newest = e
	l.n++
}

// Oldest is the element pushed first of those the list holds, nil when
// it is empty.
func (l *List[T]) Oldest() *Elem[T] { return l.oldest }

// Remove takes e out of the list. Removing an element twice, or one of
// another list, does nothing: a store may drop an item that an eviction
// already dropped.
func (l *List[T]) Remove(e *Elem[T]) {
	if e == nil || e.list != l {
		return
	}
	if e.older != nil {
		e.older.newer = e.newer
	} else {
		l.oldest = e.newer
	}
	if e.newer != nil {
		e.newer.older = e.older
	} else {
		l.newest = e.older
	}
	e.older, e.newer, e.list = nil, nil, nil
	l.n--
}

// All yields the values oldest first. The list must not change meanwhile.
func (l *List[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for e := l.oldest; e != nil; e = e.newer {
			if !yield(e.Value) {
				return
			}
		}
	}
}
