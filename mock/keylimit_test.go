package mock_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// An access key id longer than 128 bytes is unknown by definition: every
// real client gets the gateway's InvalidAccessKeyId.NotFound, saying why,
// whether the id is the AccessKeyId parameter (RPC signature) or the ACS3
// Authorization header's Credential. Binding one is refused too.
func TestSDKAccessKeyTooLong(t *testing.T) {
	srv, ts := sdkServer(t)
	var notFound mock.ErrorDef
	for _, d := range srv.Spec().CommonErrors() {
		if d.Code == "InvalidAccessKeyId.NotFound" {
			notFound = d
		}
	}
	if notFound.Status != http.StatusNotFound {
		t.Fatalf("the spec's x-acs-common-errors gives InvalidAccessKeyId.NotFound %+v, want status 404", notFound)
	}
	long := strings.Repeat("K", 129)
	want := notFound
	want.Message += " The access key id is 129 bytes long, longer than 128 bytes."
	sdkForEach(t, func(t *testing.T, cl sdkClient) {
		_, err := cl.call(t, ts, sdkCall{AccessKey: long, Params: sdkParams()})
		sdkExpectFailure(t, cl, err, want)
	})

	// The ACS3 Credential alone, no AccessKeyId parameter.
	r := call(t, ts, http.MethodPost, createParams(), http.Header{"Authorization": {
		"ACS3-HMAC-SHA256 Credential=" + long + ",SignedHeaders=host,Signature=0"}})
	if r.status != http.StatusNotFound || r.str("Code") != notFound.Code || r.str("Message") != want.Message {
		t.Errorf("a %d-byte ACS3 Credential: %d %s", len(long), r.status, r.body)
	}

	r = admin(t, ts, http.MethodPut, "/_mock/scenario", fmt.Sprintf(`{"scenario":"InternalError","accessKeyId":%q}`, long))
	if r.status != http.StatusBadRequest || r.str("code") != "Mock.AccessKeyIdTooLong" || !strings.Contains(r.str("message"), "longer than 128 bytes") {
		t.Errorf("binding a %d-byte key: %d %s", len(long), r.status, r.body)
	}
	if r := admin(t, ts, http.MethodGet, "/_mock/scenarios", ""); strings.Contains(r.body, long) {
		t.Errorf("the key was bound: %s", r.body)
	}
}
