// Package paging is the one page arithmetic of the mock's lists: the
// stateless lists' fixture pages (package fixture), the resources' lists
// and the export tasks' lists. A scenario with validate: false lets any
// PageNumber and PageSize through, so it must hold for every int64.
package paging

// Bounds is page number (from 1) of size items over total items, as the
// indexes [lo, hi) of its items: empty (total, total) past the end, and
// (0, 0) when number or size is below 1 or there are no items. No product
// or sum is formed that could overflow: (number-1)*size only once it is
// known to be below total, and lo+size never.
func Bounds(number, size int64, total int) (lo, hi int) {
	if number < 1 || size < 1 || total <= 0 {
		return 0, 0
	}
	t := int64(total)
	pages := t / size
	if t%size != 0 {
		pages++
	}
	if number-1 >= pages {
		return total, total
	}
	l := (number - 1) * size // < t, as number-1 < pages
	return int(l), int(l + min(size, t-l))
}
