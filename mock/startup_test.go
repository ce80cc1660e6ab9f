package mock

import (
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
)

// BenchmarkStartup measures New as the cdnmock command starts: the embedded
// hand-written spec over the generated one (166 operations), every fixture
// compiled and checked. "cold" is a process's first server; "kept" a later
// one, which reuses the generated layer (contract/layers.go, fixture/gencache.go); "hand-only" serves
// the hand-written spec alone (NoGenerated).
func BenchmarkStartup(b *testing.B) {
	clock := FixedClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	for _, bc := range []struct {
		name  string
		cfg   Config
		reset bool
	}{
		{"cold", Config{Clock: clock}, true},
		{"kept", Config{Clock: clock}, false},
		{"hand-only", Config{Clock: clock, NoGenerated: true}, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if bc.reset {
					contract.ResetCache()
					fixture.ResetCache()
				}
				if _, err := New(bc.cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
