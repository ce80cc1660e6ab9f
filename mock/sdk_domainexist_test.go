package mock_test

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
)

// TestSDKCheckCdnDomainExist: CheckCdnDomainExist reads the domains every
// account holds (domains are unique across accounts): the old SDK's typed
// client (its CommonRequest: the CDN client has no CheckCdnDomainExist)
// asks for the owner and for another account, in JSON and XML; darabonba's
// CallApi adds, deletes and asks too.
func TestSDKCheckCdnDomainExist(t *testing.T) {
	_, ts := sdkServer(t)
	owner, other := sdkKey(t), "other-"+sdkKey(t)
	const name = "exists.example.com"
	// check asks in JSON and in XML; both must say the same.
	check := func(ak string) string {
		t.Helper()
		var statuses [2]string
		for i, format := range []string{"JSON", "XML"} {
			req := requests.NewCommonRequest()
			req.Method, req.Scheme, req.Domain = requests.POST, "http", strings.TrimPrefix(ts.URL, "http://")
			req.Product, req.Version, req.ApiName = "Cdn", sdkVersion, "CheckCdnDomainExist"
			req.QueryParams["DomainName"] = name
			req.AcceptFormat = format
			resp, err := oldClient(t, ak).ProcessCommonRequest(req)
			if err != nil {
				t.Fatal(err)
			}
			var body struct{ RequestId, Status string }
			unmarshal := json.Unmarshal
			if format == "XML" {
				unmarshal = xml.Unmarshal
			}
			if err := unmarshal(resp.GetHttpContentBytes(), &body); err != nil {
				t.Fatalf("%s: %s: %v", format, resp.GetHttpContentString(), err)
			}
			if !sdkRequestID.MatchString(body.RequestId) {
				t.Errorf("%s: RequestId %q", format, body.RequestId)
			}
			statuses[i] = body.Status
		}
		if statuses[0] != statuses[1] {
			t.Errorf("Status in JSON %q, in XML %q", statuses[0], statuses[1])
		}
		return statuses[0]
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
