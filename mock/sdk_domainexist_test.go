package mock_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
)

// TestSDKCheckCdnDomainExist: CheckCdnDomainExist reads the domains every
// account holds (domains are unique across accounts): the old SDK's typed
// client (its CommonRequest: the CDN client has no CheckCdnDomainExist)
// asks for the owner and for another account; darabonba's CallApi adds,
// deletes and asks too.
func TestSDKCheckCdnDomainExist(t *testing.T) {
	_, ts := sdkServer(t)
	owner, other := sdkKey(t), "other-"+sdkKey(t)
	const name = "exists.example.com"
	check := func(ak string) string {
		t.Helper()
		req := requests.NewCommonRequest()
		req.Method, req.Scheme, req.Domain = requests.POST, "http", strings.TrimPrefix(ts.URL, "http://")
		req.Product, req.Version, req.ApiName = "Cdn", sdkVersion, "CheckCdnDomainExist"
		req.QueryParams["DomainName"] = name
		resp, err := oldClient(t, ak).ProcessCommonRequest(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ RequestId, Status string }
		if err := json.Unmarshal(resp.GetHttpContentBytes(), &body); err != nil {
			t.Fatalf("%s: %v", resp.GetHttpContentString(), err)
		}
		if !sdkRequestID.MatchString(body.RequestId) {
			t.Errorf("RequestId %q", body.RequestId)
		}
		return body.Status
	}
	if got := check(owner); got != "DomainNotExist" {
		t.Errorf("before the add: %s, want DomainNotExist", got)
	}
	mustAPI(t, ts, owner, "AddCdnDomain", "DomainName", name, "CdnType", "web", "Sources", sdkSources)
	if got := check(owner); got != "DomainExistCdnProduct" {
		t.Errorf("the owner asks: %s, want DomainExistCdnProduct", got)
	}
	if got := check(other); got != "DomainExistOtherUser" {
		t.Errorf("another account asks: %s, want DomainExistOtherUser", got)
	}
	// darabonba reads the same answer.
	if body := mustAPI(t, ts, other, "CheckCdnDomainExist", "DomainName", name); body["Status"] != "DomainExistOtherUser" {
		t.Errorf("CallApi, another account: %v", body)
	}
	mustAPI(t, ts, owner, "DeleteCdnDomain", "DomainName", name)
	for _, ak := range []string{owner, other} {
		if got := check(ak); got != "DomainNotExist" {
			t.Errorf("after the delete, %s asks: %s, want DomainNotExist", ak, got)
		}
	}
}
