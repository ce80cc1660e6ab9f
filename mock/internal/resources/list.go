package resources

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/paging"
)

// list finds the account's items that pass the filters, newest first, and
// the page asked for (every item without page parameters).
func (s *Store) list(c Call, h *contract.StateHook, params map[string]string) (fixture.Tasks, *contract.APIError) {
	var made fixture.Tasks
	page, views, apiErr := s.page(c, h, params)
	if apiErr != nil {
		return made, apiErr
	}
	shown, apiErr := shownItems(h, views)
	if apiErr != nil {
		return made, apiErr
	}
	page.Items = append(page.Items, shown...)
	made.List = page
	return made, nil
}

// page is the list's page and the views of its items. It unlocks mu
// however it ends: a panic here (answered 500 by the server) must not
// leave every later call of the store waiting for the lock.
func (s *Store) page(c Call, h *contract.StateHook, params map[string]string) (*fixture.ItemPage, []map[string]any, *contract.APIError) {
	def := h.Def
	unlock := s.lock()
	defer unlock()
	if p := def.Parent; p != nil && h.NotFound != "" {
		for _, f := range h.Filters {
			if v := params[f.Param]; f.Field == p.Field && v != "" && s.byKey[itemKey{c.Account, p.Resource, v}] == nil {
				return nil, nil, notFound(c, h, f.Param)
			}
		}
	}
	// Filters read only the fields they name (FieldText): views are made
	// for the page's items alone.
	all := s.byColl[collKey{c.Account, def.Name}]
	var matched []*Item
	filtered := hasFilter(h.Filters, params)
	if filtered {
		field := func(it *Item) func(contract.FilterDef) string {
			return func(f contract.FilterDef) string { return filterText(def, it, f, c.Now) }
		}
		if keys, ok := keyFilter(def, h.Filters, params); ok {
			// The key map names the candidates: no scan of the account.
			seen := make(map[*Item]bool, len(keys)) // a key named twice is listed once
			for _, k := range keys {
				if it := s.byKey[itemKey{c.Account, def.Name, k}]; it != nil && !seen[it] && matches(field(it), h.Filters, params) {
					seen[it] = true
					matched = append(matched, it)
				}
			}
			slices.SortFunc(matched, func(a, b *Item) int { return cmp.Compare(b.Seq, a.Seq) })
		} else if kids, ok := s.parentFilter(c.Account, def, h.Filters, params); ok {
			// The parent's children index names the candidates (a domain's
			// configs): no scan of the account's items.
			for _, it := range kids {
				if it.Resource == def.Name && matches(field(it), h.Filters, params) {
					matched = append(matched, it)
				}
			}
			slices.SortFunc(matched, func(a, b *Item) int { return cmp.Compare(b.Seq, a.Seq) })
		} else {
			for i := len(all) - 1; i >= 0; i-- {
				if it := all[i]; matches(field(it), h.Filters, params) {
					matched = append(matched, it)
				}
			}
		}
	}
	total := len(all)
	if filtered {
		total = len(matched)
	}
	// at is the i-th match, newest first.
	at := func(i int) *Item {
		if filtered {
			return matched[i]
		}
		return all[len(all)-1-i]
	}
	page := &fixture.ItemPage{Total: total, Items: []map[string]any{}}
	from, to := 0, total
	if h.Page != nil {
		page.Size = pageParam(c.Op, params, h.Page.Size, 20)
		page.Number = pageParam(c.Op, params, h.Page.Number, 1)
		// Without validation any number and size get here: paging never overflows.
		from, to = paging.Bounds(int64(page.Number), int64(page.Size), total)
	}
	views := make([]map[string]any, 0, to-from)
	for i := from; i < to; i++ {
		views = append(views, at(i).View(def, c.Now))
	}
	return page, views, nil
}

// keyFilter is the keys an equal or in filter on the resource's key
// names, when the request sets one: the list looks them up instead of
// scanning the account's items. An in list longer than the account's
// items is scanned instead (each key is one lookup, at most maxKeys).
func keyFilter(def *contract.Resource, filters []contract.FilterDef, params map[string]string) ([]string, bool) {
	const maxKeys = 1000
	for _, f := range filters {
		v := params[f.Param]
		if f.Field != def.Key || v == "" {
			continue
		}
		switch f.MatchFor(params) {
		case "", "equal":
			return []string{v}, true
		case "in":
			if keys := strings.Split(v, ","); len(keys) <= maxKeys {
				return keys, true
			}
		}
	}
	return nil, false
}

// parentFilter is the children of the parent an equal filter on the
// resource's parent field names, when the request sets one. Called with
// mu held.
func (s *Store) parentFilter(account string, def *contract.Resource, filters []contract.FilterDef, params map[string]string) (map[uint64]*Item, bool) {
	p := def.Parent
	if p == nil {
		return nil, false
	}
	for _, f := range filters {
		if v := params[f.Param]; f.Field == p.Field && v != "" && (f.MatchFor(params) == "" || f.MatchFor(params) == "equal") {
			return s.kids[itemKey{account, p.Resource, v}], true
		}
	}
	return nil, false
}

// pageParam reads a page parameter; validation checked it unless the
// scenario skips validation, so anything unusable falls back to the spec's
// default, then to def.
func pageParam(op *contract.Operation, params map[string]string, name string, def int) int {
	if n, err := strconv.Atoi(params[name]); err == nil && n > 0 {
		return n
	}
	for _, p := range op.Params {
		if n, err := strconv.Atoi(p.Default); p.Name == name && err == nil && n > 0 {
			return n
		}
	}
	return def
}

// hasFilter reports whether the request sets any of the list's filters.
func hasFilter(filters []contract.FilterDef, params map[string]string) bool {
	for _, f := range filters {
		if params[f.Param] != "" {
			return true
		}
	}
	return false
}

// filterText is what a filter matches of an item: its field as views
// show it, or what the filter's text template makes of the kept value. A
// template failing on a value (a field kept before the spec changed)
// matches as "".
func filterText(def *contract.Resource, it *Item, f contract.FilterDef, now time.Time) string {
	if f.TextT == nil {
		return it.FieldText(def, f.Field, now)
	}
	v, err := f.TextT.Eval(it.Fields[f.Field])
	if err != nil || v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// matches reports whether an item passes the list's filters; field reads
// what a filter matches of it (filterText).
func matches(field func(contract.FilterDef) string, filters []contract.FilterDef, params map[string]string) bool {
	for _, f := range filters {
		want, ok := params[f.Param]
		if !ok || want == "" {
			continue
		}
		got, kind := field(f), f.MatchFor(params)
		switch kind {
		case "", "equal":
			if got != want {
				return false
			}
		case "in":
			if !slices.Contains(strings.Split(want, ","), got) {
				return false
			}
		case "contains":
			if !strings.Contains(got, want) {
				return false
			}
		case "prefix":
			if !strings.HasPrefix(got, want) {
				return false
			}
		case "suffix":
			if !strings.HasSuffix(got, want) {
				return false
			}
		case "host": // host names are case-insensitive
			if !strings.EqualFold(contract.StateFuncs["host"].(func(string) string)(got), want) {
				return false
			}
		case "hide":
			if strings.EqualFold(want, "false") && slices.Contains(f.Values, got) { // a boolean: False too
				return false
			}
		case "since", "until":
			g, err1 := contract.ParseTime(got)
			w, err2 := contract.ParseTime(want)
			if err1 != nil || err2 != nil || (kind == "since" && g.Before(w)) || (kind == "until" && g.After(w)) {
				return false
			}
		}
	}
	return true
}
