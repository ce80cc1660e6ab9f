package resources

import (
	"encoding/binary"
	"fmt"

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
		if len(pieces) > limit {
			return nil, tooMany(c, e, limit)
		}
		// The pieces multiply: more than the account keeps would push out
		// the call's own items, or never fit; refused before they are made.
		if n := len(pieces) * len(out); n > h.Def.PerAccount {
			if h.Full != "" {
				return nil, apiError(c, h.Full, e.Param)
			}
			return nil, invalid(c, h, fmt.Errorf("%d items in one call; the account keeps at most %d", n, h.Def.PerAccount))
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
// any), all or none: a key taken, a missing parent, a full resource or a
// quota used up refuses the whole create. A piece whose update key names
// a kept item updates that item instead. Every check is a map lookup, so
// a create costs O(pieces), which perAccount bounds.
func (s *Store) create(c Call, h *contract.StateHook, params map[string]string) (fixture.Tasks, *contract.APIError) {
	var made fixture.Tasks
	pieces, apiErr := combos(c, h, params)
	if apiErr != nil {
		return made, apiErr
	}
	def := h.Def
	unlock := s.lock()
	defer s.release(unlock)
	// Everything is checked before anything is kept: a create makes all
	// its items or none.
	items := make([]*Item, 0, len(pieces)) // new items
	shown := make([]*Item, 0, len(pieces)) // what the answer shows, in the pieces' order
	keys := make(map[string]bool, len(pieces))
	var updates []replacement // kept items a piece updates
	uses := map[string]int{}
	seq := s.seq
	fail := func(e *contract.APIError) (fixture.Tasks, *contract.APIError) {
		unlock()
		return made, e
	}
	for _, each := range pieces {
		seq++
		data := contract.CreateData{Params: params, Each: each, Seq: seq, Now: c.Now, Account: c.Account}
		if h.QuotaT != nil {
			name, err := h.QuotaT.Eval(data)
			if err != nil {
				return fail(invalid(c, h, err))
			}
			if h.QuotaDefs[fmt.Sprint(name)] == nil {
				return fail(invalid(c, h, fmt.Errorf("quota %q is not in x-mock-quotas", name)))
			}
			uses[fmt.Sprint(name)]++
		}
		if old, e := s.updated(c, h, &data); e != nil {
			return fail(e)
		} else if old != nil {
			seq-- // an update keeps the item's number, key and creation
			if keys[old.Key] {
				return fail(invalid(c, h, fmt.Errorf("%s %s is updated twice in one call", def.Key, old.Key)))
			}
			keys[old.Key] = true
			fields, err := evalFields(h.FieldT, data, false)
			if err != nil {
				return fail(invalid(c, h, err))
			}
			fields[def.Key] = old.Fields[def.Key]
			if p := def.Parent; p != nil && old.Parent != nil && fmt.Sprint(fields[p.Field]) != old.Parent.Key {
				return fail(apiError(c, h.Update.NotFound, def.Key)) // another parent's item
			}
			updates = append(updates, replacement{old, fields})
			shown = append(shown, old)
			continue
		}
		fields, err := evalFields(h.FieldT, data, false)
		if err != nil {
			return fail(invalid(c, h, err))
		}
		key := fmt.Sprint(fields[def.Key])
		if keys[key] || s.byKey[itemKey{c.Account, def.Name, key}] != nil {
			if h.Exists != "" {
				return fail(apiError(c, h.Exists, def.Key))
			}
			return fail(invalid(c, h, fmt.Errorf("%s %s is already taken", def.Key, key)))
		}
		keys[key] = true
		if def.Global && s.held[resKey{def.Name, key}] > 0 {
			if h.Taken != "" {
				return fail(apiError(c, h.Taken, def.Key))
			}
			return fail(invalid(c, h, fmt.Errorf("%s %s is another account's", def.Key, key)))
		}
		it := &Item{Seq: seq, Account: c.Account, Resource: def.Name, Key: key, Fields: fields,
			Created: c.Now, Modified: c.Now, Since: c.Now, Failed: c.Failed}
		if p := def.Parent; p != nil {
			it.Parent = &ParentRef{Resource: p.Resource, Key: fmt.Sprint(fields[p.Field])}
			if s.byKey[itemKey{c.Account, p.Resource, it.Parent.Key}] == nil {
				return fail(notFound(c, h, p.Field))
			}
		}
		if def.Status != nil {
			it.Status = def.Status.Initial
		}
		items = append(items, it)
		shown = append(shown, it)
	}
	if def.OnFull == contract.OnFullRefuse {
		if ok, serverFull := s.room(c.Account, def, len(items)); !ok {
			e := apiError(c, h.Full, "")
			if serverFull { // not the account's limit: say whose, and how to free it
				e.Message += fmt.Sprintf(" (the mock's own bound: at most %d %s items on the server, every account together; DELETE /_mock/resources frees them)", s.limit, def.Name)
			}
			return fail(e)
		}
	}
	var ws []tasks.RawWrite
	for name, n := range uses {
		q := h.QuotaDefs[name]
		if q != nil && s.quotas.used(c.Account, name, q, c.Now)+n > q.Daily {
			return fail(apiError(c, h.Quota.Error, ""))
		}
	}
	for name, n := range uses {
		if q := h.QuotaDefs[name]; q != nil {
			ws = append(ws, s.quotas.add(c.Account, name, q, n, c.Now)...)
		}
	}
	s.seq = seq
	for _, r := range updates {
		r.apply(def, c)
		ws = append(ws, putWrite(r.it))
	}
	for _, it := range items {
		w, err := s.insert(it, def.PerAccount)
		ws = append(ws, w...)
		if err != nil {
			// A bug of the store, and memory is half changed: refuse every
			// call until a restart reloads the file, as after a failed write.
			return fail(s.fail(err))
		}
		ws = append(ws, putWrite(it))
	}
	ws = append(ws, tasks.RawWrite{Bucket: bucketMeta, Key: keySeq, Value: binary.BigEndian.AppendUint64(nil, seq)})
	wait := s.queue(ws)
	views := make([]map[string]any, len(shown))
	for i, it := range shown {
		views[i] = it.View(def, c.Now)
	}
	unlock()
	if err := wait(); err != nil {
		return made, s.fail(err) // not on disk, so not answered
	}
	if made.Items, apiErr = shownItems(h, views); apiErr != nil {
		return made, apiErr
	}
	made.Item = made.Items[0]
	return made, nil
}

// updated is the kept item the piece's update key names (nil: the piece
// makes a new item); data.Seq becomes its number. Called with mu held.
func (s *Store) updated(c Call, h *contract.StateHook, data *contract.CreateData) (*Item, *contract.APIError) {
	if h.UpdateT == nil {
		return nil, nil
	}
	k, err := h.UpdateT.Eval(*data)
	if err != nil {
		return nil, invalid(c, h, err)
	}
	key := fmt.Sprint(k)
	if k == nil || key == "" {
		return nil, nil
	}
	old := s.byKey[itemKey{c.Account, h.Def.Name, key}]
	if old == nil {
		return nil, apiError(c, h.Update.NotFound, h.Def.Key)
	}
	data.Seq = old.Seq
	return old, nil
}
