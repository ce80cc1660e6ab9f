package mock_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// Resource calls of several accounts while the admin API reads and resets
// the same state: under -race, nothing races, no call answers 5xx, and
// every answer is an envelope (a RequestId, and a Code when refused).
func TestResourcesResetWhileServing(t *testing.T) {
	_, ts := storeServer(t, mock.Config{})
	call := func(ak, action string, kv ...string) error {
		q := url.Values{"Action": {action}, "Version": {"2018-05-10"}, "Format": {"JSON"}, "AccessKeyId": {ak}}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		res, err := http.Get(ts.URL + "/?" + q.Encode())
		if err != nil {
			return err
		}
		defer res.Body.Close()
		var body struct{ RequestId, Code string }
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			return fmt.Errorf("%s: %d, not JSON: %v", action, res.StatusCode, err)
		}
		switch {
		case res.StatusCode >= 500:
			return fmt.Errorf("%s: %d %s", action, res.StatusCode, body.Code)
		case body.RequestId == "", res.StatusCode != 200 && body.Code == "":
			return fmt.Errorf("%s: %d without an envelope: %+v", action, res.StatusCode, body)
		}
		return nil
	}
	admin := func(method, path string) error {
		req, _ := http.NewRequest(method, ts.URL+path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		if res.StatusCode != 200 {
			return fmt.Errorf("%s %s: %d", method, path, res.StatusCode)
		}
		return nil
	}

	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for a := range 4 {
		ak := fmt.Sprintf("AK-RACE-%d", a)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				domain := fmt.Sprintf("d%d.race%d.example.com", i%5, a)
				for _, err := range []error{
					call(ak, "AddCdnDomain", "DomainName", domain, "CdnType", "web", "Sources", sdkSources),
					call(ak, "BatchSetCdnDomainConfig", "DomainNames", domain, "Functions", fmt.Sprintf("["+header+"]", "A")),
					call(ak, "RefreshObjectCaches", "ObjectPath", "http://"+domain+"/a.css"),
					call(ak, "DescribeUserDomains"),
					call(ak, "DescribeCdnDomainConfigs", "DomainName", domain),
					call(ak, "DescribeRefreshTasks", "ObjectType", "file", "DomainName", domain),
					call(ak, "DescribeRefreshQuota"),
					call(ak, "DeleteCdnDomain", "DomainName", domain),
				} {
					if err != nil {
						errs <- err
					}
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 60 {
			for _, err := range []error{
				admin(http.MethodGet, "/_mock/resources"),
				admin(http.MethodDelete, fmt.Sprintf("/_mock/resources?account=AK-RACE-%d&resource=domain", i%4)),
				admin(http.MethodDelete, "/_mock/resources?resource=cache-task"),
				admin(http.MethodDelete, "/_mock/resources"),
			} {
				if err != nil {
					errs <- err
				}
			}
		}
	}()
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 10 {
			t.Error(err)
		}
	}
}
