package resources

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
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
