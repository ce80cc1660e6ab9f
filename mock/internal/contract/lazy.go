package contract

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
	genspec "github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

// A large spec that cannot change (the embedded generated one: 166
// operations, most never called in a run) is not parsed at startup: an
// index of it, made and checked at build time, says what routing, listings
// and the built-in scenarios need, and each operation is parsed, compiled
// and checked on its first use, once (Operation.Full).

// Index is what a spec's index says: its top and each operation's summary.
type Index struct {
	Product, Version, HostID string
	Common                   []ErrorDef
	Ops                      []IndexOp
}

// IndexOp is one operation as the index knows it.
type IndexOp struct {
	Name      string
	Methods   []string
	RateLimit int
	Type      string // x-acs-operation-type
	Params    []IndexParam
	Errors    []ErrorDef
	State     *TaskHook // x-mock-state, nil when none
}

// IndexParam is one parameter as listings show it: the generated index's
// own type, so that its parameters are shared, never copied onto the heap.
type IndexParam = genspec.Param

// IndexOf is the index of a spec loaded in full.
func IndexOf(s *Spec) Index {
	idx := Index{Product: s.Product, Version: s.Version, HostID: s.HostID, Common: s.CommonErrors()}
	for _, name := range s.Names {
		op := s.ops[name]
		io := IndexOp{Name: name, Methods: op.Methods, RateLimit: op.RateLimit, Type: op.Type, Errors: op.Errors(), State: op.State}
		for _, p := range op.Params {
			io.Params = append(io.Params, IndexParam{Name: p.Name, Required: p.Required, Default: p.Default})
		}
		idx.Ops = append(idx.Ops, io)
	}
	return idx
}

// lazyOp loads an indexed operation in full, once.
type lazyOp struct {
	once sync.Once
	done atomic.Bool // the once has run
	load func() (*Operation, error)
	op   *Operation
	err  error
}

// Full returns the operation loaded in full: op itself, or, for an
// operation of an indexed spec, the one loaded on the first call. Callers
// that check a call, its rules, its state or its fixtures need it; the
// fields an index gives (Name, Methods, RateLimit, Type, the errors, and the
// parameters' names, Required and Default) are on op already. A load that
// fails (or panics) fails every call, with the same error.
func (op *Operation) Full() (*Operation, error) {
	l := op.lazy
	if l == nil {
		return op, nil
	}
	l.once.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				l.op, l.err = nil, fmt.Errorf("loading %s panicked: %v", op.Name, r)
			}
			l.load = nil // what it held (the document) is no longer needed
			l.done.Store(true)
		}()
		l.op, l.err = l.load()
		if l.op == nil && l.err == nil {
			l.err = fmt.Errorf("loading %s gave no operation", op.Name)
		}
	})
	return l.op, l.err
}

// Loaded says whether Full has loaded the operation (or failed to): always
// true but for an indexed spec's operations before their first use.
func (op *Operation) Loaded() bool { return op.lazy == nil || op.lazy.done.Load() }

// LoadIndexed makes a spec from idx, to be loaded from data operation by
// operation (Operation.Full). Each operation's part of data is parsed with
// the document's top, as a document of its own, and checked as Load checks
// it; then the spec's OnLoad runs in the same once: the server compiles the
// operation's fixtures there. It fails when data does not have the plain
// layout (scanPaths), lacks an operation of the index or has one the
// index lacks: the caller then loads data in full.
func LoadIndexed(file string, data []byte, idx Index, opts LoadOptions) (*Spec, error) {
	head, paths := scanPaths(data)
	if paths == nil {
		return nil, fmt.Errorf("%s: not in the layout an index needs", file)
	}
	if len(paths) != len(idx.Ops) {
		return nil, fmt.Errorf("%s: %d paths, but the index lists %d operations", file, len(paths), len(idx.Ops))
	}
	byKey := make(map[string]pathText, len(paths))
	for _, p := range paths {
		byKey[p.key] = p
	}
	headLines := bytes.Count(head, []byte("\n"))
	s := &Spec{Product: idx.Product, Version: idx.Version, HostID: idx.HostID, Src: diag.LazyYAML(file, data), indexed: true,
		ops: make(map[string]*Operation, len(idx.Ops)), Common: make(map[string]ErrorDef, len(idx.Common))}
	for _, d := range idx.Common {
		s.Common[d.Code] = d
		s.CommonCodes = append(s.CommonCodes, d.Code)
	}
	methods := map[string]bool{}
	for i := range idx.Ops {
		io := &idx.Ops[i]
		part, ok := byKey["/?Action="+io.Name]
		if !ok {
			return nil, fmt.Errorf("%s: no path /?Action=%s, which the index lists", file, io.Name)
		}
		op := indexedOp(io)
		op.lazy = &lazyOp{load: func() (*Operation, error) {
			full, err := loadPart(file, head, headLines, data[part.start:part.end], part.line, opts, io)
			if err == nil {
				if loaded := s.onLoad.Load(); loaded == nil {
					err = fmt.Errorf("%s: loaded before its fixtures could be: a bug", io.Name)
				} else {
					err = (*loaded)(full)
				}
			}
			if err != nil {
				return nil, err
			}
			return full, nil
		}}
		s.ops[op.Name] = op
		s.Names = append(s.Names, op.Name)
		for _, m := range op.Methods {
			methods[m] = true
		}
	}
	slices.Sort(s.Names)
	for m := range methods {
		s.AllMethods = append(s.AllMethods, m)
	}
	slices.Sort(s.AllMethods)
	return s, nil
}

// OnLoad sets what runs when an operation of an indexed spec is loaded,
// in the same once: package fixture compiles the operation's fixtures,
// into what it keeps with the spec (Kept), so the one function set lives
// as long as the spec. The first call wins; it must come before any
// Operation.Full.
func (s *Spec) OnLoad(f func(*Operation) error) {
	s.onLoad.CompareAndSwap(nil, &f)
}

// Indexed says whether the spec was made from an index (LoadIndexed).
func (s *Spec) Indexed() bool { return s.indexed }

// indexOf is the generated spec's index in the contract's terms.
func indexOf(gi *genspec.Index) Index {
	errs := func(in []genspec.Error) []ErrorDef {
		out := make([]ErrorDef, len(in))
		for i, d := range in {
			out[i] = ErrorDef{Code: d.Code, Status: d.Status, Message: d.Message}
		}
		return out
	}
	idx := Index{Product: gi.Product, Version: gi.Version, HostID: gi.HostID, Common: errs(gi.Common),
		Ops: make([]IndexOp, len(gi.Ops))}
	for i, op := range gi.Ops {
		idx.Ops[i] = IndexOp{Name: op.Name, Methods: op.Methods, RateLimit: op.RateLimit, Type: op.Type, Params: op.Params, Errors: errs(op.Errors)}
		if st := op.State; st != nil {
			idx.Ops[i].State = &TaskHook{Tasks: st.Tasks, Do: st.Do, Report: st.Report, NotFound: st.NotFound}
		}
	}
	return idx
}

// indexedOp is an operation with only what the index says.
func indexedOp(io *IndexOp) *Operation {
	op := &Operation{Name: io.Name, Methods: io.Methods, RateLimit: io.RateLimit, Type: io.Type, State: io.State,
		errs: io.Errors} // shared: never changed
	op.Params = make([]*Param, len(io.Params))
	for i, p := range io.Params {
		op.Params[i] = &Param{Name: p.Name, Required: p.Required, Default: p.Default}
	}
	return op
}

// loadPart loads one operation: the document's top and its path, as a
// document of its own, checked as Load checks it, with problems' lines
// those of the whole file. It must say what the index says.
func loadPart(file string, head []byte, headLines int, part []byte, line int, opts LoadOptions, io *IndexOp) (*Operation, error) {
	doc := make([]byte, 0, len(head)+len("paths:\n")+len(part))
	doc = append(append(append(doc, head...), "paths:\n"...), part...)
	opts.part = true
	sp, err := Load(file, doc, opts)
	if err != nil {
		if ps, ok := err.(diag.Problems); ok {
			first := headLines + 2 // the part's first line in doc
			for i := range ps {
				if ps[i].Line >= first {
					ps[i].Line += line - first
				}
			}
			return nil, ps.Err()
		}
		return nil, err
	}
	op := sp.ops[io.Name]
	if op == nil || len(sp.ops) != 1 {
		return nil, fmt.Errorf("%s:%d: the path of %s must define that one operation (the index is out of date: go generate ./spec/generated/)", file, line, io.Name)
	}
	sameState := (op.State == nil) == (io.State == nil) && (op.State == nil || *op.State == *io.State)
	if !slices.Equal(op.Methods, io.Methods) || op.RateLimit != io.RateLimit || op.Type != io.Type || !slices.Equal(op.Errors(), io.Errors) || !sameState ||
		!slices.EqualFunc(op.Params, io.Params, func(p *Param, q IndexParam) bool {
			return p.Name == q.Name && p.Required == q.Required && p.Default == q.Default
		}) {
		return nil, fmt.Errorf("%s:%d: %s differs from the index of the generated spec (go generate ./spec/generated/)", file, line, io.Name)
	}
	return op, nil
}
