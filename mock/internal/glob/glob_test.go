package glob

import "testing"

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"a", "", false},
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"abc", "ab", false},
		{"ab", "abc", false},
		{"Abc", "abc", false}, // case matters: callers lower both sides
		{"*", "", true},
		{"*", "anything", true},
		{"a*", "a", true},
		{"a*", "abc", true},
		{"a*", "ba", false},
		{"*c", "abc", true},
		{"*c", "abcd", false},
		{"a*c", "ac", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXcYb", false},
		{"**", "x", true},
		{"?", "a", true},
		{"?", "", false},
		{"?", "ab", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"?*", "", false},
		{"*?", "x", true},
		{"cdn:Describe*", "cdn:describeuserdomains", false},
		{"cdn:describe*", "cdn:describeuserdomains", true},
		{"cdn:*domain*", "cdn:adddomain", true},
		{"cdn:*", "ecs:describe", false},
		{"literal[ab]", "literal[ab]", true}, // no character classes
		{"literal[ab]", "literala", false},
		{"?", "中", true}, // ? is one character, not one byte
		{"??", "中", false},
		{"*??", "中", false}, // a * never stops inside a character
		{"*?", "中文", true},
		{"*文", "中文", true},
		{"中*", "中文", true},
		{"?", "\xff", true}, // invalid UTF-8: one byte, one character
		{"??", "\xff\xfe", true},
	} {
		if got := Match(c.pattern, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}
