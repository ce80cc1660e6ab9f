package mock_test

import (
	"errors"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// A --state write that fails answers 500 Mock.StateError, and every
// later call on resources answers it too until a restart reloads the
// file, through the SDK; a failed write of an admin reset does the same.
func TestSDKFailedWriteRefusesLaterCalls(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	start := func(failing *atomic.Bool) (*mock.Server, *httptest.Server) {
		srv, err := mock.New(mock.Config{StatePath: path, Clock: mock.FixedClock(sdkT0), DisableThrottling: true})
		if err != nil {
			t.Fatal(err)
		}
		mock.SetStateWriteHook(srv, func() error {
			if failing.Load() {
				return errors.New("disk full")
			}
			return nil
		})
		ts := httptest.NewServer(srv)
		t.Cleanup(ts.Close)
		t.Cleanup(srv.Close)
		return srv, ts
	}
	ak := sdkKey(t)
	for _, how := range []string{"StopCdnDomain", "DELETE /_mock/resources"} {
		var failing atomic.Bool
		srv, ts := start(&failing)
		if how == "StopCdnDomain" {
			addDomain(t, ts, ak, "kept.example.com")
		} else {
			mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath", "http://kept.example.com/a.png")
		}
		failing.Store(true)
		if how == "StopCdnDomain" {
			if status, code := apiCode(t, ts, ak, "StopCdnDomain", "DomainName", "kept.example.com"); status != 500 || code != "Mock.StateError" {
				t.Errorf("the failed write: %d %s", status, code)
			}
		} else if r := admin(t, ts, "DELETE", "/_mock/resources?accessKeyId="+ak+"&resource=cache-task", ""); r.status != 500 {
			t.Errorf("the reset's failed write: %d %s", r.status, r.body)
		}
		failing.Store(false)
		if status, code := apiCode(t, ts, ak, "DescribeUserDomains"); status != 500 || code != "Mock.StateError" {
			t.Errorf("after %s failed, a later call: %d %s", how, status, code)
		}
		ts.Close()
		srv.Close()
	}
	_, ts := start(new(atomic.Bool))
	if d := mustAPI(t, ts, ak, "DescribeUserDomains"); d["TotalCount"] != 1.0 {
		t.Errorf("after a restart the file's domain is back: %v", d["TotalCount"])
	}
}
