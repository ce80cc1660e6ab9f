package mock

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
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
		{"export task", 1024, func(i int) {
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

// TestPerItemMemory measures a resource item (x-mock-resources) as
// TestPerKeyMemory measures per-key state: a domain as AddCdnDomain makes
// it (one origin) and a refresh task as RefreshObjectCaches makes it (one
// URL), spread over accounts (80 of 50 domains, 4 of 1000 tasks: each
// resource's perAccount) whose access key ids are of the longest length
// accepted, so no bound refuses or drops any; throttling is off, so only
// the items are counted.
func TestPerItemMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("fills the store with thousands of items")
	}
	const n = 4000 // within perAccount in each account, and within the daily URL quota (2000)
	sources := `[{"content":"192.0.2.10","type":"ipaddr","priority":"20","port":80,"weight":"10"}]`
	for _, tc := range []struct {
		what     string
		max      int64 // bytes per item, as documented
		accounts int
		call     func(i int) url.Values
	}{
		{"domain", 3072, 80, func(i int) url.Values {
			return url.Values{"Action": {"AddCdnDomain"}, "DomainName": {fmt.Sprintf("www%06d.example.com", i)},
				"CdnType": {"web"}, "Sources": {sources}}
		}},
		{"refresh task", 2048, 4, func(i int) url.Values {
			return url.Values{"Action": {"RefreshObjectCaches"}, "ObjectPath": {fmt.Sprintf("http://www.example.com/images/%06d.png", i)}}
		}},
	} {
		s, err := New(Config{Clock: FixedClock(boundsNow), JournalSize: 1, DisableThrottling: true})
		if err != nil {
			t.Fatal(err)
		}
		keys := make([]string, tc.accounts+1) // the accounts measured, and one to warm up
		for a := range keys {
			keys[a] = fmt.Sprintf("%0*d", contract.MaxAccessKeyIDBytes, a)
		}
		send := func(i, account int) {
			v := tc.call(i)
			v.Set("Version", "2018-05-10")
			v.Set("Format", "JSON")
			v.Set("AccessKeyId", keys[account])
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/?"+v.Encode(), nil))
			if w.Code != http.StatusOK {
				t.Fatalf("%s %d: %d %s", tc.what, i, w.Code, w.Body)
			}
		}
		send(n, tc.accounts) // the operation loaded in full: not counted
		before := liveHeapInternal()
		for i := range n {
			send(i, i%tc.accounts)
		}
		per := (int64(liveHeapInternal()) - int64(before)) / n
		t.Logf("%s: %d bytes per item", tc.what, per)
		if per > tc.max {
			t.Errorf("%s: %d bytes per item, documented at most %d", tc.what, per, tc.max)
		}
		if got := s.resources.Len(); got != n+1 {
			t.Errorf("%s: %d items kept, want %d: an item was dropped, the measure is wrong", tc.what, got, n+1)
		}
		s.Close()
	}
}
