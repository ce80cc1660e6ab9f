package contract

import (
	"sort"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// merge puts the hand-written spec over the generated one. Both must
// describe the same product, version and host. The common errors are the
// hand-written file's, then those only the generated file lists. Every
// operation the hand-written spec defines replaces the generated one
// wholesale: parameters, rules, state, response schema, errors and rate.
func merge(gen, hand *Spec) (*Spec, diag.Problems) {
	var ps diag.Problems
	for _, f := range []struct{ field, ptr, gen, hand string }{
		{"x-acs-product", "/x-acs-product", gen.Product, hand.Product},
		{"info.version", "/info/version", gen.Version, hand.Version},
		{"x-acs-host-id", "/x-acs-host-id", gen.HostID, hand.HostID},
	} {
		if f.gen != f.hand {
			ps.Add(hand.Src.Name, hand.Src.Line(f.ptr), f.field, "is %q, but the generated spec (%s:%d) says %q: the layers must describe the same API",
				f.hand, gen.Src.Name, gen.Src.Line(f.ptr), f.gen)
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}

	s := &Spec{
		Product: hand.Product, Version: hand.Version, HostID: hand.HostID,
		Doc: hand.Doc, Src: hand.Src, ReadOnlyPrefixes: hand.ReadOnlyPrefixes, SecretParams: hand.SecretParams,
		Common: make(map[string]ErrorDef, len(hand.Common)+len(gen.Common)),
		ops:    make(map[string]*Operation, len(gen.ops)+len(hand.ops)),

		Resources: hand.Resources, Quotas: hand.Quotas, // only the hand-written layer describes them
	}
	for _, layer := range []*Spec{hand, gen} {
		for _, c := range layer.CommonCodes {
			if _, ok := s.Common[c]; !ok {
				s.Common[c] = layer.Common[c]
				s.CommonCodes = append(s.CommonCodes, c)
			}
		}
	}
	methods := map[string]bool{}
	for _, layer := range []*Spec{gen, hand} {
		for name, op := range layer.ops {
			s.ops[name] = op
		}
	}
	for name, op := range s.ops {
		s.Names = append(s.Names, name)
		for _, m := range op.Methods {
			methods[m] = true
		}
	}
	sort.Strings(s.Names)
	for m := range methods {
		s.AllMethods = append(s.AllMethods, m)
	}
	sort.Strings(s.AllMethods)
	if ps := s.secretParamProblems(); len(ps) > 0 {
		return nil, ps
	}
	return s, nil
}
