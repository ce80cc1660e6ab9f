package journal

import (
	"cmp"
	"encoding/binary"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// Record is one API request as the journal keeps it: the entry the admin
// API shows, with its parameters packed into one string until read (most
// records never are). A record is not changed once added to a ring, so
// readers share it without locks; View makes each reader its own copy.
type Record struct {
	adminapi.Entry          // Params stays nil here: View fills it in its copy
	packed         string   // the kept parameters, copied
	called         bool     // the request decoded to a call: Params is {} rather than null
	item           ringItem // its place in the ring that stamps it (Ring.Add): one allocation less
}

// What one entry keeps of what the client sent. The journal's memory is
// --journal-size times a bound that follows from these
// (docs/journal.md#bounded-entries): the request's url.Values and body are
// never retained, only bounded copies.
const (
	// journalValueBytes bounds each kept string the client sent: a
	// parameter's value, the method, the action, the access key id. Real
	// CDN values are far shorter; a long domain list still shows its start.
	journalValueBytes = 4 << 10
	// journalParamBytes bounds the names and values kept per entry, and
	// journalMaxParams their number (the largest operation, with its tags
	// and the common parameters, sends well under 100). What does not fit
	// is left out, the longest first.
	journalParamBytes = 16 << 10
	journalMaxParams  = 128
	// journalMaxViolations and journalViolationBytes bound the violations
	// kept per entry (each parameter name and reason is cut to the latter).
	journalMaxViolations  = 16
	journalViolationBytes = 256
	// Hence an entry holds at most 64 KiB (docs/journal.md#bounded-entries):
	// one 32 KiB copy (three strings, the parameters and their lengths),
	// the map made from it, the violations and the entry itself.
	// TestJournalEntryMemoryBound measures it.
)

// CutMarker ends a kept string that was cut; it gives the full length.
func CutMarker(full int) string { return "…[truncated from " + strconv.Itoa(full) + " bytes]" }

// cutAt is where v is cut to fit max bytes with its marker (at a rune
// boundary), and how long it then is; v shorter than max is kept whole.
func cutAt(v string, max int) (n, kept int) {
	if len(v) <= max {
		return len(v), len(v)
	}
	m := len("…[truncated from  bytes]") + len(strconv.Itoa(len(v)))
	n = max - m
	for n > 0 && !utf8.RuneStart(v[n]) {
		n--
	}
	return n, n + m
}

// KeptLen is how long v is once kept within max bytes.
func KeptLen(v string, max int) int { _, k := cutAt(v, max); return k }

// AppendKept appends v, cut to max bytes, and reports whether it was cut.
func AppendKept(b *strings.Builder, v string, max int) bool {
	n, _ := cutAt(v, max)
	b.WriteString(v[:n])
	if n == len(v) {
		return false
	}
	b.WriteString(CutMarker(len(v)))
	return true
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
	AppendKept(&b, method, journalValueBytes)
	m := b.Len()
	AppendKept(&b, action, journalValueBytes)
	a := b.Len()
	AppendKept(&b, accessKeyID, journalValueBytes)
	k := b.Len()
	put := func(name, value string) {
		if AppendPacked(&b, name, value, journalValueBytes) {
			e.ParamsTruncated = true
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
	e.Method, e.Action, e.AccessKeyID = all[:m], all[m:a], all[a:k]
	e.packed, e.called = all[k:], true
	e.ParamsTruncated = e.ParamsTruncated || over
}

// choose picks the parameters that fit when not all do: the shortest
// first (they carry the protocol and the ids), ties by name, so the choice
// does not depend on map order. It counts the rest in e.ParamsOmitted.
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
	e.ParamsOmitted = len(names) - len(kept)
	return kept, size
}

// View is the record as the admin API shows it: a copy, with Params
// unpacked from the kept parameters.
func (e *Record) View() *adminapi.Entry {
	out := e.Entry // the copy shares Violations, which nobody changes
	if e.called {
		out.Params = make(map[string]string)
		for name, value := range Unpack(e.packed) {
			out.Params[name] = value
		}
	}
	return &out
}

// KeepViolations copies vs within the caps: their strings may share memory
// with the request's body, and their errors are not needed once answered.
func KeepViolations(vs []contract.Violation) []adminapi.Violation {
	if len(vs) == 0 {
		return nil
	}
	out := make([]adminapi.Violation, 0, min(len(vs), journalMaxViolations+1))
	for i, v := range vs {
		if i == journalMaxViolations {
			out = append(out, adminapi.Violation{Reason: strconv.Itoa(len(vs)-i) + " more violations, not kept in the journal"})
			break
		}
		out = append(out, adminapi.Violation{Parameter: KeptCopy(v.Parameter, journalViolationBytes), Reason: KeptCopy(v.Reason, journalViolationBytes)})
	}
	return out
}

// KeptCopy is a copy of v, cut to max bytes as AppendKept does.
func KeptCopy(v string, max int) string {
	var b strings.Builder
	b.Grow(KeptLen(v, max))
	AppendKept(&b, v, max)
	return b.String()
}

// digestSecrets is params with each secret one's values replaced by their
// digest: a copy when the call sends one, else params itself.
func digestSecrets(params url.Values, secret map[string]bool) url.Values {
	var out url.Values
	for name := range secret {
		vs, ok := params[name]
		if !ok {
			continue
		}
		if out == nil {
			out = make(url.Values, len(params))
			for k, v := range params {
				out[k] = v
			}
		}
		d := make([]string, len(vs))
		for i, v := range vs {
			d[i] = contract.SecretDigest(v)
		}
		out[name] = d
	}
	if out == nil {
		return params
	}
	return out
}

// KeepDrift copies drift findings within the violations' caps: their
// reasons quote the upstream's answer, whose size the mock does not choose.
func KeepDrift(ds []adminapi.Drift) []adminapi.Drift {
	if len(ds) == 0 {
		return nil
	}
	out := make([]adminapi.Drift, 0, min(len(ds), journalMaxViolations+1))
	for i, d := range ds {
		if i == journalMaxViolations {
			out = append(out, adminapi.Drift{Kind: d.Kind, Reason: strconv.Itoa(len(ds)-i) + " more findings, not kept in the journal"})
			break
		}
		out = append(out, adminapi.Drift{Kind: d.Kind, Field: KeptCopy(d.Field, journalViolationBytes), Reason: KeptCopy(d.Reason, journalViolationBytes)})
	}
	return out
}
