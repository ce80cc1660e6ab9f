package contract

import (
	"bytes"
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/spec"
)

// indexable is the hand-written spec in the layout an index needs (its
// x-mock-read-only moved above paths), with its index and options.
func indexable(t *testing.T) ([]byte, Index, LoadOptions) {
	t.Helper()
	data, err := spec.FS.ReadFile(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte("\nx-mock-read-only:"))
	p := bytes.Index(data, []byte("\npaths:\n"))
	if i < 0 || p < 0 || i < p {
		t.Fatal("unexpected layout of the hand-written spec")
	}
	line := data[i+1:]
	line = line[:bytes.IndexByte(line, '\n')+1]
	doc := append(append(append(bytes.Clone(data[:p+1]), line...), data[p+1:i+1]...), data[i+1+len(line):]...)
	opts := LoadOptions{RequireCommon: true, Reports: []string{"pdf", "xlsx"}}
	sp, err := Load("hand.yaml", doc, opts)
	if err != nil {
		t.Fatal(err)
	}
	return doc, IndexOf(sp), opts
}

// TestIndexedTaskState: an operation's x-mock-state is in the index, so
// listings show its task family before the operation is loaded.
func TestIndexedTaskState(t *testing.T) {
	doc, idx, opts := indexable(t)
	sp, err := LoadIndexed("hand.yaml", doc, idx, opts)
	if err != nil {
		t.Fatal(err)
	}
	sp.OnLoad(func(*Operation) error { return nil })
	const name = "CreateUserUsageDataExportTask"
	sum := sp.Summary(name)
	if sum.Loaded() || sum.State == nil || sum.State.Tasks != "usage" || sum.State.Do != DoCreate {
		t.Fatalf("%s as the index knows it: loaded %t, state %+v", name, sum.Loaded(), sum.State)
	}
	op, err := sp.LoadOperation(name)
	if err != nil || op.State == nil || *op.State != *sum.State {
		t.Fatalf("%s loaded: %v, state %+v", name, err, op)
	}
}

// TestIndexDiffers: an operation that does not say what the index says
// (its rate, a parameter's Required, its x-mock-state) fails to load, and
// says the index is out of date.
func TestIndexDiffers(t *testing.T) {
	const name = "CreateUserUsageDataExportTask"
	for _, c := range []struct {
		what   string
		change func(*IndexOp)
	}{
		{"rate", func(io *IndexOp) { io.RateLimit++ }},
		{"required", func(io *IndexOp) {
			io.Params = append([]IndexParam(nil), io.Params...)
			io.Params[0].Required = !io.Params[0].Required
		}},
		{"state", func(io *IndexOp) { io.State = &TaskHook{Tasks: "other", Do: DoCreate, Report: "pdf"} }},
		{"no state", func(io *IndexOp) { io.State = nil }},
	} {
		doc, idx, opts := indexable(t)
		idx.Ops = append([]IndexOp(nil), idx.Ops...)
		for i := range idx.Ops {
			if idx.Ops[i].Name == name {
				c.change(&idx.Ops[i])
			}
		}
		sp, err := LoadIndexed("hand.yaml", doc, idx, opts)
		if err != nil {
			t.Fatal(err)
		}
		sp.OnLoad(func(*Operation) error { return nil })
		if _, err := sp.LoadOperation(name); err == nil || !strings.Contains(err.Error(), "differs from the index") {
			t.Errorf("%s: %v, want: differs from the index", c.what, err)
		}
		if op, err := sp.LoadOperation("DescribeUserUsageDataExportTask"); err != nil || op == nil {
			t.Errorf("%s: another operation: %v", c.what, err)
		}
	}
}

// TestIndexLacksAnOperation: a document with a path its index does not
// list is not served from the index (that operation would vanish).
func TestIndexLacksAnOperation(t *testing.T) {
	doc, idx, opts := indexable(t)
	idx.Ops = idx.Ops[1:]
	if _, err := LoadIndexed("hand.yaml", doc, idx, opts); err == nil || !strings.Contains(err.Error(), "paths, but the index lists") {
		t.Errorf("LoadIndexed: %v, want a refusal", err)
	}
}

// TestFullAfterAPanic: a load that panics fails every call with the same
// error, and the operation counts as loaded (it is not tried again).
func TestFullAfterAPanic(t *testing.T) {
	calls := 0
	op := &Operation{Name: "Broken", lazy: &lazyOp{load: func() (*Operation, error) { calls++; panic("boom") }}}
	for range 2 {
		if got, err := op.Full(); got != nil || err == nil || !strings.Contains(err.Error(), "loading Broken panicked: boom") {
			t.Errorf("Full: %v, %v", got, err)
		}
	}
	if !op.Loaded() || calls != 1 || op.lazy.load != nil {
		t.Errorf("after the panic: Loaded %t, %d loads, load kept %t", op.Loaded(), calls, op.lazy.load != nil)
	}
}
