package contract

import (
	"regexp"
	"regexp/syntax"
	"unicode/utf8"
)

// pattern answers as regexp.MatchString does for a schema's pattern. The
// specs' patterns are mostly fixed-width ASCII fields (dates, IDs, printable
// text), checked on every request; those are matched by a byte loop, a
// fraction of regexp's cost. Every other pattern is matched by regexp.
//
// The byte loop is exact because every set it knows is ASCII: a byte >= 0x80
// (part of a multi-byte rune, or invalid UTF-8, which regexp reads as U+FFFD)
// is in no set, so it fails the loop as its rune fails regexp; and a string
// of ASCII has as many bytes as runes.
type pattern struct {
	re *regexp.Regexp // the pattern when it is not of the simple shape

	fixed            []byteSet // the set of each of the first len(fixed) bytes
	tail             byteSet   // the set of every byte after them
	tailMin, tailMax int       // how many bytes after them; tailMax -1: any
}

// byteSet is a set of bytes, a bit each: 32 bytes a position, where a
// [256]bool, a little faster on long strings, would take 5 KB for the
// date pattern (a pattern may fix hundreds of positions).
type byteSet [4]uint64

func (b *byteSet) has(c byte) bool { return b[c>>6]&(1<<(c&63)) != 0 }

func (b *byteSet) addRange(lo, hi byte) {
	for c := int(lo); c <= int(hi); c++ {
		b[c>>6] |= 1 << (c & 63)
	}
}

// compilePattern compiles expr, failing where regexp.Compile fails.
func compilePattern(expr string) (*pattern, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	if p, ok := fastPattern(expr); ok {
		return p, nil
	}
	return &pattern{re: re}, nil
}

func (p *pattern) match(s string) bool {
	if p.re != nil {
		return p.re.MatchString(s)
	}
	n := len(p.fixed)
	if len(s) < n+p.tailMin || p.tailMax >= 0 && len(s) > n+p.tailMax {
		return false
	}
	for i := range p.fixed {
		if !p.fixed[i].has(s[i]) {
			return false
		}
	}
	for i := n; i < len(s); i++ {
		if !p.tail.has(s[i]) {
			return false
		}
	}
	return true
}

// fastPattern is the byte loop's form of expr, if expr is anchored at both
// ends and between them a run of ASCII sets, each a fixed number of times
// but the last, which may take a variable count: a single left-to-right
// pass decides, without backtracking. It reads the parsed tree as is, not
// simplified: Simplify would turn x{4} into four copies in a nested
// concatenation and x{2,5} into nested optional groups.
func fastPattern(expr string) (*pattern, bool) {
	re, err := syntax.Parse(expr, syntax.Perl) // regexp.Compile's flags
	if err != nil || re.Op != syntax.OpConcat || len(re.Sub) < 2 {
		return nil, false
	}
	first, last := re.Sub[0], re.Sub[len(re.Sub)-1]
	if first.Op != syntax.OpBeginText || last.Op != syntax.OpEndText {
		return nil, false
	}
	items := re.Sub[1 : len(re.Sub)-1]
	p := &pattern{}
	for i, item := range items {
		if item.Op == syntax.OpLiteral { // a literal is a run of runes: one set each
			for _, r := range item.Rune {
				set, ok := literalSet(r, item.Flags)
				if !ok {
					return nil, false
				}
				p.fixed = append(p.fixed, set)
			}
			continue
		}
		set, lo, hi, ok := repeatedSet(item)
		if !ok {
			return nil, false
		}
		if lo == hi {
			for range lo {
				p.fixed = append(p.fixed, set)
			}
			continue
		}
		if i != len(items)-1 {
			return nil, false // a variable count before another item needs backtracking
		}
		p.tail, p.tailMin, p.tailMax = set, lo, hi
	}
	return p, true
}

// repeatedSet is the set of a class, or of a repeated one-rune item, and
// how many times it repeats (hi -1: no limit). fastPattern takes the
// literals itself.
func repeatedSet(re *syntax.Regexp) (set byteSet, lo, hi int, ok bool) {
	switch re.Op {
	case syntax.OpCharClass:
		set, ok = asciiSet(re)
		return set, 1, 1, ok
	case syntax.OpStar:
		lo, hi = 0, -1
	case syntax.OpPlus:
		lo, hi = 1, -1
	case syntax.OpQuest:
		lo, hi = 0, 1
	case syntax.OpRepeat:
		lo, hi = re.Min, re.Max
	default:
		return set, 0, 0, false
	}
	set, ok = asciiSet(re.Sub[0])
	return set, lo, hi, ok
}

// asciiSet is the set of a one-rune literal or a character class, if it
// holds ASCII only.
func asciiSet(re *syntax.Regexp) (byteSet, bool) {
	switch {
	case re.Op == syntax.OpLiteral && len(re.Rune) == 1:
		return literalSet(re.Rune[0], re.Flags)
	case re.Op == syntax.OpCharClass:
		var set byteSet
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo < 0 || hi >= utf8.RuneSelf || lo > hi {
				return byteSet{}, false
			}
			set.addRange(byte(lo), byte(hi))
		}
		return set, true
	}
	return byteSet{}, false
}

// literalSet is the set of one literal rune. A case-folded literal may
// match non-ASCII runes ((?i)k matches the Kelvin sign): regexp keeps it.
func literalSet(r rune, flags syntax.Flags) (byteSet, bool) {
	var set byteSet
	if flags&syntax.FoldCase != 0 || r < 0 || r >= utf8.RuneSelf {
		return set, false
	}
	set.addRange(byte(r), byte(r))
	return set, true
}
