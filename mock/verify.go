package mock

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/drift"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/glob"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/upstream"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// Verify checks the spec against the real service: for every operation
// that changes nothing (the spec's x-mock-read-only prefixes), it sends the
// example request, signed with the upstream's key, and checks the answer
// as proxy mode does (package drift).

// VerifyOptions narrow what Verify calls.
type VerifyOptions struct {
	Upstream      UpstreamConfig
	IncludeWrites bool   // also the operations that create, change or delete
	Action        string // a glob (* and ?) the Action must match; "" for all
}

// VerifyResult is one operation's check.
type VerifyResult struct {
	Action    string      `json:"action"`
	Status    int         `json:"status"` // the upstream's; 0 when no answer came
	Code      string      `json:"code"`   // its error code; "" for a success
	RequestID string      `json:"requestId,omitempty"`
	Findings  []DriftItem `json:"drift"`           // empty: the answer conforms
	Error     string      `json:"error,omitempty"` // the exchange failed (Mock.Upstream*)
}

// DriftItem is one way an answer differs from the spec.
type DriftItem struct {
	Kind   string `json:"kind"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// ErrNoOperation is Verify's error when the filters leave no operation.
var ErrNoOperation = errors.New("no operation to verify")

// Verify checks the operations cfg's spec serves (ctx bounds it all).
// An exchange that fails is a result with Error set, not an error.
func Verify(ctx context.Context, cfg Config, opts VerifyOptions) ([]VerifyResult, error) {
	cfg = cfg.withDefaults()
	cat, err := loadCatalog(cfg, cfg.Clock.Now(), false) // every operation is called: loaded in full
	if err != nil {
		return nil, err
	}
	sp := cat.spec
	u := opts.Upstream
	fwd, err := upstream.New(u.URL, upstream.Credentials{AccessKeyID: u.AccessKeyID, AccessKeySecret: u.AccessKeySecret, SecurityToken: u.SecurityToken}, u.Client)
	if err != nil {
		return nil, err
	}
	checker := drift.NewChecker(sp)
	var out []VerifyResult
	for _, name := range sp.OperationNames() {
		if (!opts.IncludeWrites && !sp.ReadOnly(sp.Summary(name))) || (opts.Action != "" && !glob.Match(opts.Action, name)) {
			continue
		}
		op, err := sp.LoadOperation(name) // its example and its checks need it in full
		if err != nil {
			out = append(out, VerifyResult{Action: name, Error: err.Error()})
			continue
		}
		params := exampleRequest(sp, op)
		req, err := http.NewRequestWithContext(ctx, cmp.Or(preferred(op.Methods), http.MethodPost), "/?"+params.Encode(), nil)
		if err != nil {
			return nil, err
		}
		res := VerifyResult{Action: name}
		answer, ferr := fwd.Forward(ctx, req, nil, false)
		if ferr != nil {
			res.Error = ferr.Code + ": " + ferr.Message
			out = append(out, res)
			continue
		}
		res.Status, res.Code, res.RequestID = answer.Status, answer.Code, answer.RequestID
		would := mockWould(sp, op, &Call{Params: params}, sp.CheckRequest(ctx, op, params), cfg.Clock.Now())
		for _, f := range checker.Check(op, drift.Answer{Status: answer.Status, Code: answer.Code, Body: answer.Body, JSON: answer.JSON}, would) {
			res.Findings = append(res.Findings, DriftItem{Kind: f.Kind, Field: f.Field, Reason: f.Reason})
		}
		out = append(out, res)
	}
	if len(out) == 0 {
		return nil, ErrNoOperation
	}
	return out, nil
}

// exampleRequest is an operation's example call: its required parameters
// with the spec's examples (or defaults), in JSON.
func exampleRequest(sp *Spec, op *Operation) url.Values {
	v := url.Values{wire.ParamAction: {op.Name}, wire.ParamVersion: {sp.Version}, wire.ParamFormat: {wire.FormatJSON}}
	for _, p := range op.Params {
		if !p.Required {
			continue
		}
		if p.List != nil {
			p.List.Sample(v)
			continue
		}
		if ex := cmp.Or(p.Example, p.Default); ex != "" {
			v.Set(p.Name, ex)
		}
	}
	return v
}

// preferred is the method verify sends: POST, as the SDKs do, if allowed.
func preferred(methods []string) string {
	for _, m := range methods {
		if m == http.MethodPost {
			return m
		}
	}
	if len(methods) > 0 {
		return methods[0]
	}
	return ""
}
