package contract

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// TimeLayout is the API's time format, yyyy-MM-ddTHH:mm:ssZ in UTC.
const TimeLayout = "2006-01-02T15:04:05Z"

// A rule is a semantic check across parameters that a schema cannot express.
// Rules are declared in the spec (x-mock-rules) and run, in order, after the
// schema checks passed. Each kind is generic: the spec names the parameters
// and the documented code to answer.
type rule interface {
	// check returns the failure, or nil. Parameters that are absent are not
	// checked: whether they are required is the schema's business.
	check(params url.Values, now time.Time) *ruleFailure
	code() string
}

// ruleFailure names the code to answer and the parameter concerned.
type ruleFailure struct {
	code  string // "" means the parameter's own invalid code
	param string
}

// ruleKinds is the table of rule kinds a spec can use.
var ruleKinds = map[string]func(raw map[string]any, op *Operation) (rule, error){
	"time-range":  newTimeRange,
	"time-window": newTimeWindow,
	"requires":    newRequires,
}

func parseRule(raw map[string]any, op *Operation) (rule, error) {
	kind, _ := raw["rule"].(string)
	mk, ok := ruleKinds[kind]
	if !ok {
		return nil, fmt.Errorf("rule: unknown kind %q; known kinds: %s", kind, strings.Join(ruleKindNames(), ", "))
	}
	return mk(raw, op)
}

// unknownRuleCodes are the codes a rule answers that the operation does
// not document: its error, and the optional ones some kinds have.
func unknownRuleCodes(r rule, known func(string) bool) []string {
	codes := []string{r.code()}
	if more, ok := r.(interface{ codes() []string }); ok {
		codes = more.codes()
	}
	var bad []string
	for _, c := range codes {
		if c != "" && !known(c) {
			bad = append(bad, c)
		}
	}
	return bad
}

func ruleKindNames() []string {
	names := slices.Sorted(maps.Keys(ruleKinds))
	return names
}

// timeRange: end after start, and at most maxSpan apart. Optional codes
// split the failures: together (one of the two without the other; without
// it a lone time is not checked here) and order (end not after start;
// without it, error).
//
//   - rule: time-range
//     start: StartTime
//     end: EndTime
//     maxSpan: 72h
//     error: InvalidTime
//     together: MissingTimeParameter
//     order: InvalidEndTime.Mismatch
type timeRange struct {
	Start, End      string
	MaxSpan         time.Duration
	Error           string
	Together, Order string
}

func newTimeRange(raw map[string]any, op *Operation) (rule, error) {
	var r timeRange
	f := ruleFields{raw: raw, op: op}
	r.Start = f.param("start")
	r.End = f.param("end")
	r.MaxSpan = f.duration("maxSpan")
	r.Error = f.str("error")
	r.Together = f.optional("together")
	r.Order = f.optional("order")
	return &r, f.done()
}

func (r *timeRange) code() string { return r.Error }

func (r *timeRange) codes() []string { return []string{r.Error, r.Together, r.Order} }

func (r *timeRange) check(p url.Values, _ time.Time) *ruleFailure {
	start, end := p.Get(r.Start), p.Get(r.End)
	if (start == "") != (end == "") && r.Together != "" {
		missing := r.Start
		if end == "" {
			missing = r.End
		}
		return &ruleFailure{code: r.Together, param: missing}
	}
	if start == "" || end == "" {
		return nil
	}
	s, err := ParseTime(start)
	if err != nil {
		return &ruleFailure{param: r.Start}
	}
	e, err := ParseTime(end)
	if err != nil {
		return &ruleFailure{param: r.End}
	}
	if !e.After(s) && r.Order != "" {
		return &ruleFailure{code: r.Order, param: r.End}
	}
	if !e.After(s) || e.Sub(s) > r.MaxSpan {
		return &ruleFailure{code: r.Error, param: r.End}
	}
	return nil
}

// requires: when any of the if parameters is given, param must be too.
//
//   - rule: requires
//     if: [DomainName, Status]
//     param: ObjectType
//     error: MissingParameter.ObjectType
type requires struct {
	If    []string
	Param string
	Error string
}

func newRequires(raw map[string]any, op *Operation) (rule, error) {
	var r requires
	f := ruleFields{raw: raw, op: op}
	r.If = f.params("if")
	r.Param = f.param("param")
	r.Error = f.str("error")
	return &r, f.done()
}

func (r *requires) code() string { return r.Error }

func (r *requires) check(p url.Values, _ time.Time) *ruleFailure {
	if p.Get(r.Param) != "" {
		return nil
	}
	for _, name := range r.If {
		if p.Get(name) != "" {
			return &ruleFailure{code: r.Error, param: r.Param}
		}
	}
	return nil
}

// timeWindow: the time lies within maxAge before now, and not after now.
//
//   - rule: time-window
//     param: StartTime
//     maxAge: 8760h
//     error: InvalidStartTime.ValueNotSupported
type timeWindow struct {
	Param  string
	MaxAge time.Duration
	Error  string
}

func newTimeWindow(raw map[string]any, op *Operation) (rule, error) {
	var r timeWindow
	f := ruleFields{raw: raw, op: op}
	r.Param = f.param("param")
	r.MaxAge = f.duration("maxAge")
	r.Error = f.str("error")
	return &r, f.done()
}

func (r *timeWindow) code() string { return r.Error }

func (r *timeWindow) check(p url.Values, now time.Time) *ruleFailure {
	v := p.Get(r.Param)
	if v == "" {
		return nil
	}
	t, err := ParseTime(v)
	if err != nil {
		return &ruleFailure{param: r.Param}
	}
	if t.Before(now.Add(-r.MaxAge)) || t.After(now) {
		return &ruleFailure{code: r.Error, param: r.Param}
	}
	return nil
}

// ruleFields reads a rule's fields strictly, collecting every problem.
type ruleFields struct {
	raw  map[string]any
	op   *Operation
	seen []string
	errs []string
}

func (f *ruleFields) str(key string) string {
	f.seen = append(f.seen, key)
	s, ok := f.raw[key].(string)
	if !ok || s == "" {
		f.errs = append(f.errs, fmt.Sprintf("%s: must be a non-empty string", key))
	}
	return s
}

// optional is a string field that may be absent.
func (f *ruleFields) optional(key string) string {
	if _, ok := f.raw[key]; !ok {
		f.seen = append(f.seen, key)
		return ""
	}
	return f.str(key)
}

// params is a non-empty list of the operation's parameters.
func (f *ruleFields) params(key string) []string {
	f.seen = append(f.seen, key)
	list, ok := f.raw[key].([]any)
	if !ok || len(list) == 0 {
		f.errs = append(f.errs, fmt.Sprintf("%s: must be a non-empty list of parameters", key))
		return nil
	}
	out := make([]string, 0, len(list))
	for i, v := range list {
		name, _ := v.(string)
		if !f.op.HasParam(name) {
			f.errs = append(f.errs, fmt.Sprintf("%s[%d]: %v is not a parameter of %s", key, i, v, f.op.Name))
		}
		out = append(out, name)
	}
	return out
}

func (f *ruleFields) param(key string) string {
	name := f.str(key)
	if name == "" {
		return ""
	}
	for _, p := range f.op.Params {
		if p.Name == name {
			return name
		}
	}
	f.errs = append(f.errs, fmt.Sprintf("%s: %s is not a parameter of %s", key, name, f.op.Name))
	return name
}

func (f *ruleFields) duration(key string) time.Duration {
	s := f.str(key)
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		f.errs = append(f.errs, fmt.Sprintf("%s: %q is not a positive duration such as 744h", key, s))
	}
	return d
}

func (f *ruleFields) done() error {
	for k := range f.raw {
		known := k == "rule"
		for _, s := range f.seen {
			known = known || k == s
		}
		if !known {
			f.errs = append(f.errs, fmt.Sprintf("%s: unknown field (known: rule, %s)", k, strings.Join(f.seen, ", ")))
		}
	}
	if len(f.errs) == 0 {
		return nil
	}
	sort.Strings(f.errs)
	return fmt.Errorf("%s rule: %s", f.raw["rule"], strings.Join(f.errs, "; "))
}
