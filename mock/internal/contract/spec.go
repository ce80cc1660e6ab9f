package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// Spec is a loaded and checked API description: everything the server knows
// about the API comes from here.
type Spec struct {
	Product string // x-acs-product, e.g. "Cdn"
	Version string // info.version, e.g. "2018-05-10"
	HostID  string // x-acs-host-id, the HostId of error bodies

	Doc         *openapi3.T
	Common      map[string]ErrorDef   // the common (gateway) errors, by code
	CommonCodes []string              // their codes, in spec order
	ops         map[string]*Operation // by name: Operation, Summary
	Names       []string              // operation names, sorted
	AllMethods  []string              // union of every operation's methods
	// ReadOnlyPrefixes (x-mock-read-only) are the Action prefixes of the
	// operations that change nothing, for an operation without
	// x-acs-operation-type (ReadOnly).
	ReadOnlyPrefixes []string
	// SecretParams (x-mock-secret-parameters) are the parameters whose
	// values are secrets (a TLS private key): the journal and recordings
	// keep only SecretDigest of them.
	SecretParams map[string]bool
	Src          *diag.YAMLFile // the file, for problems' lines (parsed only when asked)

	indexed bool                                   // made from an index (lazy.go)
	onLoad  atomic.Pointer[func(*Operation) error] // an indexed spec's: runs as each operation loads
	kept    struct {                               // Kept's
		once sync.Once
		v    any
	}

	Resources map[string]*Resource // x-mock-resources (resources.go)
	Quotas    map[string]*Quota    // x-mock-quotas
}

// Operation is one Action of the API.
type Operation struct {
	Name      string
	Methods   []string // upper case
	RateLimit int      // documented calls per second per account, 0 when none
	// Type is x-acs-operation-type, the metadata's operationType: "read"
	// (changes nothing) or "write"; "" when the spec does not say.
	Type   string
	Params []*Param // in spec order

	errs     []ErrorDef       // documented codes, in spec order: Errors, Documents
	State    *TaskHook        // x-mock-state: what it does to tasks (taskstate.go; what it does: package tasks)
	Resource *StateHook       // x-mock-state: what it does to a resource (statehook.go; package resources)
	Response *openapi3.Schema // the 200 JSON body
	Pages    []PagedList      // x-mock-page: the stateless lists a fixture pages (listshape.go)
	Echo     []EchoField      // x-mock-echo: response fields that echo the request, by path

	rules      []rule
	quickCheck atomic.Pointer[quickCheck] // built on first use: paramcheck.go
	route      *routers.Route
	lazy       *lazyOp // an indexed spec's operation, loaded on first use (lazy.go)
}

// Param is one request parameter with the codes its failed checks map to.
type Param struct {
	Name     string
	Required bool
	Default  string
	Example  string
	defaults []string    // []string{Default}, made at load (defaultValues)
	missing  string      // code when absent; "" means MissingParameter
	invalid  string      // code when it breaks its schema; "" means InvalidParameter
	fold     bool        // x-mock-fold: lower: state sees the value lower-cased (case-insensitive names)
	List     *RepeatList // x-acs-style: repeatList, sent as Name.N or Name.N.Field (lists.go)
}

// ReadOnly tells whether op changes nothing: its x-acs-operation-type
// (read), else, when the spec does not say, its name's prefix
// (x-mock-read-only): Describe*, List*, Check*...
func (s *Spec) ReadOnly(op *Operation) bool {
	switch op.Type {
	case OperationRead:
		return true
	case OperationWrite:
		return false
	}
	for _, p := range s.ReadOnlyPrefixes {
		if strings.HasPrefix(op.Name, p) {
			return true
		}
	}
	return false
}

// The values of x-acs-operation-type.
const (
	OperationRead  = "read"
	OperationWrite = "write"
)

// SecretDigest is what the journal and recordings keep of a secret
// parameter's value: equal values stay equal (recordings still match),
// the value never shows.
func SecretDigest(v string) string {
	sum := sha256.Sum256([]byte(v))
	return "<redacted:sha256:" + hex.EncodeToString(sum[:4]) + ">"
}

// secretParamProblems names each secret parameter no operation has: a
// typo would leave a private key in clear. Checked on the layers merged
// (Merge): a hand-written spec served alone may lack those operations.
func (s *Spec) secretParamProblems() diag.Problems {
	var unknown []string
	for name := range s.SecretParams {
		found := false
		for _, op := range s.ops {
			for _, p := range op.Params {
				found = found || p.Name == name
			}
		}
		if !found {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	var ps diag.Problems
	for _, name := range unknown {
		ps.Add(s.Src.Name, s.Src.Line("/x-mock-secret-parameters"), "x-mock-secret-parameters", "%s is no operation's parameter", name)
	}
	return ps
}

// Kept returns what is kept with the spec, made by mk on the first call:
// what is built from a spec shared by servers (the generated layer's
// compiled fixtures) lives exactly as long as the spec. Kept apart, in a
// cache of its own, it could be dropped while the spec is kept, and an
// indexed spec's OnLoad would then point at what no server uses.
func (s *Spec) Kept(mk func() any) any {
	s.kept.once.Do(func() { s.kept.v = mk() })
	return s.kept.v
}

// Operation returns the named operation loaded in full (Operation.Full),
// or nil when the spec has none or it cannot be loaded (LoadOperation says
// why). What only routes or lists operations, and must not load one of an
// indexed spec, uses Summary.
func (s *Spec) Operation(name string) *Operation {
	op, _ := s.LoadOperation(name)
	return op
}

// LoadOperation returns the named operation loaded in full, or why it
// cannot be loaded; nil and no error when the spec has no such operation.
func (s *Spec) LoadOperation(name string) (*Operation, error) {
	op := s.ops[name]
	if op == nil {
		return nil, nil
	}
	return op.Full()
}

// Summary returns the named operation, or nil, without loading it: for an
// indexed spec's operation not called yet, only what the index says (Name,
// Methods, RateLimit, State, the errors, and the parameters' Name,
// Required and Default), enough to route a call, list it and build the
// built-in scenarios. Anything that checks a call, renders a fixture or
// reads a schema needs Operation.
func (s *Spec) Summary(name string) *Operation { return s.ops[name] }

// OperationNames lists every operation, sorted.
func (s *Spec) OperationNames() []string { return s.Names }

// CommonErrors lists the gateway errors every operation can get, in spec order.
func (s *Spec) CommonErrors() []ErrorDef {
	out := make([]ErrorDef, len(s.CommonCodes))
	for i, c := range s.CommonCodes {
		out[i] = s.Common[c]
	}
	return out
}

// Errors lists the operation's documented errors, in spec order. The
// slice is the operation's own, shared by every server of the process
// (the generated index's): read it, never write to it. No caller does,
// and a copy per call cost each start one per operation.
func (op *Operation) Errors() []ErrorDef { return op.errs }

// Codes lists the operation's documented codes, in spec order.
func (op *Operation) Codes() []string {
	out := make([]string, len(op.errs))
	for i, d := range op.errs {
		out[i] = d.Code
	}
	return out
}

// Documents finds a code the operation documents. The list is short (45
// codes at most in the generated spec) and looked up only for an error
// answer: a scan, where a map per operation would hold ~150 KB of the
// server's heap for its life.
func (op *Operation) Documents(code string) (ErrorDef, bool) {
	for _, d := range op.errs {
		if d.Code == code {
			return d, true
		}
	}
	return ErrorDef{}, false
}

// ErrorDef finds a code documented for the operation or common to all.
func (s *Spec) ErrorDef(op *Operation, code string) (ErrorDef, bool) {
	if op != nil {
		if d, ok := op.Documents(code); ok {
			return d, true
		}
	}
	d, ok := s.Common[code]
	return d, ok
}

// Gateway returns one of the common errors the server produces, with the
// parameter concerned in its message. New checked that the spec lists them.
func (s *Spec) Gateway(code, name string) *APIError {
	return s.Common[code].WithName(name)
}

// Subject names the parameter a forced generic error (MissingParameter,
// InvalidParameter) speaks of: the first required parameter, else the first.
func (op *Operation) Subject() string {
	for _, p := range op.Params {
		if p.Required {
			return p.Name
		}
	}
	if len(op.Params) > 0 {
		return op.Params[0].Name
	}
	return ParamAction
}

// HasParam reports whether the operation declares the parameter name, or
// name is an item of one of its repeat lists (Tag.1.Key).
func (op *Operation) HasParam(name string) bool {
	for _, p := range op.Params {
		if p.Name == name {
			return true
		}
	}
	return op.isListWire(name) // Tag.1.Key of a repeat list (lists.go)
}

// ParamNames lists the operation's parameters, in the spec's order.
func (op *Operation) ParamNames() []string {
	names := make([]string, len(op.Params))
	for i, p := range op.Params {
		names[i] = p.Name
	}
	return names
}

// Allows reports whether the operation accepts the HTTP method.
func (op *Operation) Allows(method string) bool {
	for _, m := range op.Methods {
		if m == method {
			return true
		}
	}
	return false
}

// ParamAction is the protocol parameter that names the operation.
const ParamAction = "Action"

// MaxAccessKeyIDBytes bounds an access key id (the AccessKeyId parameter or
// the ACS3 Credential), which keys state kept across calls: throttle
// buckets, step counts, tasks, bindings. Real ids are 24 to 30 characters;
// a longer one is unknown by definition and refused before any of that
// state is touched.
const MaxAccessKeyIDBytes = 128

// commonParams are the protocol parameters every call may carry. They are
// not API parameters: the journal shows them apart and never reports them
// as unknown. Signature and SecurityToken are secrets and are never shown.
var commonParams = map[string]bool{
	"Action": true, "Version": true, "Format": true, "AccessKeyId": true,
	"Signature": true, "SignatureMethod": true, "SignatureVersion": true,
	"SignatureNonce": true, "SignatureType": true, "Timestamp": true,
	"SecurityToken": true, "RegionId": true, "OwnerId": true,
	"OwnerAccount": true, "ResourceOwnerAccount": true, "ResourceOwnerId": true,
}
