package mock

import (
	"fmt"
	"sort"
	"strings"
)

// hintListMax is how many operations a message lists in full; a larger spec
// (the generated layer has 166) gets the closest names instead.
const hintListMax = 20

// operationHint says which operations a name that matches none could have
// meant: all of them in a small spec, else the three closest spellings.
func operationHint(spec *Spec, name string) string {
	names := spec.OperationNames()
	if len(names) <= hintListMax {
		return "known operations: " + strings.Join(names, ", ")
	}
	type scored struct {
		name string
		dist int
	}
	all := make([]scored, len(names))
	for i, n := range names {
		all[i] = scored{n, editDistance(strings.ToLower(name), strings.ToLower(n))}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].dist < all[j].dist })
	closest := make([]string, 0, 3)
	for _, s := range all[:3] {
		closest = append(closest, s.name)
	}
	return fmt.Sprintf("closest: %s (%d operations; GET %s/operations lists them)", strings.Join(closest, ", "), len(names), AdminPrefix)
}

// editDistance is the Levenshtein distance between two strings, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
