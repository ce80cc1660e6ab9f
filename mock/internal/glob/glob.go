// Package glob is the one glob matcher: a scenario step's `when` values and
// a key policy's allowed and denied actions are globs.
package glob

import "unicode/utf8"

// Match reports whether s matches pattern, where * is any run of
// characters, ? any one character (a UTF-8 rune, or one byte of invalid
// UTF-8), and everything else stands for itself. Case matters.
func Match(pattern, s string) bool {
	px, sx := 0, 0
	// Where to go back to when a match fails after a *: the pattern just
	// after it, the text one character further on.
	nextPx, nextSx := -1, -1
	for px < len(pattern) || sx < len(s) {
		if px < len(pattern) {
			switch c := pattern[px]; c {
			case '*':
				nextPx, nextSx = px, sx+runeLen(s, sx)
				px++
				continue
			case '?':
				if sx < len(s) {
					px++
					sx += runeLen(s, sx)
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if nextSx > 0 && nextSx <= len(s) {
			px, sx = nextPx, nextSx
			continue
		}
		return false
	}
	return true
}

// runeLen is the size of the character at s[i:]; 1 at the end, so that a *
// has nowhere further to go back to.
func runeLen(s string, i int) int {
	if i >= len(s) {
		return 1
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return size
}
