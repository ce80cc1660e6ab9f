package journal

import (
	"cmp"
	"encoding/binary"
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// Packed parameters: names and values in one string, each pair the two
// lengths (uvarints) then the name and the value. One allocation holds
// what a map would spread over a dozen; readers unpack it when they need
// it. The journal (KeepCall, below) and the task store keep their
// parameters so.

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

// KeepCall copies, within the caps, what e keeps of the call: method,
// action, access key id and the parameters but the secrets. It is one
// allocation for a call that fits; Params is unpacked from it when read,
// as most entries never are.
//
// secret parameters (x-mock-secret-parameters) are kept as their digest.
func (e *Record) KeepCall(method, action, accessKeyID string, params url.Values, secret map[string]bool) {
	params = digestSecrets(params, secret)
	// First pass: which parameters fit, and how many bytes they take.
	size, n, over := 0, 0, false
	for k, v := range params {
		if len(v) == 0 || contract.SecretParam(k) {
			continue
		}
		n++
		size += len(k) + KeptLen(v[0], journalValueBytes)
	}
	names := []string(nil) // in the order kept, when not all of them fit
	if n > journalMaxParams || size > journalParamBytes {
		names, size = e.choose(params)
		n, over = len(names), true
	}
	fixed := KeptLen(method, journalValueBytes) + KeptLen(action, journalValueBytes) + KeptLen(accessKeyID, journalValueBytes)
	var b strings.Builder
	b.Grow(fixed + size + 2*binary.MaxVarintLen32*n)
	// A cut method, action or key id shows the marker; Params says it too
	// for the parameters.
	AppendKept(&b, action, journalValueBytes)
	a := b.Len()
	AppendKept(&b, accessKeyID, journalValueBytes)
	k := b.Len()
	AppendKept(&b, method, journalValueBytes)
	m := b.Len()
	truncated := false
	put := func(name, value string) {
		if AppendPacked(&b, name, value, journalValueBytes) {
			truncated = true
		}
	}
	if over {
		for _, name := range names {
			put(name, params[name][0])
		}
	} else {
		for name, v := range params {
			if len(v) > 0 && !contract.SecretParam(name) {
				put(name, v[0])
			}
		}
	}
	all := b.String()
	e.Action, e.AccessKeyID = all[:a], all[a:k]
	e.methodParams, e.methodEnd, e.called = all[k:], uint32(m-k), true
	if truncated || over {
		e.Rare().ParamsTruncated = true
	}
}

// choose picks the parameters that fit when not all do: the shortest
// first (they carry the protocol and the ids), ties by name, so the choice
// does not depend on map order. It counts the rest in ParamsOmitted.
func (e *Record) choose(params url.Values) (names []string, size int) {
	for k, v := range params {
		if len(v) > 0 && !contract.SecretParam(k) {
			names = append(names, k)
		}
	}
	cost := func(k string) int { return len(k) + KeptLen(params[k][0], journalValueBytes) }
	slices.SortFunc(names, func(x, y string) int { return cmp.Or(cmp.Compare(cost(x), cost(y)), strings.Compare(x, y)) })
	kept := names[:0]
	for _, k := range names {
		if c := cost(k); len(kept) < journalMaxParams && size+c <= journalParamBytes {
			kept = append(kept, k)
			size += c
		}
	}
	if omitted := len(names) - len(kept); omitted > 0 {
		e.Rare().ParamsOmitted = omitted
	}
	return kept, size
}

// method is the request's HTTP method, as KeepCall kept it.
func (e *Record) method() string { return e.methodParams[:e.methodEnd] }

// params is the kept parameters, packed (Unpack reads them).
func (e *Record) params() string { return e.methodParams[e.methodEnd:] }
