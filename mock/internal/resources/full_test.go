package resources

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// memFile is a --state file in memory; fail makes every write fail.
type memFile struct {
	buckets map[string]map[string][]byte
	fail    error
}

func (f *memFile) QueueRaw(ws ...tasks.RawWrite) func() error {
	if f.fail != nil {
		return func() error { return f.fail }
	}
	for _, w := range ws {
		if w.Reset || f.buckets[w.Bucket] == nil {
			f.buckets[w.Bucket] = map[string][]byte{}
		}
		if w.Reset {
			continue
		}
		if w.Value == nil {
			delete(f.buckets[w.Bucket], string(w.Key))
		} else {
			f.buckets[w.Bucket][string(w.Key)] = w.Value
		}
	}
	return func() error { return nil }
}

func (f *memFile) LoadRaw(bucket string, fn func(k, v []byte) error) error {
	var keys []string
	for k := range f.buckets[bucket] {
		keys = append(keys, k)
	}
	sort.Strings(keys) // bbolt's key order
	for _, k := range keys {
		if err := fn([]byte(k), f.buckets[bucket][k]); err != nil {
			return err
		}
	}
	return nil
}

// try applies an operation of the shipped spec for an account; the
// answer's code, "" for a success.
func try(s *Store, sp *contract.Spec, account, action string, kv ...string) string {
	params := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		params.Set(kv[i], kv[i+1])
	}
	if _, e := s.Apply(Call{Spec: sp, Op: sp.Operation(action), Account: account, Params: params, Now: listT0}); e != nil {
		return e.Code
	}
	return ""
}

const src = `[{"content":"192.0.2.1","type":"ipaddr","port":80}]`

// Domains refuse an add when the account, or the server, holds all it
// may (DomainOverLimit) and never push out another account's domain; a
// name twice in one batch is refused too.
func TestDomainsRefuseWhenFull(t *testing.T) {
	sp := shippedSpec(t)
	sp.Resources["domain"].PerAccount = 2
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	s.limit = 3
	add := func(account, names string) string {
		return try(s, sp, account, "BatchAddCdnDomain", "DomainName", names, "CdnType", "web", "Sources", src)
	}
	if code := add("A", "z.example.com,z.example.com"); code != "DomainAlreadyExist" {
		t.Errorf("a name twice in one batch: %q", code)
	}
	if code := add("A", "a1.example.com,a2.example.com,a3.example.com"); code != "DomainOverLimit" {
		t.Errorf("3 domains, 2 per account: %q", code)
	}
	add("A", "a1.example.com,a2.example.com")
	if code := add("A", "a3.example.com"); code != "DomainOverLimit" {
		t.Errorf("the account's third: %q", code)
	}
	add("B", "b1.example.com")
	if code := add("C", "c1.example.com"); code != "DomainOverLimit" {
		t.Errorf("the server's fourth (limit 3): %q", code)
	}
	if try(s, sp, "A", "DescribeCdnDomainDetail", "DomainName", "a1.example.com") != "" || s.Len() != 3 {
		t.Errorf("the oldest domain stays: %d items", s.Len())
	}
	try(s, sp, "A", "RefreshObjectCaches", "ObjectPath", "http://a1.example.com/x", "ObjectType", "File")
	if s.Len() != 4 {
		t.Errorf("tasks have their own bound: %d items", s.Len())
	}
}

// A --state write that fails answers Mock.StateError, and so does every
// later call, until a restart reloads the file: memory may hold what the
// file lacks.
func TestFailedWriteRefusesLaterCalls(t *testing.T) {
	s, f, sp := storeWithADomain(t)
	f.fail = errors.New("disk full")
	if code := try(s, sp, "A", "StopCdnDomain", "DomainName", "kept.example.com"); code != "Mock.StateError" {
		t.Errorf("the failed write: %q", code)
	}
	f.fail = nil
	if code := try(s, sp, "A", "DescribeUserDomains"); code != "Mock.StateError" {
		t.Errorf("a later call: %q", code)
	}
	s, _ = Open(f)
	if code := try(s, sp, "A", "DescribeCdnDomainDetail", "DomainName", "kept.example.com"); code != "" {
		t.Errorf("after a restart: %q", code)
	}
}

// Quota use comes back from the file in the order it was used, so the
// entry dropped first is still the least recently used one.
func TestQuotaReloadKeepsLRUOrder(t *testing.T) {
	f := &memFile{buckets: map[string]map[string][]byte{}}
	s, _ := Open(f)
	q := &contract.Quota{Daily: 10, Loc: time.UTC}
	for _, acc := range []string{"A", "C", "B"} { // A used first, B last
		f.QueueRaw(s.quotas.add(acc, "q", q, 1, listT0)...)
	}
	s, _ = Open(f)
	s.quotas.limit = 3
	s.quotas.add("D", "q", q, 1, listT0)
	if s.quotas.used("A", "q", q, listT0) != 0 || s.quotas.used("C", "q", q, listT0) != 1 {
		t.Errorf("after a restart the least recently used (A) goes first, not the last in key order (C)")
	}
}

// BenchmarkBatchSetConfigs is the biggest config create an account can
// make: 50 domains × 20 functions = 1000 configs in one call, under the
// store's one lock (the review measured 0.97 s with 200 functions before
// pending items were found by map).
func BenchmarkBatchSetConfigs(b *testing.B) {
	sp := shippedSpec(b)
	var names, fns []string
	for i := range 50 {
		names = append(names, fmt.Sprintf("d%02d.example.com", i))
	}
	for i := range 20 {
		fns = append(fns, fmt.Sprintf(`{"functionName":"set_resp_header","functionArgs":[{"argName":"key","argValue":"X-%d"}]}`, i))
	}
	for b.Loop() {
		b.StopTimer()
		s, _ := Open(nil)
		if code := try(s, sp, "A", "BatchAddCdnDomain", "DomainName", strings.Join(names, ","), "CdnType", "web", "Sources", src); code != "" {
			b.Fatal(code)
		}
		b.StartTimer()
		if code := try(s, sp, "A", "BatchSetCdnDomainConfig", "DomainNames", strings.Join(names, ","), "Functions", "["+strings.Join(fns, ",")+"]"); code != "" {
			b.Fatal(code)
		}
	}
}

// storeWithADomain is a store over a file whose writes can be made to
// fail, where account A holds kept.example.com.
func storeWithADomain(t *testing.T) (*Store, *memFile, *contract.Spec) {
	t.Helper()
	sp := shippedSpec(t)
	f := &memFile{buckets: map[string]map[string][]byte{}}
	s, err := Open(f)
	if err != nil {
		t.Fatal(err)
	}
	if code := try(s, sp, "A", "AddCdnDomain", "DomainName", "kept.example.com", "CdnType", "web", "Sources", src); code != "" {
		t.Fatal(code)
	}
	return s, f, sp
}
