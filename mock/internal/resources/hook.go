package resources

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
)

// ValueBytes bounds each text value an item keeps: a longer one is
// refused (the hook's invalid code), never cut, as a cut value could never
// be found again by the filter that names it.
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
	if err := s.broken.Load(); err != nil {
		return fixture.Tasks{}, errState(fmt.Errorf("%s; the mock refuses every call until it restarts, as memory may hold what the file lacks", *err))
	}
	switch h.Do {
	case contract.DoQuotas:
		return s.quotaViews(c, h), nil
	case contract.DoCreate:
		return s.create(c, h, params)
	case contract.DoList:
		return s.list(c, h, params)
	case contract.DoExists:
		return s.exists(c, h, params)
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

// fail records that a --state write failed: memory may now hold changes
// the file lacks (and other calls' changes made since), so rather than
// undo part of them, every later call is refused until a restart reloads
// the file. Its answer is the failed call's.
func (s *Store) fail(err error) *contract.APIError {
	msg := err.Error()
	s.broken.CompareAndSwap(nil, &msg)
	return errState(err)
}

// errShow is the answer when the spec's show templates fail on an item:
// a mistake of the spec, not of the request.
func errShow(err error) *contract.APIError {
	return &contract.APIError{Status: http.StatusInternalServerError, Code: "Mock.StateError",
		Message: fmt.Sprintf("the spec's show templates fail on an item: %v", err)}
}

// evalFields renders the field templates an item keeps: a text longer
// than ValueBytes, or values over maxItemBytes together, is an error (the
// caller answers the hook's invalid code); a template that renders "" or
// null is left out when skipEmpty.
func evalFields(ts map[string]*contract.ValueTemplate, data any, skipEmpty bool) (map[string]any, error) {
	out := make(map[string]any, len(ts))
	size := 0
	for k, t := range ts {
		v, err := t.Eval(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", k, err)
		}
		if str, ok := v.(string); ok {
			if len(str) > ValueBytes {
				return nil, fmt.Errorf("%s is %d bytes; the mock keeps at most %d a value", k, len(str), ValueBytes)
			}
			size += len(str)
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

// showFields renders a hook's show templates over an item's view: what
// an answer shows, not kept, so not bounded here (its values are).
func showFields(ts map[string]*contract.ValueTemplate, data any) (map[string]any, error) {
	out := make(map[string]any, len(ts))
	for k, t := range ts {
		v, err := t.Eval(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", k, err)
		}
		out[k] = v
	}
	return out, nil
}

func notFound(c Call, h *contract.StateHook, param string) *contract.APIError {
	if h.NotFound != "" {
		return apiError(c, h.NotFound, param)
	}
	return c.Spec.Gateway(contract.CodeInvalidParameter, param)
}

// shownItems is how items appear in the answer: the hook's show templates over
// each view, or the views as they are. A template failing is the spec's
// mistake: Mock.StateError, never an item made of the error.
func shownItems(h *contract.StateHook, views []map[string]any) ([]map[string]any, *contract.APIError) {
	if len(h.ShowT) == 0 {
		return views, nil
	}
	out := make([]map[string]any, len(views))
	for i, v := range views {
		shown, err := showFields(h.ShowT, v)
		if err != nil {
			return nil, errShow(err)
		}
		out[i] = shown
	}
	return out, nil
}
