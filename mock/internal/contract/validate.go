package contract

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Violation is one way a request breaks the spec, as kin-openapi reports it.
type Violation struct {
	Parameter string    `json:"parameter"`
	Reason    string    `json:"reason"`
	Err       *APIError `json:"-"` // the API's answer to it
}

var validationOptions = &openapi3filter.Options{
	MultiError:         true,
	ExcludeRequestBody: true, // RPC parameters are merged into the query before validation
	// Defaults are applied by the mock itself (see withDefaults), because
	// kin-openapi writes them into the request URL rather than the values given.
	SkipSettingDefaults: true,
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
}

// CheckRequest returns every way the parameters break the spec: the schema
// checks, then parameters the operation does not declare (sorted). The real
// service ignores unknown parameters, so those carry no API error.
func (s *Spec) CheckRequest(ctx context.Context, op *Operation, params url.Values) []Violation {
	vs := append(s.checkSchema(ctx, op, params), s.checkLists(op, params)...) // repeat lists: lists.go
	var unknown []string
	for name := range params {
		if !commonParams[name] && !op.HasParam(name) {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		vs = append(vs, Violation{Parameter: name, Reason: "unknown parameter: " + op.Name + " does not declare it"})
	}
	return vs
}

// checkSchema runs the spec's parameter checks through openapi3filter and
// returns every violation, in spec order, each mapped to an API error.
func (s *Spec) checkSchema(ctx context.Context, op *Operation, params url.Values) []Violation {
	if op.quick().valid(params) {
		return nil // surely valid: skip openapi3filter's cost (paramcheck.go)
	}
	return s.validateFully(ctx, op, params)
}

// validateFully runs openapi3filter over every parameter.
func (s *Spec) validateFully(ctx context.Context, op *Operation, params url.Values) []Violation {
	input := &openapi3filter.RequestValidationInput{
		Request:     &http.Request{Method: op.route.Method, URL: &url.URL{Path: "/"}, Header: http.Header{}},
		QueryParams: params,
		Route:       op.route,
		Options:     validationOptions,
	}
	err := openapi3filter.ValidateRequest(ctx, input)
	if err == nil {
		return nil
	}
	var errs []error
	var me openapi3.MultiError
	if errors.As(err, &me) {
		errs = me
	} else {
		errs = []error{err}
	}
	out := make([]Violation, 0, len(errs))
	for _, e := range errs {
		out = append(out, s.violation(op, e))
	}
	return out
}

func (s *Spec) violation(op *Operation, err error) Violation {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) || re.Parameter == nil {
		return Violation{Reason: err.Error(), Err: s.Gateway(CodeInvalidParameter, "")}
	}
	name := re.Parameter.Name
	v := Violation{Parameter: name, Reason: reason(re)}
	var p *Param
	for _, q := range op.Params {
		if q.Name == name {
			p = q
		}
	}
	missing := errors.Is(re.Err, openapi3filter.ErrInvalidRequired)
	code := CodeInvalidParameter
	if missing {
		code = CodeMissingParameter
	}
	if p != nil && missing && p.missing != "" {
		code = p.missing
	} else if p != nil && !missing && p.invalid != "" {
		code = p.invalid
	}
	def := s.CheckError(op, code) // the gateway's own for generic codes: CheckError, below
	v.Err = def.WithName(name)
	return v
}

func reason(re *openapi3filter.RequestError) string {
	if re.Err == nil {
		return re.Reason
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		return se.Reason
	}
	return re.Err.Error()
}

// CheckRules runs the operation's semantic rules, first failure wins.
func (s *Spec) CheckRules(op *Operation, params url.Values, now time.Time) *APIError {
	for _, r := range op.rules {
		f := r.check(params, now)
		if f == nil {
			continue
		}
		code := f.code
		if code == "" {
			code = CodeInvalidParameter
			for _, p := range op.Params {
				if p.Name == f.param && p.invalid != "" {
					code = p.invalid
				}
			}
		}
		def := s.CheckError(op, code) // CheckError
		return def.WithName(f.param)
	}
	return nil
}

// defaultValues is the default as a parameter's values, made once: the
// slice is shared by every call's parameters, which are never written to.
func (p *Param) defaultValues() []string {
	if p.defaults == nil {
		return []string{p.Default}
	}
	return p.defaults
}

// AddDefaults adds the spec's defaults for absent parameters to params
// itself: the server's own call, whose parameters are checked by then,
// takes them so without a copy, and takes them out again (RemoveDefaults)
// before the journal keeps what was sent.
func (op *Operation) AddDefaults(params url.Values) {
	for _, p := range op.Params {
		if p.Default != "" && !params.Has(p.Name) {
			params[p.Name] = p.defaultValues()
		}
	}
}

// RemoveDefaults takes out of params what AddDefaults added: the values
// that are the spec's own slice, which a client's never is.
func (op *Operation) RemoveDefaults(params url.Values) {
	for _, p := range op.Params {
		if vs := params[p.Name]; len(vs) == 1 && len(p.defaults) == 1 && &vs[0] == &p.defaults[0] {
			delete(params, p.Name)
		}
	}
}

// WithDefaults returns params with the spec's defaults filled in for absent
// parameters, so fixtures see what the real service would use.
func (op *Operation) WithDefaults(params url.Values) url.Values {
	var out url.Values
	for _, p := range op.Params {
		if p.Default == "" || params.Has(p.Name) {
			continue
		}
		if out == nil {
			out = make(url.Values, len(params)+1)
			for k, v := range params {
				out[k] = v
			}
		}
		out[p.Name] = p.defaultValues()
	}
	if out == nil {
		return params
	}
	return out
}

// StateParams are the parameters a state hook sees: the defaults filled
// in and the values of x-mock-fold parameters lower-cased (a copy when
// anything changes: the journal keeps what the client sent).
func (op *Operation) StateParams(params url.Values) url.Values {
	out := op.WithDefaults(params)
	copied := false
	for _, p := range op.Params {
		vs := out[p.Name]
		if !p.fold || len(vs) == 0 || vs[0] == strings.ToLower(vs[0]) {
			continue
		}
		if !copied {
			out, copied = maps.Clone(out), true
		}
		lowered := make([]string, len(vs))
		for i, v := range vs {
			lowered[i] = strings.ToLower(v)
		}
		out[p.Name] = lowered
	}
	return out
}

// CheckError is the error a failed check of a request answers. The generic
// codes, MissingParameter and InvalidParameter, are the gateway's, which
// checks parameters before the operation runs: their common definition,
// whose message names the parameter, even when the operation documents the
// same code with a message of its own (many generated operations do, for
// other conditions: "StartTime and EndTime can not be single."); a scenario
// that forces the code still answers the operation's. Other codes (a
// parameter's x-mock-errors, a rule's error) are the operation's.
func (s *Spec) CheckError(op *Operation, code string) ErrorDef {
	if code == CodeMissingParameter || code == CodeInvalidParameter {
		if d, ok := s.Common[code]; ok {
			return d
		}
	}
	d, _ := s.ErrorDef(op, code) // codes were checked when the spec was loaded
	return d
}
