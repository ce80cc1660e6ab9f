package contract

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"text/template"
)

// StateHook is what an operation does to a resource (resources.go), its
// x-mock-state when it names a resource:
//
//	x-mock-state:
//	  resource: cache-task
//	  do: create                     # create, get, list, update, delete, exists, or quotas
//	  each: [{as: Path, param: ObjectPath, split: lines, max: 1000, tooMany: SingleRequest.OverLimit}]
//	  fields: {TaskId: "{{ .Seq }}", ObjectPath: "{{ .Each.Path }}"}
//	  quota: {use: "{{ lower .Params.ObjectType }}", error: QuotaExceeded.Refresh}
//
// Field values, quota names and shown fields are templates (the functions
// of statefuncs.go): one that is only {{ json … }} makes a JSON value,
// any other a string. A create's templates see .Params (first values,
// defaults filled), .Each (this item's pieces), .Seq (a number unique for
// the server) and .Now; show's see the item as views show it, or, for an
// exists, .Own and .Other (ExistsView).
type StateHook struct {
	Resource string            `json:"resource"`
	Do       string            `json:"do"`
	Each     []EachDef         `json:"each"`           // create: one item per piece (several: every combination); delete: one, splitting a find parameter into the keys of several items
	Fields   map[string]string `json:"fields"`         // create: the item's fields; update: the fields it sets
	Find     map[string]string `json:"find"`           // get, update, delete, exists: field → the parameter naming it (the key's at least)
	Filters  []FilterDef       `json:"filters"`        // list
	Page     *PageDef          `json:"page"`           // list: the page parameters; none: every item
	Show     map[string]string `json:"show"`           // how items appear in the answer: field → template; none: as kept
	Quota    *QuotaUse         `json:"quota"`          // create: the daily quota each item uses
	NotFound string            `json:"notFound"`       // get, update, delete: no such item; create, list: no such parent
	Exists   string            `json:"exists"`         // create: the key is taken in the account
	Taken    string            `json:"taken"`          // create: the key of a global resource is another account's
	Invalid  string            `json:"invalid"`        // create, update: a template failed on the request's values
	Quotas   []string          `json:"quotas"`         // quotas: which to show (default: all)
	Full     string            `json:"full"`           // create: the resource is full (onFull: refuse), or the pieces alone pass perAccount
	Update   *UpdateDef        `json:"update"`         // create: a piece naming a kept item's key updates it instead
	Assumed  []string          `json:"x-mock-assumed"` // what the hook does that the metadata does not say, each with why (GET /_mock/operations shows them)

	Def       *Resource                 `json:"-"`
	QuotaDefs map[string]*Quota         `json:"-"` // the spec's x-mock-quotas
	FieldT    map[string]*ValueTemplate `json:"-"`
	ShowT     map[string]*ValueTemplate `json:"-"`
	QuotaT    *ValueTemplate            `json:"-"`
	UpdateT   *ValueTemplate            `json:"-"`
}

// UpdateDef lets a create's piece update a kept item: Key renders, for
// the piece, the key of the item it updates ("" for a new item), e.g.
// BatchSetCdnDomainConfig's configId. An unknown key answers NotFound.
type UpdateDef struct {
	Key      string `json:"key"`
	NotFound string `json:"notFound"`
}

// EachDef splits a parameter into pieces, one item each.
type EachDef struct {
	As      string `json:"as"` // the name templates see it under: .Each.<as>
	Param   string `json:"param"`
	Split   string `json:"split"`   // lines, ",", or json (a JSON array)
	Max     int    `json:"max"`     // at most this many pieces per request
	TooMany string `json:"tooMany"` // the code for more; none: the gateway's InvalidParameter
	// Each text piece must match Pattern and be at most MaxLength bytes,
	// else the answer is Invalid (none: the gateway's InvalidParameter).
	Pattern   string         `json:"pattern"`
	MaxLength int            `json:"maxLength"`
	Invalid   string         `json:"invalid"`
	re        *regexp.Regexp `json:"-"`
}

// FilterDef keeps the items whose field matches a request parameter, when
// the request has it. Matches: equal (default), in (the parameter is a
// comma-separated list), contains, prefix, suffix, host (the field is a
// URL or path whose host is the parameter), since and until (times, API
// layout, both ends included), and hide (when the parameter is "false",
// items whose field is one of Values are left out). MatchBy lets another
// parameter choose the match: its value → a match kind (an absent one
// keeps Match).
type FilterDef struct {
	Param   string   `json:"param"`
	Field   string   `json:"field"`
	Match   string   `json:"match"`
	Values  []string `json:"values"` // hide
	MatchBy *MatchBy `json:"matchBy"`
	// Text, when set, is a template over the field's kept value (a JSON
	// value as parsed) giving the text matched, e.g. only the origins'
	// addresses of a domain's Sources, not its JSON key names.
	Text  string         `json:"text"`
	TextT *ValueTemplate `json:"-"`
}

// MatchBy is the parameter choosing a filter's match, and its values'
// match kinds.
type MatchBy struct {
	Param string            `json:"param"`
	Kinds map[string]string `json:"kinds"`
}

// MatchFor is the filter's match for a request's parameters.
func (f FilterDef) MatchFor(params map[string]string) string {
	if f.MatchBy != nil {
		if k, ok := f.MatchBy.Kinds[params[f.MatchBy.Param]]; ok {
			return k
		}
	}
	return f.Match
}

// PageDef names a list's page parameters.
type PageDef struct {
	Size   string `json:"size"`
	Number string `json:"number"`
}

// QuotaUse: each item a create makes uses one of the quota Use names.
type QuotaUse struct {
	Use   string `json:"use"`
	Error string `json:"error"`
}

// What a hook does.
const (
	DoGet    = "get"
	DoUpdate = "update"
	DoQuotas = "quotas"
	DoExists = "exists" // whether the key is held, by the account or (global resources) another: never an error
)

// ExistsView is what an exists hook's show templates see.
type ExistsView struct {
	Own   bool // the account holds the item the find names
	Other bool // another account holds its key (global resources only: accounts do not see each other's items otherwise)
}

var (
	hookDos      = []string{DoCreate, DoGet, DoList, DoUpdate, DoDelete, DoExists, DoQuotas}
	splitKinds   = []string{"lines", ",", "json"}
	filterKinds  = []string{"", "equal", "in", "contains", "prefix", "suffix", "host", "since", "until", "hide"}
	maxEachLimit = 10000
)

// parseStateHook reads an x-mock-state that names a resource, or that
// shows quotas. nil when absent, when it is an export-task hook
// (taskstate.go), or when wrong (problems are reported).
func parseStateHook(s *Spec, ext map[string]any, op *Operation, knownCode func(string) bool, problem func(sub, format string, args ...any)) *StateHook {
	raw, ok := ext["x-mock-state"].(map[string]any)
	if !ok || raw["tasks"] != nil {
		return nil
	}
	const sub = "/x-mock-state"
	var h StateHook
	if err := DecodeExtension(ext, "x-mock-state", &h); err != nil {
		problem(sub, "%v", err)
		return nil
	}
	h.QuotaDefs = s.Quotas
	bad := false
	fail := func(format string, args ...any) { problem(sub, format, args...); bad = true }
	for i, a := range h.Assumed {
		if strings.TrimSpace(a) == "" {
			fail("x-mock-assumed[%d]: empty; say what the mock assumes and why", i)
		}
	}
	if !slices.Contains(hookDos, h.Do) {
		fail("do: %q; want one of %s", h.Do, strings.Join(hookDos, ", "))
		return nil
	}
	param := func(what, name string) {
		if name != "" && !op.HasParam(name) {
			fail("%s: %s does not declare the parameter %s", what, op.Name, name)
		}
	}
	code := func(what, c string) {
		if c != "" && !knownCode(c) {
			fail("%s: %s is not documented for %s (x-acs-errors) nor common (x-acs-common-errors)", what, c, op.Name)
		}
	}
	if h.Do == DoQuotas {
		for _, q := range h.Quotas {
			if s.Quotas[q] == nil {
				fail("quotas: %s is not in x-mock-quotas", q)
			}
		}
		if bad {
			return nil
		}
		return &h
	}
	h.Def = s.Resources[h.Resource]
	if h.Def == nil {
		fail("resource: %q is not in x-mock-resources (known: %s)", h.Resource, strings.Join(sortedNames(s.Resources), ", "))
		return nil
	}
	for i := range h.Each {
		e := &h.Each[i]
		param("each", e.Param)
		code("each.tooMany", e.TooMany)
		code("each.invalid", e.Invalid)
		if e.Pattern != "" {
			re, err := regexp.Compile(e.Pattern)
			if err != nil {
				fail("each: pattern %q: %v", e.Pattern, err)
			}
			e.re = re
		}
		if e.MaxLength < 0 {
			fail("each: maxLength %d; want 1 or more (0: no bound)", e.MaxLength)
		}
		switch {
		case e.As == "":
			fail("each: name each piece (as:)")
		case !slices.Contains(splitKinds, e.Split):
			fail("each: split %q; want lines, \",\" or json", e.Split)
		case e.Max < 0 || e.Max > maxEachLimit:
			fail("each: max %d; want 1 to %d (0: %d)", e.Max, maxEachLimit, maxEachLimit)
		}
	}
	for field, p := range h.Find {
		param("find."+field, p)
	}
	for i := range h.Filters {
		f := &h.Filters[i]
		param("filters", f.Param)
		if f.Text != "" {
			var err error
			if f.TextT, err = CompileValue("filters.text", f.Text); err != nil {
				fail("filters: %s: text: %v", f.Param, err)
			}
		}
		if !slices.Contains(filterKinds, f.Match) || f.Field == "" {
			fail("filters: %s: match %q on field %q; want a field and one of %s", f.Param, f.Match, f.Field, strings.Join(filterKinds[1:], ", "))
		}
		if (f.Match == "hide") != (len(f.Values) > 0) {
			fail("filters: %s: values go with match hide, and hide needs them", f.Param)
		}
		if m := f.MatchBy; m != nil {
			param("filters.matchBy", m.Param)
			if len(m.Kinds) == 0 {
				fail("filters: %s: matchBy.kinds maps %s's values to match kinds", f.Param, m.Param)
			}
			for v, k := range m.Kinds {
				if !slices.Contains(filterKinds[1:], k) || k == "hide" {
					fail("filters: %s: matchBy.kinds.%s: %q is not a match kind (%s)", f.Param, v, k, strings.Join(filterKinds[1:], ", "))
				}
			}
		}
	}
	if h.Page != nil {
		param("page.size", h.Page.Size)
		param("page.number", h.Page.Number)
	}
	code("notFound", h.NotFound)
	code("exists", h.Exists)
	code("taken", h.Taken)
	code("invalid", h.Invalid)
	code("full", h.Full)
	switch h.Do {
	case DoCreate:
		if len(h.Fields) == 0 {
			fail("fields: a create says what the item holds, at least its key %s", h.Def.Key)
		}
		if _, ok := h.Fields[h.Def.Key]; !ok {
			fail("fields: a create sets the key, %s", h.Def.Key)
		}
		if h.Def.OnFull == OnFullRefuse && h.Full == "" {
			fail("full: %s refuses creates when full (onFull: refuse): name the code, e.g. DomainOverLimit", h.Def.Name)
		}
		if u := h.Update; u != nil {
			code("update.notFound", u.NotFound)
			if u.Key == "" || u.NotFound == "" {
				fail("update: needs key (a template giving the key of the item a piece updates) and notFound")
			}
		}
	case DoGet, DoUpdate, DoDelete, DoList, DoExists:
		if h.Update != nil || h.Full != "" {
			fail("update and full are a create's")
		}
	}
	switch h.Do {
	case DoGet, DoUpdate, DoDelete:
		if len(h.Each) > 0 && (h.Do != DoDelete || len(h.Each) > 1 || !slices.Contains(mapValues(h.Find), h.Each[0].Param)) {
			fail("each: a get or an update names one item; a delete may split one of its find parameters (one each)")
		}
		if _, ok := h.Find[h.Def.Key]; !ok {
			fail("find: name the parameter that gives the key, e.g. {%s: %s}", h.Def.Key, h.Def.Key)
		}
		if h.NotFound == "" {
			fail("notFound: name the code for an item the account does not have")
		}
	case DoExists:
		if len(h.Each) > 0 || h.Fields != nil || h.Quota != nil {
			fail("an exists only finds (find:) and shows (show:): no each, fields or quota")
		}
		if _, ok := h.Find[h.Def.Key]; !ok {
			fail("find: name the parameter that gives the key, e.g. {%s: %s}", h.Def.Key, h.Def.Key)
		}
		if len(h.Show) == 0 {
			fail("show: say what the answer shows, from .Own and .Other")
		}
	}
	if h.Quota != nil {
		code("quota.error", h.Quota.Error)
		if h.Quota.Error == "" {
			fail("quota.error: name the code for a quota used up")
		}
	}
	var err error
	if h.FieldT, err = compileValues(h.Fields); err != nil {
		fail("fields: %v", err)
	}
	if h.ShowT, err = compileValues(h.Show); err != nil {
		fail("show: %v", err)
	}
	if h.Quota != nil {
		if h.QuotaT, err = CompileValue("quota.use", h.Quota.Use); err != nil {
			fail("quota.use: %v", err)
		}
		if !strings.Contains(h.Quota.Use, "{{") && s.Quotas[h.Quota.Use] == nil {
			fail("quota.use: %s is not in x-mock-quotas", h.Quota.Use)
		}
	}
	if h.Update != nil && h.Update.Key != "" {
		if h.UpdateT, err = CompileValue("update.key", h.Update.Key); err != nil {
			fail("update.key: %v", err)
		}
	}
	if bad {
		return nil
	}
	return &h
}

// StateCode tells whether code is one the hook answers from the state
// (no such item, a key taken, a quota used up, too many pieces): an answer
// that depends on what the account holds, not on the request alone.
func (h *StateHook) StateCode(code string) bool {
	if h == nil || code == "" {
		return false
	}
	if code == h.NotFound || code == h.Exists || code == h.Taken || code == h.Full || (h.Quota != nil && code == h.Quota.Error) || (h.Update != nil && code == h.Update.NotFound) {
		return true
	}
	for _, e := range h.Each {
		if code == e.TooMany {
			return true
		}
	}
	return false
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func compileValues(src map[string]string) (map[string]*ValueTemplate, error) {
	out := make(map[string]*ValueTemplate, len(src))
	for _, k := range sortedNames(src) {
		t, err := CompileValue(k, src[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", k, err)
		}
		out[k] = t
	}
	return out, nil
}

// ValueTemplate makes one value from a template: a JSON value when the
// template is only {{ json … }}, else its text.
type ValueTemplate struct {
	t    *template.Template
	json bool
}
