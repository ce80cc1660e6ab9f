package mock

import (
	"crypto/sha256"
	"sync"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// The generated layer is large (166 operations) and the same in every
// server a process starts from the same files, so once loaded and checked
// it is kept: a second mock.New (tests start hundreds, and Reload reads
// everything again) reuses the loaded spec, its operations' compiled
// response schemas and, when they are the embedded ones, its checked
// fixtures. Only what cannot change is kept: the spec by its content (a
// failed load is not kept), the fixtures only from the embedded
// fixtures/generated/, whose files are part of the binary. Everything kept
// is immutable once built.

// genCacheSize is how many generated specs are kept, the most recent.
const genCacheSize = 2

// genEntry is one generated layer, kept.
type genEntry struct {
	file    string
	sum     [sha256.Size]byte
	spec    *Spec
	schemas *schemaBank // the spec's operations' response schemas, shared

	mu       sync.Mutex
	fixtures map[string]fixtureResult // checked embedded fixtures, by file
}

var genCache struct {
	mu      sync.Mutex
	entries []*genEntry // the oldest first
}

// loadGenerated loads the generated spec, or returns the kept one of the
// same name and content.
func loadGenerated(file string, data []byte, reports []string) (*genEntry, error) {
	sum := sha256.Sum256(data)
	find := func() *genEntry {
		for _, e := range genCache.entries {
			if e.file == file && e.sum == sum {
				return e
			}
		}
		return nil
	}
	genCache.mu.Lock()
	e := find()
	genCache.mu.Unlock()
	if e != nil {
		return e, nil
	}
	// The generated file's common errors may lag behind the server's: those
	// it lacks come from the hand-written file (mergeSpecs).
	sp, err := contract.Load(file, data, contract.LoadOptions{Reports: reports})
	if err != nil {
		return nil, err
	}
	genCache.mu.Lock()
	defer genCache.mu.Unlock()
	if e := find(); e != nil {
		return e, nil // another server loaded it meanwhile
	}
	e = &genEntry{file: file, sum: sum, spec: sp, schemas: &schemaBank{owner: sp}, fixtures: map[string]fixtureResult{}}
	genCache.entries = append(genCache.entries, e)
	if len(genCache.entries) > genCacheSize {
		genCache.entries = genCache.entries[1:]
	}
	return e, nil
}

// resetGenCache forgets every kept layer, so the next server loads from
// scratch (startup benchmarks).
func resetGenCache() {
	genCache.mu.Lock()
	genCache.entries = nil
	genCache.mu.Unlock()
}

// fixture returns a kept fixture's result; a nil entry keeps nothing.
func (e *genEntry) fixture(file string) (fixtureResult, bool) {
	if e == nil {
		return fixtureResult{}, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.fixtures[file]
	return r, ok
}

func (e *genEntry) keepFixture(file string, r fixtureResult) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fixtures[file] = r
}
