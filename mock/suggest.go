package mock

import "github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"

// DidYouMean returns the candidate word most likely meant, or "" when none
// is near: within one edit per three letters (at least one), case aside, or
// the only candidate that starts with word. It is the rule of every
// did-you-mean the mock prints, shared with the cdnmock command.
func DidYouMean(word string, candidates []string) string {
	if near := diag.Closest(word, candidates, 1); len(near) > 0 {
		return near[0]
	}
	return ""
}
