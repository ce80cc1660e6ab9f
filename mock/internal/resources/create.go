package resources

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// combos are the pieces of each create item: one map per item, every
// combination of the eaches' pieces.
func combos(c Call, h *contract.StateHook, params map[string]string) ([]map[string]any, *contract.APIError) {
	out := []map[string]any{{}}
	for _, e := range h.Each {
		pieces, err := contract.SplitEach(e, params[e.Param])
		if err != nil {
			return nil, pieceError(c, h, e, err)
		}
		if len(pieces) == 0 { // only a scenario that skips validation lets an empty one through
			return nil, c.Spec.Gateway(contract.CodeMissingParameter, e.Param)
		}
		limit := e.Max
		if limit == 0 {
			limit = 10000
		}
		if len(pieces)*len(out) > limit {
			return nil, tooMany(c, e, limit)
		}
		var next []map[string]any
		for _, prev := range out {
			for _, p := range pieces {
				m := make(map[string]any, len(prev)+1)
				for k, v := range prev {
					m[k] = v
				}
				m[e.As] = p
				next = append(next, m)
			}
		}
		out = next
	}
	return out, nil
}

// create makes one item per combination of the hook's eaches (one without
// any), all or none: a key taken, a missing parent or a quota used up
// refuses the whole create. An item matching a kept one on the resource's
// replaceBy fields replaces it instead.
func (s *Store) create(c Call, h *contract.StateHook, params map[string]string) (fixture.Tasks, *contract.APIError) {
	var made fixture.Tasks
	pieces, apiErr := combos(c, h, params)
	if apiErr != nil {
		return made, apiErr
	}
	def := h.Def
	s.mu.Lock()
	// Everything is checked before anything is kept: a create makes all
	// its items or none.
	items := make([]*Item, 0, len(pieces)) // new items
	shown := make([]*Item, 0, len(pieces)) // what the answer shows, in the pieces' order
	var replaced []replacement             // kept items a piece replaces (replaceBy)
	uses := map[string]int{}
	seq := s.seq
	for _, each := range pieces {
		seq++
		data := contract.CreateData{Params: params, Each: each, Seq: seq, Now: c.Now, Account: c.Account}
		fields, err := evalFields(h.FieldT, data, false)
		if err != nil {
			s.mu.Unlock()
			return made, invalid(c, h, err)
		}
		if h.QuotaT != nil {
			name, err := h.QuotaT.Eval(data)
			if err != nil {
				s.mu.Unlock()
				return made, invalid(c, h, err)
			}
			if h.QuotaDefs[fmt.Sprint(name)] == nil {
				s.mu.Unlock()
				return made, invalid(c, h, fmt.Errorf("quota %q is not in x-mock-quotas", name))
			}
			uses[fmt.Sprint(name)]++
		}
		alt := altKey(def, fields)
		if old := s.replaces(c.Account, def, alt, items); old != nil {
			seq-- // a replacement keeps the item's number, key and creation
			data.Seq = old.Seq
			if fields, err = evalFields(h.FieldT, data, false); err != nil {
				s.mu.Unlock()
				return made, invalid(c, h, err)
			}
			fields[def.Key] = old.Fields[def.Key]
			replaced = append(replaced, replacement{old, fields})
			shown = append(shown, old)
			continue
		}
		key := fmt.Sprint(fields[def.Key])
		if s.byKey[itemKey{c.Account, def.Name, key}] != nil || slices.ContainsFunc(items, func(it *Item) bool { return it.Key == key }) {
			s.mu.Unlock()
			if h.Exists != "" {
				return made, apiError(c, h.Exists, def.Key)
			}
			return made, invalid(c, h, fmt.Errorf("%s %s is already taken", def.Key, key))
		}
		if def.Global && s.held[resKey{def.Name, key}] > 0 {
			s.mu.Unlock()
			if h.Taken != "" {
				return made, apiError(c, h.Taken, def.Key)
			}
			return made, invalid(c, h, fmt.Errorf("%s %s is another account's", def.Key, key))
		}
		if p := def.Parent; p != nil && s.byKey[itemKey{c.Account, p.Resource, fmt.Sprint(fields[p.Field])}] == nil {
			s.mu.Unlock()
			return made, notFound(c, h, p.Field)
		}
		it := &Item{Seq: seq, Account: c.Account, Resource: def.Name, Key: key, Fields: fields, Alt: alt,
			Created: c.Now, Modified: c.Now, Since: c.Now, Failed: c.Failed}
		if def.Status != nil {
			it.Status = def.Status.Initial
		}
		items = append(items, it)
		shown = append(shown, it)
	}
	var ws []tasks.RawWrite
	for name, n := range uses {
		q := h.QuotaDefs[name]
		if q == nil {
			continue
		}
		if s.quotas.used(c.Account, name, q, c.Now)+n > q.Daily {
			s.mu.Unlock()
			return made, apiError(c, h.Quota.Error, "")
		}
	}
	for name, n := range uses {
		if q := h.QuotaDefs[name]; q != nil {
			ws = append(ws, s.quotas.add(c.Account, name, q, n, c.Now)...)
		}
	}
	s.seq = seq
	for _, r := range replaced {
		r.apply(def, c)
		ws = append(ws, putWrite(r.it))
	}
	for _, it := range items {
		for _, e := range s.insert(it, def.PerAccount) {
			ws = append(ws, delWrite(e))
		}
		ws = append(ws, putWrite(it))
	}
	ws = append(ws, tasks.RawWrite{Bucket: bucketMeta, Key: keySeq, Value: binary.BigEndian.AppendUint64(nil, seq)})
	wait := s.queue(ws)
	views := make([]map[string]any, len(shown))
	for i, it := range shown {
		views[i] = it.View(def, c.Now)
	}
	s.mu.Unlock()
	if err := wait(); err != nil {
		// Not on disk, so not answered: forget them here too.
		s.mu.Lock()
		for _, it := range items {
			if s.byKey[itemKey{it.Account, it.Resource, it.Key}] == it {
				s.unlink(it)
			}
		}
		s.mu.Unlock()
		return made, errState(err)
	}
	made.Items = show(h, views)
	made.Item = made.Items[0]
	return made, nil
}
