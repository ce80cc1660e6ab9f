package diag

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// longNames has a 64-character name, another far longer, and ~300 names
// of the usual kind, as the scenario list has.
func longNames() (target string, names []string) {
	target = strings.Repeat("InvalidTimeRange", 4) // 64 characters
	names = []string{strings.Repeat("x", 100), target}
	for i := range 300 {
		names = append(names, fmt.Sprintf("Scenario%03dName", i))
	}
	return target, names
}

// A name a client sent is cut to 64 characters before it is compared, as
// Quote cuts it: a 64 KB word suggests what its first 64 characters do
// (whole, it is nearest the long run of x and near nothing).
func TestSuggestCutsLongWords(t *testing.T) {
	target, names := longNames()
	long := target + strings.Repeat("x", 64<<10)
	for _, f := range []struct {
		name string
		fn   func(string, []string, int) []string
	}{{"Closest", Closest}, {"Nearest", Nearest}} {
		got, want := f.fn(long, names, 3), f.fn(target, names, 3)
		if !slices.Equal(got, want) {
			t.Errorf("%s(64 KB word) = %q, want %q as for its first 64 characters", f.name, got, want)
		}
		if len(want) == 0 || want[0] != target {
			t.Errorf("%s(%q) = %q, want %q first", f.name, target, want, target)
		}
	}
	if got, want := Suggestion(long, names), Suggestion(target, names); got != want {
		t.Errorf("Suggestion(64 KB word) = %q, want %q", got, want)
	}
}

// The cost of a suggestion for a 50 KB header against ~300 names: it is
// bounded by the cut, whatever the client sent.
func BenchmarkSuggestLongWord(b *testing.B) {
	_, names := longNames()
	long := strings.Repeat("InvalidTimeRang", 50<<10/15)
	for b.Loop() {
		Suggestion(long, names)
	}
}

func BenchmarkSuggestTypo(b *testing.B) {
	_, names := longNames()
	for b.Loop() {
		Suggestion("InvalidTimeRang", names)
	}
}
