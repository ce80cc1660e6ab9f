package mock_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// A value a domain keeps is kept whole or refused, never cut: a
// ResourceGroupId of 1 KiB is found again by the filter that names it;
// one longer is refused with the parameter's documented code; a text a
// template keeps from a JSON piece (a function's name) over 1 KiB answers
// the hook's invalid code.
func TestSDKValuesKeptWholeOrRefused(t *testing.T) {
	_, ts := storeServer(t, mock.Config{})
	ak := sdkKey(t)
	long := strings.Repeat("r", 1024)
	mustAPI(t, ts, ak, "AddCdnDomain", "DomainName", "a.example.com", "CdnType", "web", "Sources", sdkSources, "ResourceGroupId", long)
	if d := mustAPI(t, ts, ak, "DescribeUserDomains", "ResourceGroupId", long); d["TotalCount"] != 1.0 {
		t.Errorf("DescribeUserDomains by the 1 KiB ResourceGroupId it was added with: TotalCount %v, want 1", d["TotalCount"])
	}
	// 2000 bytes either way: 2000 characters, or 1000 of two bytes each
	// (within a 1024-character maxLength, past the 1 KiB the mock keeps).
	for _, tooLong := range []string{strings.Repeat("r", 2000), strings.Repeat("é", 1000)} {
		for _, c := range []struct{ action, key, name string }{
			{"AddCdnDomain", "DomainName", "b.example.com"},
			{"BatchAddCdnDomain", "DomainName", "b.example.com"},
			{"ModifyCdnDomain", "DomainName", "a.example.com"},
		} {
			kv := []string{c.key, c.name, "ResourceGroupId", tooLong}
			if c.action != "ModifyCdnDomain" {
				kv = append(kv, "CdnType", "web", "Sources", sdkSources)
			}
			if status, code := apiCode(t, ts, ak, c.action, kv...); status != 400 || code != "InvalidResourceGroupId.Malformed" {
				t.Errorf("%s with a 2000-byte ResourceGroupId (%d characters): %d %s, want 400 InvalidResourceGroupId.Malformed", c.action, len([]rune(tooLong)), status, code)
			}
		}
	}
	if d := mustAPI(t, ts, ak, "DescribeUserDomains"); d["TotalCount"] != 1.0 {
		t.Errorf("after the refused adds: TotalCount %v, want 1", d["TotalCount"])
	}
	fn := `[{"functionName":"` + strings.Repeat("f", 1100) + `","functionArgs":[{"argName":"key","argValue":"v"}]}]`
	if status, code := apiCode(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", "a.example.com", "Functions", fn); status != 400 || code != "InvalidFunctions.Malformed" {
		t.Errorf("a function name of 1100 bytes: %d %s, want 400 InvalidFunctions.Malformed", status, code)
	}
	if d := mustAPI(t, ts, ak, "DescribeCdnDomainConfigs", "DomainName", "a.example.com"); strings.Contains(fmt.Sprint(d), "fff") {
		t.Errorf("the refused function was kept: %v", d)
	}
}
