package drift

import (
	"strings"
	"testing"
)

func TestSummaryIsCapped(t *testing.T) {
	fs := []Finding{
		{KindResponse, "body/A", strings.Repeat("x", 100)},
		{KindResponse, "body/B", "short"},
		{KindValidation, "code", "line\nbreak é"},
	}
	for _, limit := range []int{40, 130, 200, 1024} {
		s := Summary(fs, limit)
		if len(s) > limit {
			t.Errorf("limit %d: %d bytes: %q", limit, len(s), s)
		}
		if strings.ContainsAny(s, "\n\r") || strings.ContainsRune(s, 'é') {
			t.Errorf("not a header value: %q", s)
		}
	}
	if s := Summary(fs, 1024); !strings.Contains(s, "body/B") || strings.Contains(s, "more") {
		t.Errorf("all fit: %q", s)
	}
	if s := Summary(fs, 130); !strings.HasSuffix(s, "+2 more") {
		t.Errorf("one fits: %q", s)
	}
}
