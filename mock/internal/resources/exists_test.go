package resources

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// An exists hook's view, whatever order a spec's show reads it in: .Own
// for the account that holds the key, .Other only for another account's
// key (never the caller's own), and the key read as find reads it, folded
// (x-mock-fold) as StateParams makes it.
func TestExistsView(t *testing.T) {
	sp := shippedSpec(t) // this test's own: its hook can change
	op := sp.Operation("CheckCdnDomainExist")
	h := op.Resource // the shipped show reads .Own first: show both as they are
	h.ShowT = map[string]*contract.ValueTemplate{}
	for name, text := range map[string]string{"Own": "{{ .Own }}", "Other": "{{ .Other }}"} {
		v, err := contract.CompileValue(name, text)
		if err != nil {
			t.Fatal(err)
		}
		h.ShowT[name] = v
	}
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	if code := try(s, sp, "A", "AddCdnDomain", "DomainName", "a.example.com", "CdnType", "web", "Sources", src); code != "" {
		t.Fatal(code)
	}
	for _, tc := range []struct {
		account, name, want string
	}{
		{"A", "a.example.com", "true false"},  // the owner: its own, never another's
		{"A", "A.Example.COM", "true false"},  // folded as find folds it
		{"B", "a.example.com", "false true"},  // another account's
		{"B", "b.example.com", "false false"}, // nobody's
	} {
		made, apiErr := s.Apply(Call{Spec: sp, Op: op, Account: tc.account, Params: op.StateParams(url.Values{"DomainName": {tc.name}}), Now: listT0})
		if apiErr != nil {
			t.Fatalf("%s %s: %s", tc.account, tc.name, apiErr.Code)
		}
		if got := fmt.Sprint(made.Item["Own"], " ", made.Item["Other"]); got != tc.want {
			t.Errorf("%s asks %s: Own Other = %s, want %s", tc.account, tc.name, got, tc.want)
		}
	}
}

// Every operation reads a resource's key from parameters folded alike
// (x-mock-fold), and so does a child naming its parent: find's and a
// filter's parameter, and the parameters a create's template of the field
// reads (.Params.X, or .Each.As's). A domain named A.example.com by one
// operation and a.example.com by another would be two items, or none
// found.
func TestKeyParamsFoldAlike(t *testing.T) {
	sp := shippedSpec(t)
	folds := map[string]map[bool][]string{} // resource → folded? → "operation parameter"
	note := func(resource string, op *contract.Operation, param string) {
		lowered := op.StateParams(url.Values{param: {"MiXeD"}}).Get(param) == "mixed"
		if folds[resource] == nil {
			folds[resource] = map[bool][]string{}
		}
		folds[resource][lowered] = append(folds[resource][lowered], op.Name+" "+param)
	}
	// reads notes the parameters op reads field from, field naming an item of resource.
	reads := func(op *contract.Operation, field, resource string) {
		h := op.Resource
		if p, ok := h.Find[field]; ok {
			note(resource, op, p)
		}
		for _, f := range h.Filters {
			if f.Field == field {
				note(resource, op, f.Param)
			}
		}
		if text, ok := h.Fields[field]; ok && h.Do == contract.DoCreate {
			for _, p := range op.Params {
				if strings.Contains(text, ".Params."+p.Name) {
					note(resource, op, p.Name)
				}
			}
			for _, e := range h.Each {
				if strings.Contains(text, ".Each."+e.As) {
					note(resource, op, e.Param)
				}
			}
		}
	}
	for _, name := range sp.OperationNames() {
		op := sp.Operation(name)
		if h := op.Resource; h != nil && h.Def != nil {
			reads(op, h.Def.Key, h.Def.Name)
			if p := h.Def.Parent; p != nil {
				reads(op, p.Field, p.Resource)
			}
		}
	}
	if len(folds["domain"][true]) < 10 {
		t.Fatalf("domain names read by %v: the walk found too few", folds["domain"])
	}
	for r, by := range folds {
		if len(by[true]) > 0 && len(by[false]) > 0 {
			t.Errorf("%s's key: folded in %v, as sent in %v", r, by[true], by[false])
		}
	}
}
