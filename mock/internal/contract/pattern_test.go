package contract

import (
	"regexp"
	"strings"
	"testing"
)

const (
	datePattern   = `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$`
	domainPattern = `^(\*?\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62}$`
)

// patternCases are the patterns of the specs and patterns at the edges of
// the byte loop's shape: whether it takes them (fast), and strings that
// match, from which the table test derives the near misses.
var patternCases = []struct {
	expr  string
	fast  bool
	valid []string
}{
	// the specs'
	{datePattern, true, []string{"2026-11-01T00:00:00Z", "9999-19-39T99:99:99Z"}},
	{`^[ -~]*$`, true, []string{"rg-acfmyuji4b6r4**", " ", "~"}},
	{`^\d+$`, true, []string{"12345", "0"}},
	{`^[a-z]+$`, true, []string{"abc"}}, // TestQuickCheckNeverDisagrees's
	{domainPattern, false, []string{"example.com", ".example.com", "*.a-b.example.com"}},
	{`^[0-9]+(,[0-9]+){0,9}$`, false, []string{"12345678", "1,2,3"}},
	// the shape's edges
	{`^$`, true, nil},
	{`\Aab\z`, true, []string{"ab"}},
	{`^ab`, false, []string{"ab", "abc"}}, // anchored at one end only
	{`ab$`, false, []string{"ab", "cab"}},
	{`^(?:ab)c{1}d{0}$`, true, []string{"abc"}},
	{`^ab{2,5}$`, true, []string{"abb", "abbbbb"}},
	{`^[a-c]x{2,}$`, true, []string{"axx", "cxxxxxxx"}},
	{`^a-?$`, true, []string{"a", "a-"}},
	{`^[\x00-\x7f]{3}$`, true, []string{"\x00\n\x7f"}},
	{`^a*b$`, false, []string{"b", "aab"}},
	{`^(?i)k$`, false, []string{"k", "K", "\u212a"}},
	{`^.{2}$`, false, []string{"ab", "é!"}},
	{`^[^a]$`, false, []string{"b", "é"}},
	{`^[a-zé]$`, false, []string{"a", "é"}},
	{`^é$`, false, []string{"é"}},
	{`[0-9]{4}`, false, []string{"1234", "x1234x"}},
	{`^a$|^b$`, false, []string{"a", "b"}},
	{`(?m)^a$`, false, []string{"a", "b\na"}},
	{`^(a)$`, false, []string{"a"}},
	{`^a$b`, false, nil},
}

// TestPatternMatchesAsRegexp checks match against regexp.MatchString on
// each case's strings and their near misses, and that each case takes the
// form it should: a change that sends every pattern to regexp fails here.
func TestPatternMatchesAsRegexp(t *testing.T) {
	for _, c := range patternCases {
		p, err := compilePattern(c.expr)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if fast := p.re == nil; fast != c.fast {
			t.Errorf("%s: fast form %v, want %v", c.expr, fast, c.fast)
		}
		re := regexp.MustCompile(c.expr)
		for _, v := range c.valid {
			if !re.MatchString(v) {
				t.Fatalf("%s: the case's %q does not match", c.expr, v)
			}
		}
		for _, s := range nearMisses(c.valid) {
			if got, want := p.match(s), re.MatchString(s); got != want {
				t.Errorf("%s: match(%q) = %v, regexp says %v", c.expr, s, got, want)
			}
		}
	}
}

// TestPatternCasesCoverSpecs fails on a pattern of the served spec that
// patternCases does not list, so that each one is tried and its form chosen
// on purpose.
func TestPatternCasesCoverSpecs(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range patternCases {
		listed[c.expr] = true
	}
	sp := servedSpec(t)
	found := 0
	for _, name := range sp.OperationNames() {
		for _, ref := range sp.Operation(name).route.Operation.Parameters {
			if sc := ref.Value.Schema; sc != nil && sc.Value != nil && sc.Value.Pattern != "" {
				found++
				if !listed[sc.Value.Pattern] {
					t.Errorf("%s.%s: pattern %s is not in patternCases", name, ref.Value.Name, sc.Value.Pattern)
				}
			}
		}
	}
	if found == 0 {
		t.Error("no parameter of the served spec has a pattern")
	}
}

// nearMisses are the strings around each valid one: itself, each byte
// changed, one byte short or over at either end, doubled, a newline before
// the end, non-ASCII and invalid UTF-8 in it; and strings of no case.
func nearMisses(valid []string) []string {
	out := []string{"", " ", "\n", "a", "0", "é", "\xff", "\x80", "\u212a"}
	for _, v := range valid {
		out = append(out, v, v+v, v+"\n", "\n"+v, v+"x", "x"+v, v+"0", "0"+v, v+"é", v+"\xff", v+"\xc3")
		if v != "" {
			out = append(out, v[1:], v[:len(v)-1], v[:len(v)-1]+"\n"+v[len(v)-1:], v+v[len(v)-1:])
		}
		for i := range v {
			for _, b := range []string{"!", "a", "Z", "0", "-", ":", "\x00", "\x7f", "\x80", "\xff", "é", "\ufffd"} {
				out = append(out, v[:i]+b+v[i+1:])
			}
		}
	}
	return out
}

// FuzzPattern compares compilePattern with regexp on any expression and
// string: both reject the same expressions, and match answers as
// MatchString does, whichever form the expression takes. Seeded with every
// case of patternCases, so a shape test that lets a wrong form through
// fails on the seeds.
func FuzzPattern(f *testing.F) {
	for _, c := range patternCases {
		f.Add(c.expr, "")
		for _, v := range c.valid {
			f.Add(c.expr, v)
		}
	}
	f.Fuzz(func(t *testing.T, expr, s string) {
		re, reErr := regexp.Compile(expr)
		p, err := compilePattern(expr)
		if (err == nil) != (reErr == nil) {
			t.Fatalf("%s: compilePattern error %v, regexp.Compile error %v", expr, err, reErr)
		}
		if reErr != nil {
			t.Skip("regexp rejects the expression")
		}
		if got, want := p.match(s), re.MatchString(s); got != want {
			t.Errorf("%s: match(%q) = %v, regexp says %v", expr, s, got, want)
		}
	})
}

func mustPattern(tb testing.TB, expr string) *pattern {
	tb.Helper()
	p, err := compilePattern(expr)
	if err != nil {
		tb.Fatal(err)
	}
	if p.re != nil {
		tb.Fatalf("%s: no fast form", expr)
	}
	return p
}

// sinkMatch keeps the compiler from dropping the work under measurement.
var sinkMatch bool

// BenchmarkPatternMatch matches a date parameter, as the quick check does
// on every request with StartTime/EndTime, and a printable one, by the byte
// loop and by regexp.
func BenchmarkPatternMatch(b *testing.B) {
	for _, c := range []struct{ name, expr, value string }{
		{"date", datePattern, "2026-11-01T00:00:00Z"},
		{"printable", `^[ -~]*$`, strings.Repeat("rg-acfmyuji4b6r4**", 4)},
	} {
		fast, re := mustPattern(b, c.expr), regexp.MustCompile(c.expr)
		b.Run(c.name+"/fast", func(b *testing.B) {
			for b.Loop() {
				sinkMatch = fast.match(c.value)
			}
		})
		b.Run(c.name+"/regexp", func(b *testing.B) {
			for b.Loop() {
				sinkMatch = re.MatchString(c.value)
			}
		})
	}
}
