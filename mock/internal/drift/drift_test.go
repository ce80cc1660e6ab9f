package drift

import (
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/spec"
)

func TestSummaryIsCapped(t *testing.T) {
	fs := []Finding{
		{KindResponse, "body/A", strings.Repeat("x", 100)},
		{KindResponse, "body/B", "short"},
		{KindValidation, "code", "line\nbreak é"},
	}
	for _, limit := range []int{40, 130, 200, 1024} {
		s := Summary(fs, limit)
		if len(s) > limit {
			t.Errorf("limit %d: %d bytes: %q", limit, len(s), s)
		}
		if strings.ContainsAny(s, "\n\r") || strings.ContainsRune(s, 'é') {
			t.Errorf("not a header value: %q", s)
		}
	}
	if s := Summary(fs, 1024); !strings.Contains(s, "body/B") || strings.Contains(s, "more") {
		t.Errorf("all fit: %q", s)
	}
	if s := Summary(fs, 130); !strings.HasSuffix(s, "+2 more") {
		t.Errorf("one fits: %q", s)
	}
}

// An error the operation's resource state answers (no such domain, a
// quota used up) depends on what the account holds: validation alone
// accepting the request is no drift. Another refusal the mock would
// accept still is.
func TestStateCodesAreNoValidationDrift(t *testing.T) {
	data, err := spec.FS.ReadFile(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := contract.Load("spec/"+spec.Default, data, contract.LoadOptions{Reports: []string{"pdf", "xlsx"}})
	if err != nil {
		t.Fatal(err)
	}
	c := NewChecker(sp)
	for _, tc := range []struct {
		op, code string
		status   int
		drift    bool
	}{
		{"DescribeCdnDomainDetail", "InvalidDomain.NotFound", 404, false},
		{"AddCdnDomain", "DomainExist.OtherUser", 400, false},
		{"RefreshObjectCaches", "QuotaExceeded.Refresh", 400, false},
		{"AddCdnDomain", "InvalidDomainName.Malformed", 400, true},
	} {
		got := c.Check(sp.Operation(tc.op), Answer{Status: tc.status, Code: tc.code}, nil)
		if (len(got) > 0) != tc.drift {
			t.Errorf("%s %s: findings %v, want drift %v", tc.op, tc.code, got, tc.drift)
		}
	}
}
