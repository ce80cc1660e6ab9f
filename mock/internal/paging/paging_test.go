package paging

import (
	"math"
	"math/big"
	"testing"
)

// TestBounds holds the page arithmetic: slices in range, empty past the
// end, and no overflow however large the number or size.
func TestBounds(t *testing.T) {
	cases := []struct {
		n, s          int64
		total, lo, hi int
	}{
		{1, 5, 3, 0, 3},
		{1, 1, 3, 0, 1},
		{2, 1, 3, 1, 2},
		{3, 1, 3, 2, 3},
		{4, 1, 3, 3, 3}, // past the end: empty
		{2, 2, 3, 2, 3}, // the last page is short
		{2, 3, 3, 3, 3},
		{1, 3, 0, 0, 0},
		{math.MaxInt64, 1, 3, 3, 3},
		{math.MaxInt64, math.MaxInt64, 3, 3, 3}, // (n-1)*s would overflow
		{1, math.MaxInt64, 3, 0, 3},             // lo+s would overflow
		{2, math.MaxInt64 / 2, 3, 3, 3},
		{1<<62 + 1, 3, 3, 3, 3}, // the review's case: (n-1)*s wraps to a negative index
		{1<<62 + 1, 3, math.MaxInt, math.MaxInt, math.MaxInt},
		{2, math.MaxInt64, math.MaxInt, math.MaxInt, math.MaxInt},
		{0, 1, 3, 0, 0}, // not a page
		{1, 0, 3, 0, 0}, // not a size
		{-1, -1, 3, 0, 0},
		{math.MinInt64, math.MinInt64, 3, 0, 0},
		{1, 1, -1, 0, 0}, // no items
	}
	for _, c := range cases {
		if lo, hi := Bounds(c.n, c.s, c.total); lo != c.lo || hi != c.hi {
			t.Errorf("Bounds(%d, %d, %d) = [%d, %d), want [%d, %d)", c.n, c.s, c.total, lo, hi, c.lo, c.hi)
		}
	}
}

// want is Bounds computed with big integers, which cannot overflow.
func want(n, s int64, total int) (lo, hi int) {
	if n < 1 || s < 1 || total <= 0 {
		return 0, 0
	}
	t := big.NewInt(int64(total))
	l := new(big.Int).Mul(big.NewInt(n-1), big.NewInt(s))
	h := new(big.Int).Add(l, big.NewInt(s))
	if l.Cmp(t) > 0 {
		l = t
	}
	if h.Cmp(t) > 0 {
		h = t
	}
	return int(l.Int64()), int(h.Int64())
}

// FuzzBounds: any number, size and total give the range big integers
// compute, within the items, and consecutive pages tile them.
func FuzzBounds(f *testing.F) {
	f.Add(int64(1), int64(1), 3)
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), 1000)
	f.Add(int64(1<<62+1), int64(3), 3)
	f.Add(int64(2), int64(math.MaxInt64/2), math.MaxInt)
	f.Fuzz(func(t *testing.T, n, s int64, total int) {
		lo, hi := Bounds(n, s, total)
		if wl, wh := want(n, s, total); lo != wl || hi != wh {
			t.Fatalf("Bounds(%d, %d, %d) = [%d, %d), want [%d, %d)", n, s, total, lo, hi, wl, wh)
		}
		if lo < 0 || hi < lo || hi > max(total, 0) {
			t.Fatalf("Bounds(%d, %d, %d) = [%d, %d): out of the items", n, s, total, lo, hi)
		}
		if n >= 1 && s >= 1 && n < math.MaxInt64 && hi < total {
			if lo2, _ := Bounds(n+1, s, total); lo2 != hi {
				t.Fatalf("page %d ends at %d, page %d starts at %d", n, hi, n+1, lo2)
			}
		}
	})
}
