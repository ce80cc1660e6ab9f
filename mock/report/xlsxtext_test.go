package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// What a client sends reaches the workbook as sent, read back through
// excelize: control characters (as _x00HH_), U+FFFE and U+FFFF, markup
// characters, a 4-byte rune, edge spaces, a literal _xHHHH_ (also one an
// escape closes); invalid UTF-8 and surrogates become U+FFFD, and text
// past Excel's 32767 UTF-16 units per cell is cut. The title, in
// core.xml, is plain XML: there control characters become U+FFFD.
func TestDetailClientInput(t *testing.T) {
	name := " \x01tab\t<&>\"' \xff\xfe\uFFFE\uFFFF 𝄞 _x0041_ _x0041\x02 \x7f end\r\n"
	wantName := " \x01tab\t<&>\"' \uFFFD\uFFFD\uFFFE\uFFFF 𝄞 _x0041_ _x0041\x02 \x7f end\r\n"
	wantTitle := " \uFFFDtab\t<&>\"' \uFFFD\uFFFD\uFFFD\uFFFD 𝄞 _x0041_ _x0041\uFFFD \x7f end\r\n"
	domains := "a\x00b.example.com,<&>\"'.example.com,\xc3(.example.com,𝄞.example.com,_x0041_.example.com,_x0041_x0042_,\x1b[0m"
	wantDomains := []string{"a\x00b.example.com", "<&>\"'.example.com", "\uFFFD(.example.com", "𝄞.example.com", "_x0041_.example.com", "_x0041_x0042_", "\x1b[0m"}
	long := strings.Repeat("a", maxCellChars-1) + "𝄞b" // 𝄞 is two UTF-16 units: past the limit

	for _, c := range []struct {
		name, wantName, wantTitle string
		params                    []string
		wantDomains               []string
	}{
		{name, wantName, wantTitle, []string{"DomainNames", domains}, wantDomains},
		{long, strings.Repeat("a", maxCellChars-1), "", []string{"Group", "g\x1f\xed\xa0\x80"}, []string{"g\x1f\uFFFD\uFFFD\uFFFD"}},
	} {
		task := withParams(append(c.params, "Language", "en-us")...)
		task.Name, task.End = c.name, "2026-11-01T00:05:00Z" // 1 point
		f := openXLSX(t, task)
		rows := sheetRows(t, f, "Usage")
		var got []string
		for _, r := range rows[1:] {
			got = append(got, r[0])
		}
		if !slices.Equal(got, c.wantDomains) {
			t.Errorf("domains %q, want %q", got, c.wantDomains)
		}
		if v, _ := f.GetCellValue("Task", "B2"); v != c.wantName {
			t.Errorf("task name %q, want %q", trim(v), trim(c.wantName))
		}
		if props, _ := f.GetDocProps(); c.wantTitle != "" && props.Title != c.wantTitle {
			t.Errorf("title %q, want %q", props.Title, c.wantTitle)
		}
	}
}

func trim(s string) string {
	if len(s) > 80 {
		return s[:40] + "…" + s[len(s)-40:]
	}
	return s
}

func TestCellText(t *testing.T) {
	for in, want := range map[string]string{
		"a.example.com":         "a.example.com",
		`<&>"'`:                 "&lt;&amp;&gt;&#34;&#39;",
		"a\x01\xffb\uFFFE\x1f":  "a_x0001_\uFFFDb_xFFFE__x001F_",
		"\x00\uFFFF\x7f":        "_x0000__xFFFF_\x7f",
		"\xed\xa0\x80":          "\uFFFD\uFFFD\uFFFD", // a surrogate
		"\t\r\n𝄞":               "&#x9;&#xD;&#xA;𝄞",
		"_x0041_":               "_x005F_x0041_",
		"_x0041_x00fF_":         "_x005F_x0041_x005F_x00fF_",
		"__x0041_":              "__x005F_x0041_",
		"_x0041\x01":            "_x005F_x0041_x0001_", // the escape would close it
		"_x0041\uFFFF":          "_x005F_x0041_xFFFF_",
		"_x0041\t _x0041\xff":   "_x0041&#x9; _x0041\uFFFD",
		"_x004_ _xZZZZ_ _x0041": "_x004_ _xZZZZ_ _x0041",
	} {
		var b bytes.Buffer
		writeCellText(&b, in)
		if b.String() != want {
			t.Errorf("%q: %q, want %q", in, b.String(), want)
		}
	}
}

// A cell keeps exactly maxCellChars UTF-16 units: the boundary, with
// one-unit and two-unit runes, and invalid bytes (one unit each).
func TestTruncateCell(t *testing.T) {
	a := strings.Repeat("a", maxCellChars-1)
	for _, c := range []struct{ in, want string }{
		{a + "b", a + "b"},
		{a + "bb", a + "b"},
		{a + "𝄞", a},
		{a + "b𝄞", a + "b"},
		{a + "\xff\xff", a + "\xff"},
		{strings.Repeat("é", maxCellChars), strings.Repeat("é", maxCellChars)}, // 2 bytes, 1 unit
	} {
		if got := truncateCell(c.in); got != c.want {
			t.Errorf("%s: %d bytes, want %d", trim(c.in), len(got), len(c.want))
		}
	}
}
