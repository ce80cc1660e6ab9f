package contract

import (
	"net/url"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// quickCheck answers "valid" for the common request without a trip through
// openapi3filter, which costs a score of allocations per call. It knows only
// simple parameter schemas (strings with pattern, enum and length limits;
// integers with bounds) and says valid only when it is sure: anything it
// does not know, or any failure, sends the request to the full validation,
// which gives the violations and their messages.
type quickCheck struct {
	params   []quickParam
	unusable bool // a schema it does not know: always use the full validation
}

type quickParam struct {
	name     string
	required bool
	integer  bool
	bits     int // of an integer: 32 for format int32, as openapi3filter parses it; else 64
	pattern  *pattern
	enum     map[string]bool
	minLen   uint64
	maxLen   *uint64
	min, max *float64
}

// quick returns the operation's check, built on first use so that the
// operation is complete (layers merged) by then.
func (op *Operation) quick() *quickCheck {
	if q := op.quickCheck.Load(); q != nil {
		return q
	}
	q := newQuickCheck(op.route.Operation)
	if q == nil {
		q = &quickCheck{unusable: true}
	}
	op.quickCheck.Store(q)
	return q
}

func newQuickCheck(o *openapi3.Operation) *quickCheck {
	q := &quickCheck{}
	for _, ref := range o.Parameters {
		p := ref.Value
		if p == nil || p.In != openapi3.ParameterInQuery || p.Content != nil || p.Schema == nil || p.Schema.Value == nil {
			return nil
		}
		sc := p.Schema.Value
		qp := quickParam{name: p.Name, required: p.Required, minLen: sc.MinLength, maxLen: sc.MaxLength, min: sc.Min, max: sc.Max}
		switch {
		case sc.Type.Is("string") && sc.Format == "":
		case sc.Type.Is("integer") && sc.Format == "" || sc.Type.Is("integer") && (sc.Format == "int32" || sc.Format == "int64"):
			qp.integer, qp.bits = true, 64
			if sc.Format == "int32" {
				qp.bits = 32
			}
		default:
			return nil
		}
		if sc.ExclusiveMin.IsSet() || sc.ExclusiveMax.IsSet() || sc.MultipleOf != nil || len(sc.AllOf)+len(sc.AnyOf)+len(sc.OneOf) > 0 || sc.Not != nil || p.AllowEmptyValue {
			return nil
		}
		if sc.Pattern != "" {
			pat, err := compilePattern(sc.Pattern)
			if err != nil {
				return nil
			}
			qp.pattern = pat
		}
		if len(sc.Enum) > 0 {
			qp.enum = map[string]bool{}
			for _, e := range sc.Enum {
				s, ok := e.(string)
				if !ok {
					return nil
				}
				qp.enum[s] = true
			}
		}
		q.params = append(q.params, qp)
	}
	return q
}

// valid reports whether params surely pass the operation's schema checks.
func (q *quickCheck) valid(params url.Values) bool {
	if q.unusable {
		return false
	}
	for i := range q.params {
		p := &q.params[i]
		vs, ok := params[p.name]
		if !ok {
			if p.required {
				return false
			}
			continue
		}
		if len(vs) != 1 || vs[0] == "" {
			return false // repeated or empty: let the full validation decide
		}
		v := vs[0]
		if p.integer {
			n, err := strconv.ParseInt(v, 10, p.bits)
			if err != nil || p.min != nil && float64(n) < *p.min || p.max != nil && float64(n) > *p.max {
				return false
			}
			continue
		}
		if p.enum != nil && !p.enum[v] {
			return false
		}
		if p.pattern != nil && !p.pattern.match(v) {
			return false
		}
		if n := uint64(len([]rune(v))); n < p.minLen || p.maxLen != nil && n > *p.maxLen {
			return false
		}
	}
	return true
}
