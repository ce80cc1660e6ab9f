package journal

import (
	"encoding/binary"
	"iter"
	"strings"
)

// Packed parameters: names and values in one string, each pair the two
// lengths (uvarints) then the name and the value. One allocation holds
// what a map would spread over a dozen; readers unpack it when they need
// it. The journal and the task store keep their parameters so.

// PackedLen is an upper bound of what AppendPacked adds for name and value.
func PackedLen(name, value string, max int) int {
	return 2*binary.MaxVarintLen32 + len(name) + KeptLen(value, max)
}

// AppendPacked appends name and value, the value cut to max bytes as
// KeptCopy cuts it, and reports whether it was cut.
func AppendPacked(b *strings.Builder, name, value string, max int) bool {
	var lens [2 * binary.MaxVarintLen32]byte
	l := binary.PutUvarint(lens[:], uint64(len(name)))
	l += binary.PutUvarint(lens[l:], uint64(KeptLen(value, max)))
	b.Write(lens[:l])
	b.WriteString(name)
	return AppendKept(b, value, max)
}

// Unpack yields the names and values AppendPacked wrote to p, in order;
// they share p's memory.
func Unpack(p string) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for p != "" {
			kl, n1 := uvarint(p)
			vl, n2 := uvarint(p[n1:])
			p = p[n1+n2:]
			if !yield(p[:kl], p[kl:kl+vl]) {
				return
			}
			p = p[kl+vl:]
		}
	}
}

// uvarint reads what binary.PutUvarint wrote at the start of s.
func uvarint(s string) (v, n int) {
	for shift := 0; ; shift += 7 {
		c := s[n]
		n++
		v |= int(c&0x7f) << shift
		if c < 0x80 {
			return v, n
		}
	}
}
