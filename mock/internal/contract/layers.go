package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
	genspec "github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

// The server serves its spec in two layers: the generated spec
// cmd/import-metadata converts from Alibaba's API metadata (spec/generated/,
// every operation of the product), and the hand-written spec on top
// (spec/cdn-2018-05-10.yaml), whose operations replace their generated
// twins wholesale. Each is loaded on its own, so problems keep their file
// and line, and the two are merged (merge). The fixtures come in the same
// two layers (package fixture).

// SpecFiles are the spec files a server serves, in their layers (mock.Config's
// fields of the same names, defaults filled in).
type SpecFiles struct {
	Spec              []byte
	SpecFile          string
	GeneratedSpec     []byte
	GeneratedSpecFile string
	NoGenerated       bool // the hand-written spec alone

	// Lazy lets the generated spec be indexed and each of its operations
	// loaded on first use, when GeneratedIndex was made from GeneratedSpec
	// (lazy.go). Off, every file is loaded in full (validate).
	Lazy           bool
	GeneratedIndex *genspec.Index
}

// Layers says where the merged spec's operations come from.
type Layers struct {
	Hand map[string]bool // the operations the hand-written spec defines
	// Generated is the generated layer's spec, the same value for every
	// load of the same file and content while it is kept (loadGenerated, below): what
	// is built from it can be kept with it, keyed by it.
	Generated *Spec
}

// LoadLayers loads the hand-written spec and, with the generated layer,
// the generated one (side by side: they are independent), then merges them.
// layers is nil when the hand-written spec is served alone.
func LoadLayers(files SpecFiles, reports []string) (sp *Spec, layers *Layers, err error) {
	if files.NoGenerated {
		sp, err = Load(files.SpecFile, files.Spec, LoadOptions{RequireCommon: true, Reports: reports})
		return sp, nil, err
	}
	var gen *Spec
	var genErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		gen, genErr = loadGenerated(files, reports)
	}()
	top, topErr := Load(files.SpecFile, files.Spec, LoadOptions{RequireCommon: true, Reports: reports})
	<-done
	var ps diag.Problems
	for _, err := range []error{topErr, genErr} {
		var lps diag.Problems
		switch {
		case errors.As(err, &lps):
			ps = append(ps, lps...)
		case err != nil:
			ps.Add("", 0, "", "%v", err)
		}
	}
	if len(ps) > 0 {
		return nil, nil, ps.Err()
	}
	sp, ps = merge(gen, top)
	if len(ps) > 0 {
		return nil, nil, ps.Err()
	}
	layers = &Layers{Hand: make(map[string]bool, len(top.Names)), Generated: gen}
	for _, name := range top.Names {
		layers.Hand[name] = true
	}
	return sp, layers, nil
}

// The generated spec is large (166 operations) and the same in every
// server a process starts from the same files, so once loaded and checked
// it is kept, by its file name and content: a second mock.New (tests start
// hundreds, and Reload reads everything again) reuses it. A failed load is
// not kept. A kept spec is immutable.

// genSpecCacheSize is how many generated specs are kept, the most recent.
const genSpecCacheSize = 2

type genSpec struct {
	file string
	sum  [sha256.Size]byte
	spec *Spec
	lazy bool // spec is indexed, its operations loaded on first use (lazy.go)
}

var genSpecs struct {
	mu      sync.Mutex
	entries []genSpec // the oldest first
}

// loadGenerated loads the generated spec, or returns the kept one of the
// same name and content. With files.Lazy and an index of this very content
// it only indexes the spec (lazy.go); a spec loaded in full serves too.
func loadGenerated(files SpecFiles, reports []string) (*Spec, error) {
	file, data := files.GeneratedSpecFile, files.GeneratedSpec
	sum := sha256.Sum256(data)
	idx := files.GeneratedIndex
	lazy := files.Lazy && idx != nil && idx.Sum == hex.EncodeToString(sum[:])
	find := func() *Spec {
		for _, e := range genSpecs.entries {
			if e.file == file && e.sum == sum && (lazy || !e.lazy) {
				return e.spec
			}
		}
		return nil
	}
	genSpecs.mu.Lock()
	sp := find()
	genSpecs.mu.Unlock()
	if sp != nil {
		return sp, nil
	}
	var err error
	if lazy {
		sp, err = LoadIndexed(file, data, indexOf(idx), LoadOptions{Reports: reports})
		lazy = err == nil // else: loaded in full, below
	}
	if !lazy {
		// The generated file's common errors may lag behind the server's: those
		// it lacks come from the hand-written file (merge).
		if sp, err = Load(file, data, LoadOptions{Reports: reports}); err != nil {
			return nil, err
		}
	}
	genSpecs.mu.Lock()
	defer genSpecs.mu.Unlock()
	if kept := find(); kept != nil {
		return kept, nil // another server loaded it meanwhile
	}
	genSpecs.entries = append(genSpecs.entries, genSpec{file: file, sum: sum, spec: sp, lazy: lazy})
	if len(genSpecs.entries) > genSpecCacheSize {
		genSpecs.entries = genSpecs.entries[1:]
	}
	return sp, nil
}

// ResetCache forgets every kept generated spec, so the next load starts
// from scratch (startup benchmarks).
func ResetCache() {
	genSpecs.mu.Lock()
	genSpecs.entries = nil
	genSpecs.mu.Unlock()
}
