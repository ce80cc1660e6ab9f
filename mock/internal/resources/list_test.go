package resources

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/spec"
)

var listT0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// shippedSpec is the hand-written spec, which holds every resource and
// the operations on them.
func shippedSpec(tb testing.TB) *contract.Spec {
	tb.Helper()
	data, err := spec.FS.ReadFile(spec.Default)
	if err != nil {
		tb.Fatal(err)
	}
	sp, err := contract.Load("spec/"+spec.Default, data, contract.LoadOptions{Reports: []string{"pdf", "xlsx"}})
	if err != nil {
		tb.Fatal(err)
	}
	return sp
}

// call applies an operation of the shipped spec for account A at now.
func call(tb testing.TB, s *Store, sp *contract.Spec, now time.Time, action string, kv ...string) (map[string]any, []map[string]any) {
	tb.Helper()
	params := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		params.Set(kv[i], kv[i+1])
	}
	op := sp.Operation(action)
	made, apiErr := s.Apply(Call{Spec: sp, Op: op, Account: "A", Params: op.StateParams(params), Now: now}) // as the server calls it
	if apiErr != nil {
		tb.Fatalf("%s %v: %s %s", action, kv, apiErr.Code, apiErr.Message)
	}
	if made.List != nil {
		return nil, made.List.Items
	}
	return made.Item, made.Items
}

// withDomains is a store whose account A has n domains, one added a
// second after the other; the spec's bound per account (50) is raised to
// n: a list's cost is measured at what perAccount may allow.
func withDomains(tb testing.TB, n int) (*Store, *contract.Spec) {
	tb.Helper()
	sp := shippedSpec(tb)
	sp.Resources["domain"].PerAccount = max(sp.Resources["domain"].PerAccount, n)
	s, err := Open(nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		call(tb, s, sp, listT0.Add(time.Duration(i)*time.Second), "AddCdnDomain", "DomainName", fmt.Sprintf("d%04d.example.com", i),
			"CdnType", "web", "Sources", `[{"content":"192.0.2.1","type":"ipaddr","port":80}]`)
	}
	return s, sp
}

// A list filters without building the items' views and builds them for
// the page only: a page of 20 of 1000 domains allocates what 20 views
// do, not what 1000 do (one map each at least). The pages and the
// filters still agree with the views.
func TestListBuildsOnlyThePage(t *testing.T) {
	s, sp := withDomains(t, 1000)
	now := listT0.Add(1000*time.Second + time.Minute) // the first ~880 are online
	list := func(kv ...string) []map[string]any {
		_, items := call(t, s, sp, now, "DescribeUserDomains", kv...)
		return items
	}
	for _, kv := range [][]string{
		{"PageSize", "20", "PageNumber", "3"},
		{"PageSize", "20", "DomainStatus", "online"},
		{"PageSize", "20", "DomainName", "d09", "DomainSearchType", "fuzzy_match", "DomainStatus", "configuring"},
	} {
		allocs := testing.AllocsPerRun(5, func() { list(kv...) })
		if allocs > 400 {
			t.Errorf("%v: %.0f allocations for a page of 20 of 1000 items; the views of the page alone need far fewer", kv, allocs)
		}
	}
	if got := list("PageSize", "2", "PageNumber", "3"); len(got) != 2 || got[0]["DomainName"] != "d0995.example.com" {
		t.Errorf("page 3 of size 2, newest first: %v", got)
	}
	if got := list("PageSize", "500", "DomainName", "d09", "DomainSearchType", "fuzzy_match", "DomainStatus", "configuring"); len(got) != 59 || got[58]["DomainName"] != "d0941.example.com" {
		t.Errorf("d0941 to d0999 are still configuring after 1m: %d, last %v", len(got), got[len(got)-1])
	}
	if got := list("PageSize", "500", "ChangeStartTime", listT0.Add(939*time.Second+2*time.Minute).Format(contract.TimeLayout)); len(got) != 2 {
		t.Errorf("GmtModified moves when the status does: d0939 and d0940 went online since, got %d items", len(got))
	}
}

// FieldText is the field as View shows it, for every field, item and
// moment: lists filter with one and show the other.
func TestFieldTextAgreesWithView(t *testing.T) {
	sp := shippedSpec(t)
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	call(t, s, sp, listT0, "AddCdnDomain", "DomainName", "a.example.com", "CdnType", "web", "Sources", `[{"content":"192.0.2.1","type":"ipaddr","port":80}]`)
	call(t, s, sp, listT0, "RefreshObjectCaches", "ObjectPath", "http://a.example.com/x\nhttp://a.example.com/y")
	checked := 0
	for _, it := range s.byKey {
		def := sp.Resources[it.Resource]
		for _, at := range []time.Duration{0, 59 * time.Second, time.Minute, 5 * time.Minute} {
			now := listT0.Add(at)
			for field, want := range it.View(def, now) {
				if got := it.FieldText(def, field, now); got != fmt.Sprint(want) {
					t.Errorf("%s %s at +%s: FieldText %v, View %v", it.Resource, field, at, got, want)
				}
				checked++
			}
		}
	}
	if checked < 40 {
		t.Errorf("only %d fields checked", checked)
	}
}

// BenchmarkListPage lists a page of 20 of an account's 1000 domains,
// without and with a filter.
func BenchmarkListPage(b *testing.B) {
	s, sp := withDomains(b, 1000)
	now := listT0.Add(1000*time.Second + time.Minute)
	for _, bc := range []struct {
		name string
		kv   []string
	}{
		{"page", []string{"PageSize", "20", "PageNumber", "3"}},
		{"filtered", []string{"PageSize", "20", "DomainStatus", "online"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				call(b, s, sp, now, "DescribeUserDomains", bc.kv...)
			}
		})
	}
}
