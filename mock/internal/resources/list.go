package resources

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
)

// list finds the account's items that pass the filters, newest first, and
// the page asked for (every item without page parameters).
func (s *Store) list(c Call, h *contract.StateHook, params map[string]string) (fixture.Tasks, *contract.APIError) {
	var made fixture.Tasks
	def := h.Def
	s.mu.Lock()
	if p := def.Parent; p != nil && h.NotFound != "" {
		for _, f := range h.Filters {
			if v := params[f.Param]; f.Field == p.Field && v != "" && s.byKey[itemKey{c.Account, p.Resource, v}] == nil {
				s.mu.Unlock()
				return made, notFound(c, h, f.Param)
			}
		}
	}
	// Filters read only the fields they name (FieldText): views are made
	// for the page's items alone.
	all := s.byColl[collKey{c.Account, def.Name}]
	var matched []*Item
	filtered := hasFilter(h.Filters, params)
	if filtered {
		for i := len(all) - 1; i >= 0; i-- {
			if it := all[i]; matches(func(f string) string { return it.FieldText(def, f, c.Now) }, h.Filters, params) {
				matched = append(matched, it)
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
		from = min((page.Number-1)*page.Size, total)
		to = min(from+page.Size, total)
	}
	views := make([]map[string]any, 0, to-from)
	for i := from; i < to; i++ {
		views = append(views, at(i).View(def, c.Now))
	}
	s.mu.Unlock()
	page.Items = append(page.Items, show(h, views)...)
	made.List = page
	return made, nil
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

// matches reports whether an item passes the list's filters; field reads
// one of its fields as views show it.
func matches(field func(string) string, filters []contract.FilterDef, params map[string]string) bool {
	for _, f := range filters {
		want, ok := params[f.Param]
		if !ok || want == "" {
			continue
		}
		got := field(f.Field)
		switch f.Match {
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
		case "host":
			if contract.StateFuncs["host"].(func(string) string)(got) != want {
				return false
			}
		case "since", "until":
			g, err1 := time.Parse(contract.TimeLayout, got)
			w, err2 := time.Parse(contract.TimeLayout, want)
			if err1 != nil || err2 != nil || (f.Match == "since" && g.Before(w)) || (f.Match == "until" && g.After(w)) {
				return false
			}
		}
	}
	return true
}
