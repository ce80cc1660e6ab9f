package resources

import (
	"fmt"
	"slices"
	"testing"
)

// A list filtered by its parent (DescribeCdnDomainConfigs' DomainName)
// reads the parent's children index, not every item of the account: an
// item the index lacks is not found, however many the account holds.
func TestListByParentReadsTheIndex(t *testing.T) {
	sp := shippedSpec(t)
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	fn := `[{"functionName":"set_resp_header","functionArgs":[{"argName":"key","argValue":"X-A"},{"argName":"value","argValue":"1"}]}]`
	for _, d := range []string{"a.example.com", "b.example.com"} {
		call(t, s, sp, listT0, "AddCdnDomain", "DomainName", d, "CdnType", "web", "Sources", src)
		call(t, s, sp, listT0, "BatchSetCdnDomainConfig", "DomainNames", d, "Functions", fn)
	}
	list := func(domain string) int {
		_, items := call(t, s, sp, listT0, "DescribeCdnDomainConfigs", "DomainName", domain)
		return len(items)
	}
	if list("a.example.com") != 1 || list("b.example.com") != 1 {
		t.Fatalf("one config each: %d %d", list("a.example.com"), list("b.example.com"))
	}
	clear(s.kids[itemKey{"A", "domain", "a.example.com"}]) // the index forgets a's config; byColl keeps it
	if n := list("a.example.com"); n != 0 {
		t.Errorf("a's config was found by a scan of the account (%d), not through the index", n)
	}
	if n := list("b.example.com"); n != 1 {
		t.Errorf("b's config: %d", n)
	}
}

// The children index is a map: a list read through it is sorted newest
// first, as every list is, whatever order the map gives.
func TestListByParentNewestFirst(t *testing.T) {
	sp := shippedSpec(t)
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	call(t, s, sp, listT0, "AddCdnDomain", "DomainName", "a.example.com", "CdnType", "web", "Sources", src)
	var made []string
	for _, v := range []string{"1", "2", "3", "4", "5", "6"} {
		fn := `[{"functionName":"set_resp_header","functionArgs":[{"argName":"key","argValue":"X-` + v + `"},{"argName":"value","argValue":"1"}]}]`
		one, _ := call(t, s, sp, listT0, "BatchSetCdnDomainConfig", "DomainNames", "a.example.com", "Functions", fn)
		made = append(made, fmt.Sprint(one["ConfigId"]))
	}
	if ids := slices.Compact(slices.Sorted(slices.Values(made))); len(ids) != 6 {
		t.Fatalf("six configs, six ids: %v", made)
	}
	slices.Reverse(made)
	for range 5 { // a map's order changes from one range to the next
		_, items := call(t, s, sp, listT0, "DescribeCdnDomainConfigs", "DomainName", "a.example.com")
		var got []string
		for _, it := range items {
			got = append(got, fmt.Sprint(it["ConfigId"]))
		}
		if !slices.Equal(got, made) {
			t.Fatalf("configs of a.example.com in the order %v, want newest first %v", got, made)
		}
	}
}
