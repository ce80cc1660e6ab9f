// Package drift checks an answer of the real service against the spec: the
// status documented for its code, the code documented for the operation or
// the gateway, a success body valid against the operation's response schema
// (unknown fields included), and whether the mock's own validation would
// have answered the same request the same way.
package drift

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
)

// Kinds of finding. KindRequest is the mock's own check of a request
// (contract.Violation); this package reports the other two.
const (
	KindRequest    = "request"    // the request broke the spec
	KindResponse   = "response"   // the upstream's answer breaks the spec
	KindValidation = "validation" // the mock would have answered otherwise
)

// Finding is one way an upstream answer drifts from the spec.
type Finding struct {
	Kind   string // KindResponse or KindValidation
	Field  string // what differs: "status", "code", or a JSON pointer into the body
	Reason string
}

func (f Finding) String() string { return f.Kind + " " + f.Field + ": " + f.Reason }

// Answer is what the upstream answered, read enough to be checked.
type Answer struct {
	Status int
	Code   string // the error code; "" for a success
	Body   []byte
	JSON   bool // the body is JSON (else XML or something else)
}

// Checker checks answers against one spec; it compiles each operation's
// response schema once, on first use.
type Checker struct {
	spec    *contract.Spec
	schemas sync.Map // *contract.Operation → *compiled
}

type compiled struct {
	schema *jsonschema.Schema
	err    error
}

// NewChecker returns a Checker for sp.
func NewChecker(sp *contract.Spec) *Checker { return &Checker{spec: sp} }

// Check returns every way a answers op (nil for an action the spec does
// not know) unlike the spec, and unlike mockWould: the mock's own answer to
// the same request under its validation (nil: success).
func (c *Checker) Check(op *contract.Operation, a Answer, mockWould *contract.APIError) []Finding {
	var out []Finding
	success := a.Status >= 200 && a.Status < 300 && a.Code == ""
	name := "the gateway"
	if op != nil {
		name = op.Name
	}
	if success {
		if op != nil {
			out = append(out, c.checkBody(op, a)...)
		}
	} else {
		def, ok := c.spec.ErrorDef(op, a.Code)
		switch {
		case a.Code == "":
			out = append(out, Finding{KindResponse, "code", fmt.Sprintf("status %d with no error code in the body", a.Status)})
		case !ok:
			out = append(out, Finding{KindResponse, "code", fmt.Sprintf("%s is not documented for %s or the gateway", a.Code, name)})
		case def.Status != a.Status:
			out = append(out, Finding{KindResponse, "status", fmt.Sprintf("%s came with status %d; the spec documents %d", a.Code, a.Status, def.Status)})
		}
	}
	if !success && op != nil && op.Resource.StateCode(a.Code) {
		return out // the answer of the account's state, which validation alone cannot see
	}
	return append(out, validation(success, a, mockWould)...)
}

// validation compares the upstream's verdict with the mock's. Errors that
// say nothing about the request (throttling, the service failing, the
// signature) are left out: the mock cannot disagree with them.
func validation(success bool, a Answer, mockWould *contract.APIError) []Finding {
	switch {
	case success && mockWould != nil:
		return []Finding{{KindValidation, "code", fmt.Sprintf("the mock would refuse what the upstream accepted: %d %s (%s)", mockWould.Status, mockWould.Code, mockWould.Message)}}
	case success || !aboutRequest(a):
		return nil
	case mockWould == nil:
		return []Finding{{KindValidation, "code", fmt.Sprintf("the mock would accept what the upstream refused with %d %s", a.Status, a.Code)}}
	case mockWould.Code != a.Code:
		return []Finding{{KindValidation, "code", fmt.Sprintf("the mock would answer %s where the upstream answered %s", mockWould.Code, a.Code)}}
	}
	return nil
}

// aboutRequest tells whether an error answer judges the request itself.
func aboutRequest(a Answer) bool {
	switch {
	case a.Status >= 500, a.Status == http.StatusTooManyRequests, a.Code == "":
		return false
	case strings.HasPrefix(a.Code, "Throttling"), strings.HasPrefix(a.Code, "Signature"),
		strings.HasPrefix(a.Code, "InvalidAccessKeyId"), strings.HasPrefix(a.Code, "InvalidTimeStamp"),
		strings.HasPrefix(a.Code, "Forbidden"), a.Code == "IncompleteSignature", a.Code == "InvalidSecurityToken.Expired":
		return false
	}
	return true
}

// checkBody holds a JSON success body to the operation's response schema,
// which forbids fields it does not list (additionalProperties: false).
func (c *Checker) checkBody(op *contract.Operation, a Answer) []Finding {
	if !a.JSON {
		return nil // XML answers are not checked: the schema describes JSON
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(a.Body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []Finding{{KindResponse, "body", "not valid JSON: " + err.Error()}}
	}
	full, err := op.Full() // a call refused before its operation is reached has it as routing knows it (contract.Spec.Summary)
	if err != nil {
		return []Finding{{KindResponse, "body", "not checked: " + err.Error()}}
	}
	s, err := c.schema(full)
	if err != nil {
		return []Finding{{KindResponse, "body", "the spec's response schema does not compile: " + err.Error()}}
	}
	if s == nil {
		return nil
	}
	err = s.Validate(v)
	if err == nil {
		return nil
	}
	var out []Finding
	for _, l := range diag.SchemaLeaves(err) {
		loc := diag.LeafLocation(l)
		out = append(out, Finding{KindResponse, "body" + loc, l.Message})
	}
	return out
}

func (c *Checker) schema(op *contract.Operation) (*jsonschema.Schema, error) {
	if v, ok := c.schemas.Load(op); ok {
		return v.(*compiled).schema, v.(*compiled).err
	}
	cs := &compiled{}
	if op.Response != nil {
		cs.schema, cs.err = fixture.CompileResponseSchema(op) // the one compiler, which fixtures are checked with
	}
	c.schemas.Store(op, cs)
	return cs.schema, cs.err
}

// Summary is the findings in one line of at most limit bytes, for the
// X-Mock-Drift header: as many whole findings as fit, then how many more
// there are; the first is cut if even it does not fit.
func Summary(fs []Finding, limit int) string {
	var b strings.Builder
	for i, f := range fs {
		s := headerSafe(f.String())
		if i > 0 {
			s = "; " + s
		}
		more := ""
		if rest := len(fs) - i - 1; rest > 0 {
			more = fmt.Sprintf("; +%d more", rest)
		}
		if b.Len()+len(s)+len(more) <= limit {
			b.WriteString(s)
			continue
		}
		tail := fmt.Sprintf("; +%d more", len(fs)-i)
		if i == 0 {
			tail = "..." + more
			s = s[:max(0, limit-len(tail))]
		} else {
			s = ""
		}
		if b.Len()+len(s)+len(tail) > limit {
			return b.String()
		}
		b.WriteString(s + tail)
		return b.String()
	}
	return b.String()
}

// headerSafe keeps a header value to one line of printable ASCII.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f {
			return '?'
		}
		return r
	}, s)
}
