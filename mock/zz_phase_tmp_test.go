package mock

import (
	"syscall"
	"testing"
	"time"

	genspec "github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

func BenchmarkTmpPhases(b *testing.B) {
	data, _ := genspec.FS.ReadFile(genspec.Default)
	b.Run("loadSpec-gen", func(b *testing.B) {
		for b.Loop() {
			if _, err := loadSpec("g", data, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	sp, _ := loadSpec("g", data, false)
	b.Run("schemas", func(b *testing.B) {
		var ops []*Operation
		for _, n := range sp.names {
			ops = append(ops, sp.ops[n])
		}
		for b.Loop() {
			(&schemaBank{}).compile(ops)
		}
	})
	b.Run("new-kept-gen-spec-only", func(b *testing.B) {
		cfg := Config{Clock: FixedClock(time.Now())}
		New(cfg)
		for b.Loop() {
			genCache.mu.Lock()
			for _, e := range genCache.entries {
				e.fixtures = map[string]fixtureResult{}
				e.schemas = &schemaBank{owner: e.spec}
			}
			genCache.mu.Unlock()
			if _, err := New(cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkTmpDocs(b *testing.B) {
	data, _ := genspec.FS.ReadFile(genspec.Default)
	if p := splitPaths(data, 2); p == nil {
		b.Fatal("not split")
	} else {
		b.Logf("parts %d", len(p))
	}
	b.Run("whole", func(b *testing.B) {
		for b.Loop() {
			loadDoc(data)
		}
	})
	b.Run("split", func(b *testing.B) {
		for b.Loop() {
			doc, err := loadOpenAPI(data)
			if err != nil || doc.Paths.Len() != 166 {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkTmpCPUCold(b *testing.B) {
	clock := FixedClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	c0 := tmpCPU()
	for b.Loop() {
		resetGenCache()
		if _, err := New(Config{Clock: clock}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(tmpCPU()-c0)/float64(b.N)/1e6, "cpu-ms/op")
}

func tmpCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
