package resources

import (
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
