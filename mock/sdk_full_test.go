package mock_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// An account holding all it may is refused the next one, through the
// SDK: its 51st domain (the metadata: 50 per user) answers DomainOverLimit
// and its 1001st config ConfigExceedLimit; another account is not full.
func TestSDKAccountFull(t *testing.T) {
	_, ts := storeServer(t, mock.Config{})
	ak := sdkKey(t)
	names := make([]string, 50)
	for i := range names {
		names[i] = fmt.Sprintf("d%02d.example.com", i)
	}
	mustAPI(t, ts, ak, "BatchAddCdnDomain", "DomainName", strings.Join(names, ","), "CdnType", "web", "Sources", sdkSources)
	if status, code := apiCode(t, ts, ak, "AddCdnDomain", "DomainName", "d50.example.com", "CdnType", "web", "Sources", sdkSources); status != 400 || code != "DomainOverLimit" {
		t.Errorf("the 51st domain: %d %s, want 400 DomainOverLimit", status, code)
	}
	addDomain(t, ts, "other-"+ak, "d50.example.com")

	fns := make([]string, 20)
	for i := range fns {
		fns[i] = fmt.Sprintf(header, fmt.Sprint(i))
	}
	mustAPI(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", strings.Join(names, ","), "Functions", "["+strings.Join(fns, ",")+"]")
	if status, code := apiCode(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", names[0], "Functions", "["+fns[0]+"]"); status != 400 || code != "ConfigExceedLimit" {
		t.Errorf("the 1001st config: %d %s, want 400 ConfigExceedLimit", status, code)
	}
	mustAPI(t, ts, "other-"+ak, "BatchSetCdnDomainConfig", "DomainNames", "d50.example.com", "Functions", "["+fns[0]+"]")
}
