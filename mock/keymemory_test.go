package mock

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// Per-key state costs at most what docs/hardening.md (Bounded memory)
// says per entry, measured with access key ids of the longest length
// accepted (contract.MaxAccessKeyIDBytes): the documented bound times the
// documented entries is the structure's most. The nonce cache's is
// measured in package auth (TestNonceMemory).
func TestPerKeyMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("fills each structure with thousands of entries")
	}
	s, err := New(Config{Clock: FixedClock(boundsNow), JournalSize: 1, Scenario: "counted",
		Scenarios: fstest.MapFS{"counted.yaml": {Data: []byte("operations:\n  CreateUserUsageDataExportTask:\n    - fixture: success\n      times: 5\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	cat := s.catalog.Load()
	op, sc := cat.spec.Operation("CreateUserUsageDataExportTask"), cat.scenarios["counted"]
	const n = 4000
	key := func(i int) string { // a fresh string, as each call decodes its own copy
		return fmt.Sprintf("%0*d", contract.MaxAccessKeyIDBytes, i)
	}
	for _, tc := range []struct {
		what string
		max  int64 // bytes per entry, as documented
		add  func(i int)
	}{
		{"throttle bucket", 512, func(i int) { s.throttle.Allow(op, key(i), boundsNow) }},
		{"step count", 768, func(i int) { s.counters.Pick(sc, key(i), op.Name, nil) }},
		{"binding", 384, func(i int) {
			if err := s.control.Bind(key(i), "counted"); err != nil {
				t.Fatal(err)
			}
		}},
		{"export task", 2048, func(i int) {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/?"+limitsParams("AccessKeyId", key(i), "TaskName", strings.Repeat("n", 100)).Encode(), nil))
			if w.Code != http.StatusOK {
				t.Fatalf("create %d: %d %s", i, w.Code, w.Body)
			}
		}},
	} {
		before := liveHeapInternal()
		for i := range n {
			tc.add(i)
		}
		per := (int64(liveHeapInternal()) - int64(before)) / n
		t.Logf("%s: %d bytes per entry", tc.what, per)
		if per > tc.max {
			t.Errorf("%s: %d bytes per entry, documented at most %d", tc.what, per, tc.max)
		}
	}
}
