package journal

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// Record is one API request as the journal keeps it: the fields of the
// entry the admin API shows (View makes it), in less memory. The method,
// action, access key id and parameters share one string, the parameters
// packed until read (most records never are); what most requests lack
// is behind one pointer (Rare). A record is not changed once added to a
// ring, so readers share it without locks.
type Record struct {
	Seq         uint64
	Time        time.Time // the server's clock
	RequestID   string
	Action      string // from KeepCall, as AccessKeyID
	AccessKeyID string
	Scenario    string
	ChosenBy    string
	Code        string
	Status      int
	Latency     adminapi.Duration
	Violations  []adminapi.Violation
	Drift       []adminapi.Drift

	rare         *Rare
	methodParams string   // from KeepCall: the method, then the packed parameters (method, params)
	methodEnd    uint32   // where the method ends in methodParams
	called       bool     // the request decoded to a call: Params is {} rather than null
	item         ringItem // its place in the ring that stamps it (Ring.Add): one allocation less
}

// Rare is what an entry seldom has: a warning, parameters left out,
// proxy mode's upstream answer and replay.
type Rare struct {
	Warning         string
	ParamsTruncated bool
	ParamsOmitted   int
	Upstream        *adminapi.Upstream
	Replay          *adminapi.Replay
}

// Rare is e's rare fields, made on first use: never nil.
func (e *Record) Rare() *Rare {
	if e.rare == nil {
		e.rare = new(Rare)
	}
	return e.rare
}

// Upstream is the upstream's answer in proxy mode, else nil.
func (e *Record) Upstream() *adminapi.Upstream {
	if e.rare == nil {
		return nil
	}
	return e.rare.Upstream
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

// View is the record as the admin API shows it: a new Entry, Params
// unpacked from the kept parameters. It shares Violations and Drift, which
// nobody changes.
func (e *Record) View() *adminapi.Entry {
	out := &adminapi.Entry{Seq: e.Seq, Time: e.Time, RequestID: e.RequestID, Method: e.method(),
		Action: e.Action, AccessKeyID: e.AccessKeyID, Scenario: e.Scenario, ChosenBy: e.ChosenBy, Code: e.Code,
		Status: e.Status, Latency: e.Latency, Violations: e.Violations, Drift: e.Drift}
	if r := e.rare; r != nil {
		out.Warning, out.ParamsTruncated, out.ParamsOmitted = r.Warning, r.ParamsTruncated, r.ParamsOmitted
		out.Upstream, out.Replay = r.Upstream, r.Replay
	}
	if e.called {
		out.Params = make(map[string]string)
		for name, value := range Unpack(e.params()) {
			out.Params[name] = value
		}
	}
	return out
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
