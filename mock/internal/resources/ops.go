package resources

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// keyOf is the key of the item a request names and the parameter that
// holds it (the hook's find of the resource's key): find, and through it
// get, update and delete, and exists read it here alone. Parameters come
// as contract.Operation.StateParams made them, x-mock-fold lower-casing
// applied, as do the templates that render a create's key.
func keyOf(h *contract.StateHook, params map[string]string) (key, param string) {
	param = h.Find[h.Def.Key]
	return params[param], param
}

// find is the account's item the hook's find names, or nil.
// Called with mu held.
func (s *Store) find(c Call, h *contract.StateHook, params map[string]string) (*Item, string) {
	key, keyParam := keyOf(h, params)
	it := s.byKey[itemKey{c.Account, h.Def.Name, key}]
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

// change runs a get, an update or a delete on the item the request names;
// a delete whose each splits a find parameter, on every item it names (all
// must exist, else nothing is deleted).
func (s *Store) change(c Call, h *contract.StateHook, params map[string]string) (fixture.Tasks, *contract.APIError) {
	var made fixture.Tasks
	def := h.Def
	asked := []map[string]string{params}
	if len(h.Each) > 0 {
		e := h.Each[0]
		pieces, err := contract.SplitEach(e, params[e.Param])
		if err != nil || len(pieces) == 0 {
			return made, notFound(c, h, e.Param)
		}
		if e.Max > 0 && len(pieces) > e.Max {
			return made, tooMany(c, e, e.Max)
		}
		asked = asked[:0]
		for _, p := range pieces {
			one := maps.Clone(params)
			one[e.Param] = fmt.Sprint(p)
			asked = append(asked, one)
		}
	}
	unlock := s.lock()
	defer s.release(unlock)
	var found []*Item
	for _, ps := range asked {
		it, missing := s.find(c, h, ps)
		if it == nil {
			unlock()
			return made, notFound(c, h, missing)
		}
		if !slices.Contains(found, it) {
			found = append(found, it)
		}
	}
	var ws []tasks.RawWrite
	views := make([]map[string]any, 0, len(found))
	for _, it := range found {
		switch h.Do {
		case contract.DoUpdate:
			w, err := s.update(c, h, params, it)
			if err != nil {
				unlock()
				return made, invalid(c, h, err)
			}
			ws = append(ws, w)
		case contract.DoDelete:
			if s.byKey[itemKey{it.Account, it.Resource, it.Key}] == it { // not gone with an earlier one's children
				ws = append(ws, s.remove(it)...)
			}
		}
		views = append(views, it.View(def, c.Now))
	}
	wait := s.queue(ws)
	unlock()
	if err := wait(); err != nil {
		return made, s.fail(err)
	}
	var apiErr *contract.APIError
	if made.Items, apiErr = shownItems(h, views); apiErr != nil {
		return made, apiErr
	}
	made.Item = made.Items[0]
	return made, nil
}

// exists shows whether the key the request names is held: by the
// account (the item its find names), or, for a global resource, by
// another account. O(1): two map lookups.
func (s *Store) exists(c Call, h *contract.StateHook, params map[string]string) (fixture.Tasks, *contract.APIError) {
	key, _ := keyOf(h, params)
	unlock := s.lock()
	defer unlock()
	it, _ := s.find(c, h, params)
	v := contract.ExistsView{Own: it != nil}
	if h.Def.Global {
		held := s.held[resKey{h.Def.Name, key}]
		if s.byKey[itemKey{c.Account, h.Def.Name, key}] != nil { // the account's own, whatever find's other fields say
			held--
		}
		v.Other = held > 0
	}
	unlock()
	shown, err := showFields(h.ShowT, v)
	if err != nil {
		return fixture.Tasks{}, errShow(err)
	}
	return fixture.Tasks{Item: shown, Items: []map[string]any{shown}}, nil
}

// update sets the fields an update's templates give, which see the
// request and the item as it is (.Item). Called with mu held.
func (s *Store) update(c Call, h *contract.StateHook, params map[string]string, it *Item) (tasks.RawWrite, error) {
	def := h.Def
	data := contract.CreateData{Params: params, Seq: it.Seq, Now: c.Now, Account: c.Account, Item: it.View(def, c.Now)}
	set, err := evalFields(h.FieldT, data, true)
	if err != nil {
		return tasks.RawWrite{}, err
	}
	fields := make(map[string]any, len(it.Fields)+len(set))
	maps.Copy(fields, it.Fields)
	status, restart := "", false
	for k, v := range set {
		if def.Status != nil && k == def.Status.Field {
			status, restart = fmt.Sprint(v), true
			continue
		}
		if k == def.Key { // the key names the item: it never changes
			continue
		}
		fields[k] = v
	}
	if p := def.Parent; p != nil && it.Parent != nil && fmt.Sprint(fields[p.Field]) != it.Parent.Key {
		return tasks.RawWrite{}, fmt.Errorf("%s names the item's parent: it never changes", p.Field)
	}
	if restart {
		it.Status, it.Since, it.Failed = status, c.Now, false
	}
	it.Fields, it.Modified = fields, c.Now // a new map: views made before keep theirs
	return putWrite(it), nil
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
	unlock := s.lock()
	defer unlock()
	for _, name := range names {
		q := h.QuotaDefs[name]
		used := s.quotas.used(c.Account, name, q, c.Now)
		out[name] = fixture.QuotaView{Limit: q.Daily, Used: used, Remain: max(q.Daily-used, 0)}
	}
	return fixture.Tasks{Quotas: out}
}

// replacement is a kept item a create's piece updates, with its new fields.
type replacement struct {
	it     *Item
	fields map[string]any
}

// apply gives the item its new fields, as if made again now (its status
// restarts) but keeping its number, key and creation time.
func (r replacement) apply(def *contract.Resource, c Call) {
	r.it.Fields, r.it.Modified, r.it.Since, r.it.Failed = r.fields, c.Now, c.Now, c.Failed
	if def.Status != nil {
		r.it.Status = def.Status.Initial
	}
}
