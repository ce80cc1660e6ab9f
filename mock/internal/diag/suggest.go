package diag

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// The one did-you-mean of the mock: for a name that matches none (a
// scenario, an operation, a key of a file, a command or a flag), the
// candidates it most likely meant.

// Closest returns up to n candidates near word, nearest first: within one
// edit (an insertion, deletion, substitution or swap of two neighbours) per
// three letters, at least one, case aside, and at most one edit further
// than the nearest (so a one-letter typo names its one fix). With none that near, the
// candidates that start with word: the only one, or up to n when word has
// three letters or more. Nothing near gives nil.
func Closest(word string, candidates []string, n int) []string {
	w := strings.ToLower(cut(word))
	wn := utf8.RuneCountInString(w)
	limit := max(1, wn/3)
	var near []scored
	for i, c := range candidates {
		if abs(utf8.RuneCountInString(c)-wn) > limit {
			continue // the distance is at least the difference in length
		}
		if d := EditDistance(w, strings.ToLower(c)); d <= limit {
			near = append(near, scored{c, d, i})
			limit = min(limit, d+1)
		}
	}
	near = slices.DeleteFunc(near, func(s scored) bool { return s.dist > limit })
	if len(near) == 0 && w != "" {
		for i, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), w) {
				near = append(near, scored{c, len(c), i})
			}
		}
		if len(near) > 1 && wn < 3 {
			return nil // "s" starts too many names to mean one
		}
	}
	return best(near, n)
}

// Nearest returns the n candidates nearest to word, however far: for a
// message that names some whatever was typed.
func Nearest(word string, candidates []string, n int) []string {
	w := strings.ToLower(cut(word))
	all := make([]scored, len(candidates))
	for i, c := range candidates {
		all[i] = scored{c, EditDistance(w, strings.ToLower(c)), i}
	}
	return best(all, n)
}

// Suggestion is the hint after "no X named word": `did you mean "A"?`, or
// `did you mean one of "A", "B", "C"?`, or with nothing near, `closest:
// A, B, C`. It names at most three, so it stays short whatever the list.
func Suggestion(word string, candidates []string) string {
	if near := Closest(word, candidates, 3); len(near) == 1 {
		return fmt.Sprintf("did you mean %q?", near[0])
	} else if len(near) > 1 {
		return "did you mean one of " + quoteAll(near) + "?"
	}
	return "closest: " + strings.Join(Nearest(word, candidates, 3), ", ")
}

// Quote is word quoted for a message, cut to 64 characters: a name a
// client sent can be of any length, and messages stay short.
func Quote(word string) string {
	if c := cut(word); c != word {
		return fmt.Sprintf("%q…", c)
	}
	return fmt.Sprintf("%q", word)
}

// maxWord is where a word is cut: no name the mock knows is longer, and
// the edit distance costs the product of both lengths, so a 50 KB header
// must not reach it whole.
const maxWord = 64

// cut is word's first maxWord characters.
func cut(word string) string {
	if utf8.RuneCountInString(word) <= maxWord {
		return word
	}
	return string([]rune(word)[:maxWord])
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

type scored struct {
	name  string
	dist  int
	order int
}

func best(s []scored, n int) []string {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].dist != s[j].dist {
			return s[i].dist < s[j].dist
		}
		return s[i].order < s[j].order
	})
	out := make([]string, 0, min(n, len(s)))
	for _, x := range s[:min(n, len(s))] {
		out = append(out, x.name)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// EditDistance is the optimal string alignment distance between a and b,
// by runes: insertions, deletions, substitutions and swaps of two
// neighbours.
func EditDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev2 := make([]int, len(y)+1) // row i-2, for swaps
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}
