package contract

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// Resources, described in the spec. A resource is a kind of thing an
// account keeps (a cache refresh task, a domain, a domain's config) and
// that operations create, get, list, update and delete (their x-mock-state,
// statehook.go). The spec's top level describes each kind once:
//
//	x-mock-resources:
//	  domain:
//	    key: DomainName                 # names an item within the account
//	    perAccount: 1000                # the account's newest items kept
//	    created: GmtCreated             # fields that show its times
//	    modified: GmtModified
//	    status:                         # a field that moves on the server's clock
//	      field: DomainStatus
//	      initial: configuring
//	      transitions: [{from: configuring, to: online, after: 1m}]
//	    parent: {resource: other, field: DomainName}   # lives and dies with an item of other
//	    global: true                    # a key is unique across accounts, not only within one
//	    onFull: refuse                  # when perAccount (or the server's bound) is reached: refuse, or evict the oldest
//
// and the daily quotas creates use up:
//
//	x-mock-quotas:
//	  file: {daily: 2000}
//
// Package resources keeps the items; this file reads and checks the data.
type Resource struct {
	Name       string
	Key        string     `json:"key"`        // the field that names an item within an account
	PerAccount int        `json:"perAccount"` // items kept per account; default 1000
	Created    string     `json:"created"`    // the field showing when it was made (API time layout)
	Modified   string     `json:"modified"`   // the field showing when it last changed
	Status     *StatusDef `json:"status"`
	Parent     *ParentDef `json:"parent"`
	// Global: an item's key is unique for the server, not only within its
	// account (a domain one account holds cannot be added by another).
	Global bool `json:"global"`
	// OnFull is what a create does when the account holds perAccount
	// items of the resource, or the server its bound: "evict" (default)
	// drops the oldest, as history does; "refuse" answers the create
	// hook's full code and keeps everything.
	OnFull string `json:"onFull"`

	// Sample is an item as views show it, made from the first create's
	// examples: fixtures are checked with it at load.
	Sample map[string]any `json:"-"`
}

// StatusDef is a field whose value moves on the server's clock: from its
// initial state through the transitions, each taken once `after` has passed
// in its from state. An item a scenario marks failed (task: failed) takes
// a transition's failed state instead of its to. States may set other
// fields too (Process: 100%).
type StatusDef struct {
	Field       string                       `json:"field"`
	Initial     string                       `json:"initial"`
	States      map[string]map[string]string `json:"states"`
	Transitions []Transition                 `json:"transitions"`
}

// Transition moves an item from one state to another after a while.
type Transition struct {
	From   string   `json:"from"`
	To     string   `json:"to"`
	Failed string   `json:"failed"`
	After  Duration `json:"after"`
}

// ParentDef ties a resource to another: its Field names an item of
// Resource in the same account. A create or list naming a missing parent
// is refused (the hook's notFound), and deleting the parent deletes its
// children.
type ParentDef struct {
	Resource string `json:"resource"`
	Field    string `json:"field"`
}

// Quota is a number of uses per day of the server's clock, per account.
type Quota struct {
	Daily int            `json:"daily"`
	Zone  string         `json:"zone"` // the UTC offset of the day's start, e.g. +08:00; default Z
	Loc   *time.Location `json:"-"`
}

// DayStart is the start of the quota's day holding now.
func (q *Quota) DayStart(now time.Time) time.Time {
	t := now.In(q.Loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, q.Loc)
}

// Duration is a time.Duration written as text in the spec (90s, 5m).
type Duration time.Duration

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration such as 90s or 5m, not %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("a duration of zero or more such as 90s or 5m, not %q", s)
	}
	*d = Duration(v)
	return nil
}

// sampleNow is when sample items are made: any instant would do.
var sampleNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// What a create does when a resource is full (Resource.OnFull).
const (
	OnFullEvict  = "evict"
	OnFullRefuse = "refuse"
)

// defaultPerAccount is how many items of a resource an account keeps when
// the spec does not say.
const defaultPerAccount = 1000

var resourceName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// loadResources reads x-mock-resources and x-mock-quotas from the top of
// the spec.
func loadResources(s *Spec, ext map[string]any, ps *diag.Problems) {
	yf := s.Src
	problem := func(ptr, format string, args ...any) {
		ps.Add(yf.Name, yf.Line(ptr), diag.FieldName(ptr), format, args...)
	}
	var defs map[string]*Resource
	if err := DecodeExtension(ext, "x-mock-resources", &defs); err != nil {
		problem("/x-mock-resources", "%v", err)
	}
	s.Resources = map[string]*Resource{}
	for _, name := range sortedNames(defs) {
		r, ptr := defs[name], "/x-mock-resources/"+diag.EscapePointer(name)
		if r == nil {
			problem(ptr, "describe the resource: key, status, …")
			continue
		}
		r.Name = name
		bad := false
		fail := func(sub, format string, args ...any) { problem(ptr+sub, format, args...); bad = true }
		if !resourceName.MatchString(name) {
			fail("", "name resources in lower case, e.g. domain or cache-task, not %q", name)
		}
		if r.Key == "" {
			fail("", "key: name the field that names an item within an account, e.g. DomainName")
		}
		switch {
		case r.PerAccount == 0:
			r.PerAccount = defaultPerAccount
		case r.PerAccount < 0:
			fail("/perAccount", "a number of items, 1 or more")
		}
		switch r.OnFull {
		case "":
			r.OnFull = OnFullEvict
		case OnFullEvict, OnFullRefuse:
		default: // reported, the resource kept: its operations would each report it missing
			problem(ptr+"/onFull", "%q; want evict (drop the oldest) or refuse", r.OnFull)
		}
		if st := r.Status; st != nil {
			if st.Field == "" || st.Initial == "" {
				fail("/status", "needs field (the status field) and initial (its first value)")
			}
			for i, tr := range st.Transitions {
				if tr.From == "" || tr.To == "" {
					fail(fmt.Sprintf("/status/transitions/%d", i), "needs from and to")
				}
			}
		}
		if !bad {
			s.Resources[name] = r
		}
	}
	for _, r := range s.Resources {
		if p := r.Parent; p != nil {
			ptr := "/x-mock-resources/" + diag.EscapePointer(r.Name) + "/parent"
			if s.Resources[p.Resource] == nil || p.Field == "" {
				problem(ptr, "names resource %q and field %q; want a resource of x-mock-resources and the field holding its key", p.Resource, p.Field)
				r.Parent = nil
			}
		}
	}

	var quotas map[string]*Quota
	if err := DecodeExtension(ext, "x-mock-quotas", &quotas); err != nil {
		problem("/x-mock-quotas", "%v", err)
	}
	s.Quotas = map[string]*Quota{}
	for _, name := range sortedNames(quotas) {
		q, ptr := quotas[name], "/x-mock-quotas/"+diag.EscapePointer(name)
		if q == nil || q.Daily <= 0 {
			problem(ptr, "daily: the uses an account has per day, 1 or more")
			continue
		}
		q.Loc = time.UTC
		if q.Zone != "" && q.Zone != "Z" {
			t, err := time.Parse("-07:00", q.Zone)
			if err != nil {
				problem(ptr+"/zone", "a UTC offset such as +08:00, not %q", q.Zone)
				continue
			}
			_, off := t.Zone()
			q.Loc = time.FixedZone(q.Zone, off)
		}
		s.Quotas[name] = q
	}
}

func sortedNames[V any](m map[string]V) []string {
	out := slices.Sorted(maps.Keys(m))
	return out
}

// sampleResources makes each resource's Sample from its first create (by
// operation name), rendered with the parameters' examples, as the views
// show it once every transition is taken: fixtures are checked with it.
func sampleResources(s *Spec, part bool, ps *diag.Problems) {
	now := sampleNow
	for _, name := range s.Names {
		op := s.ops[name]
		h := op.Resource
		if h == nil || h.Do != DoCreate || h.Def.Sample != nil {
			continue
		}
		params := map[string]string{}
		for _, p := range op.Params {
			if v := p.Example; v != "" {
				params[p.Name] = v
			} else if p.Default != "" {
				params[p.Name] = p.Default
			}
		}
		data := CreateData{Params: params, Each: map[string]any{}, Seq: 10000001, Now: now, Account: "AKID"}
		for _, e := range h.Each {
			pieces, _ := SplitEach(e, strings.ReplaceAll(params[e.Param], `\n`, "\n"))
			if len(pieces) > 0 {
				data.Each[e.As] = pieces[0]
			}
		}
		fields := map[string]any{}
		for k, t := range h.FieldT {
			v, err := t.Eval(data)
			if err != nil {
				ps.Add(s.Src.Name, 0, "", "%s: x-mock-state fields.%s fails with the parameters' examples: %v", op.Name, k, err)
				v = ""
			}
			fields[k] = v
		}
		status := ""
		if h.Def.Status != nil {
			status = h.Def.Status.Initial
		}
		h.Def.Sample = h.Def.View(fields, status, now.Add(-24*time.Hour), false, now.Add(-24*time.Hour), now.Add(-24*time.Hour), now)
	}
	for _, name := range sortedNames(s.Resources) {
		if r := s.Resources[name]; r.Sample == nil && !part {
			ps.Add(s.Src.Name, s.Src.Line("/x-mock-resources/"+diag.EscapePointer(name)), "x-mock-resources."+name,
				"no operation creates it (x-mock-state do: create)")
		}
	}
}
