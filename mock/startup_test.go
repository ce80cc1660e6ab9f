package mock

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// BenchmarkStartup measures New as the cdnmock command starts: the embedded
// hand-written spec over the generated one (166 operations), the generated
// layer from its index, each operation loaded on its first call
// (BenchmarkFirstCall). "cold" is a process's first server; "kept" a later
// one, which reuses the generated layer (contract/layers.go,
// fixture/gencache.go); "hand-only" serves the hand-written spec alone
// (NoGenerated); "validate" is Check, which loads and checks every file in
// full, from a cold start.
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
		{"validate", Config{Clock: clock}, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if bc.reset {
					contract.ResetCache()
				}
				var err error
				if bc.name == "validate" {
					err = Check(bc.cfg)
				} else {
					_, err = New(bc.cfg)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFirstCall is the first call of a generated operation in a fresh
// process's first server: the operation is parsed, checked and its
// fixtures compiled then (package fixture, lazy.go). One op is that call
// alone; New is not timed. Target: under 5 ms.
func BenchmarkFirstCall(b *testing.B) {
	clock := FixedClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	for _, action := range []string{"DescribeCdnService", "DescribeCdnUserQuota", "DescribeCdnCertificateList"} {
		b.Run(action, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodPost, "/?Action="+action+"&Version=2018-05-10&Format=JSON", nil)
			for b.Loop() {
				b.StopTimer()
				contract.ResetCache()
				s, err := New(Config{Clock: clock, DisableThrottling: true, Scenario: ScenarioSuccess})
				if err != nil {
					b.Fatal(err)
				}
				w := httptest.NewRecorder()
				b.StartTimer()
				s.ServeHTTP(w, r)
				b.StopTimer()
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", action, w.Code, w.Body)
				}
				s.Close()
				b.StartTimer()
			}
		})
	}
}
