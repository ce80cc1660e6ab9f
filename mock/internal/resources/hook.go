package resources

import (
	"encoding/binary"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// ValueBytes bounds each text value an item keeps, as the journal bounds
// its values: a longer one is cut and ends with the journal's marker.
const ValueBytes = 1 << 10

// maxItemBytes bounds all of an item's values together (texts as kept,
// JSON values as written): a create or update beyond it is refused with
// the hook's invalid code.
const maxItemBytes = 8 << 10

// Call is one request as a hook sees it.
type Call struct {
	Spec    *contract.Spec
	Op      *contract.Operation
	Account string     // with --credentials the key's account, else the access key id
	Params  url.Values // defaults filled in
	Failed  bool       // the scenario's outcome says created items end failed (task: failed)
	Now     time.Time
}

// Apply runs the operation's x-mock-state once the request passed
// validation and returns what the fixture shows. Its error is the API's
// answer.
func (s *Store) Apply(c Call) (fixture.Tasks, *contract.APIError) {
	h := c.Op.Resource
	params := map[string]string{}
	for k, v := range c.Params {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	if h.Do == contract.DoQuotas {
		return s.quotaViews(c, h), nil
	}
	s.mu.Lock()
	s.defs = c.Spec.Resources
	s.mu.Unlock()
	switch h.Do {
	case contract.DoCreate:
		return s.create(c, h, params)
	case contract.DoList:
		return s.list(c, h, params)
	case contract.DoExists:
		return s.exists(c, h, params), nil
	}
	return s.change(c, h, params)
}

// apiError is a documented code of the operation, about a parameter.
func apiError(c Call, code, param string) *contract.APIError {
	def, _ := c.Spec.ErrorDef(c.Op, code) // checked at load
	return def.WithName(param)
}

// invalid is the answer when a template fails on the request's values.
func invalid(c Call, h *contract.StateHook, err error) *contract.APIError {
	if h.Invalid != "" {
		e := apiError(c, h.Invalid, c.Op.Subject())
		e.Message += " " + err.Error()
		return e
	}
	e := c.Spec.Gateway(contract.CodeInvalidParameter, c.Op.Subject())
	e.Message += " " + err.Error()
	return e
}

func errState(err error) *contract.APIError {
	return &contract.APIError{Status: http.StatusInternalServerError, Code: "Mock.StateError",
		Message: fmt.Sprintf("the mock could not keep its resource state: %v", err)}
}

// combos are the pieces of each create item: one map per item, every
// combination of the eaches' pieces.
func combos(c Call, h *contract.StateHook, params map[string]string) ([]map[string]any, *contract.APIError) {
	out := []map[string]any{{}}
	for _, e := range h.Each {
		pieces, err := contract.SplitEach(e, params[e.Param])
		if err != nil {
			return nil, invalid(c, h, fmt.Errorf("%s: %v", e.Param, err))
		}
		if len(pieces) == 0 { // only a scenario that skips validation lets an empty one through
			return nil, c.Spec.Gateway(contract.CodeMissingParameter, e.Param)
		}
		limit := e.Max
		if limit == 0 {
			limit = 10000
		}
		if len(pieces)*len(out) > limit {
			if e.TooMany != "" {
				return nil, apiError(c, e.TooMany, e.Param)
			}
			return nil, invalid(c, h, fmt.Errorf("%s: more than %d items", e.Param, limit))
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

// evalFields renders a hook's field templates for data, keeping bounded
// copies; a template that renders "" or null is left out when skipEmpty.
func evalFields(ts map[string]*contract.ValueTemplate, data any, skipEmpty bool) (map[string]any, error) {
	out := make(map[string]any, len(ts))
	size := 0
	for k, t := range ts {
		v, err := t.Eval(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", k, err)
		}
		if str, ok := v.(string); ok {
			v = journal.KeptCopy(str, ValueBytes)
			size += len(v.(string))
		} else if v != nil {
			size += len(fmt.Sprint(v))
		}
		if skipEmpty && (v == nil || v == "") {
			continue
		}
		out[k] = v
	}
	if size > maxItemBytes {
		return nil, fmt.Errorf("the values come to %d bytes; the mock keeps at most %d an item", size, maxItemBytes)
	}
	return out, nil
}

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
		data := contract.CreateData{Params: params, Each: each, Seq: seq, Now: c.Now, AccessKeyId: c.Account}
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
			uses[fmt.Sprint(name)]++ // a name x-mock-quotas lacks uses no quota
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

func notFound(c Call, h *contract.StateHook, param string) *contract.APIError {
	if h.NotFound != "" {
		return apiError(c, h.NotFound, param)
	}
	return c.Spec.Gateway(contract.CodeInvalidParameter, param)
}

// show is how items appear in the answer: the hook's show templates over
// each view, or the views as they are.
func show(h *contract.StateHook, views []map[string]any) []map[string]any {
	if len(h.ShowT) == 0 {
		return views
	}
	out := make([]map[string]any, len(views))
	for i, v := range views {
		shown, err := evalFields(h.ShowT, v, false)
		if err != nil { // show reads the item the spec describes: cannot fail on a request
			shown = map[string]any{"Error": err.Error()}
		}
		out[i] = shown
	}
	return out
}
