package resources

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
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
	all := s.byColl[collKey{c.Account, def.Name}]
	var views []map[string]any
	for i := len(all) - 1; i >= 0; i-- {
		if v := all[i].View(def, c.Now); matches(v, h.Filters, params) {
			views = append(views, v)
		}
	}
	s.mu.Unlock()
	page := &fixture.ItemPage{Total: len(views), Items: []map[string]any{}}
	from, to := 0, len(views)
	if h.Page != nil {
		page.Size = pageParam(c.Op, params, h.Page.Size, 20)
		page.Number = pageParam(c.Op, params, h.Page.Number, 1)
		from = min((page.Number-1)*page.Size, len(views))
		to = min(from+page.Size, len(views))
	}
	page.Items = append(page.Items, show(h, views[from:to])...)
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

// find is the account's item the hook's find names, or nil.
// Called with mu held.
func (s *Store) find(c Call, h *contract.StateHook, params map[string]string) (*Item, string) {
	keyParam := h.Find[h.Def.Key]
	it := s.byKey[itemKey{c.Account, h.Def.Name, params[keyParam]}]
	if it == nil {
		return nil, keyParam
	}
	for field, p := range h.Find {
		if field == h.Def.Key {
			continue
		}
		if want, ok := params[p]; ok && fmt.Sprint(it.View(h.Def, c.Now)[field]) != want {
			return nil, p
		}
	}
	return it, ""
}

// change runs a get, an update or a delete on the item the request names.
func (s *Store) change(c Call, h *contract.StateHook, params map[string]string) (fixture.Tasks, *contract.APIError) {
	var made fixture.Tasks
	def := h.Def
	s.mu.Lock()
	it, missing := s.find(c, h, params)
	if it == nil {
		s.mu.Unlock()
		return made, notFound(c, h, missing)
	}
	var ws []tasks.RawWrite
	switch h.Do {
	case contract.DoUpdate:
		data := contract.CreateData{Params: params, Seq: it.Seq, Now: c.Now, AccessKeyId: c.Account}
		set, err := evalFields(h.FieldT, data, true)
		if err != nil {
			s.mu.Unlock()
			return made, invalid(c, h, err)
		}
		fields := make(map[string]any, len(it.Fields)+len(set))
		for k, v := range it.Fields {
			fields[k] = v
		}
		for k, v := range set {
			if def.Status != nil && k == def.Status.Field {
				it.Status, it.Since, it.Failed = fmt.Sprint(v), c.Now, false
				continue
			}
			if k == def.Key { // the key names the item: it never changes
				continue
			}
			fields[k] = v
		}
		it.Fields, it.Modified = fields, c.Now // a new map: views made before keep theirs
		ws = append(ws, putWrite(it))
	case contract.DoDelete:
		ws = s.remove(it)
	}
	view := it.View(def, c.Now)
	wait := s.queue(ws)
	s.mu.Unlock()
	if err := wait(); err != nil {
		return made, errState(err)
	}
	made.Items = show(h, []map[string]any{view})
	made.Item = made.Items[0]
	return made, nil
}

// quotaViews is every quota the hook shows (all by default), for the
// account, today.
func (s *Store) quotaViews(c Call, h *contract.StateHook) fixture.Tasks {
	names := h.Quotas
	if len(names) == 0 {
		for name := range h.QuotaDefs {
			names = append(names, name)
		}
		sort.Strings(names)
	}
	out := make(map[string]fixture.QuotaView, len(names))
	s.mu.Lock()
	for _, name := range names {
		q := h.QuotaDefs[name]
		used := s.quotas.used(c.Account, name, q, c.Now)
		out[name] = fixture.QuotaView{Limit: q.Daily, Used: used, Remain: max(q.Daily-used, 0)}
	}
	s.mu.Unlock()
	return fixture.Tasks{Quotas: out}
}
