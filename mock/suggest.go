package mock

import (
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// DidYouMean returns the candidate word most likely meant, or "" when none
// is near, or two are equally near: within one edit per three letters (at
// least one), case aside, or the only candidate that starts with word. It
// is the rule of every did-you-mean the mock prints, shared with the
// cdnmock command.
func DidYouMean(word string, candidates []string) string {
	near := diag.Closest(word, candidates, 2)
	w := strings.ToLower(word)
	switch {
	case len(near) == 1:
		return near[0]
	case len(near) == 2 && !strings.HasPrefix(strings.ToLower(near[1]), w) &&
		diag.EditDistance(w, strings.ToLower(near[0])) < diag.EditDistance(w, strings.ToLower(near[1])):
		return near[0] // nearer than the next; two that merely start with word are a tie
	}
	return ""
}
