package jsonx

import (
	"encoding/json"
	"strings"
	"testing"
)

// Quote always gives valid JSON that reads back as s, with invalid UTF-8
// as U+FFFD, as encoding/json does.
func TestQuoteReadsBack(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s`, "\n\r\t\x00\x1f\x7f", "中文", "bad\xffutf8\xc3", "<&>\u2028"} {
		var got string
		if err := json.Unmarshal([]byte(Quote(s)), &got); err != nil {
			t.Fatalf("Quote(%q) = %s: %v", s, Quote(s), err)
		}
		if want := strings.ToValidUTF8(s, "\ufffd"); got != want {
			t.Errorf("Quote(%q) reads back as %q, want %q", s, got, want)
		}
	}
}
