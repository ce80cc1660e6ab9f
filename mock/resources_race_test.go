package mock_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// raceCall makes one API call for account ak and checks what any answer
// must be while state is reset under it: never a 5xx, always an envelope
// (a RequestId, and a Code when refused). It returns the answer's TaskId.
func raceCall(ts *httptest.Server, ak, action string, kv ...string) (string, error) {
	q := url.Values{"Action": {action}, "Version": {"2018-05-10"}, "Format": {"JSON"}, "AccessKeyId": {ak}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	res, err := http.Get(ts.URL + "/?" + q.Encode())
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var body struct{ RequestId, Code, TaskId string }
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return "", fmt.Errorf("%s: %d, not JSON: %v", action, res.StatusCode, err)
	}
	switch {
	case res.StatusCode >= 500:
		return "", fmt.Errorf("%s: %d %s", action, res.StatusCode, body.Code)
	case body.RequestId == "", res.StatusCode != 200 && body.Code == "":
		return "", fmt.Errorf("%s: %d without an envelope: %+v", action, res.StatusCode, body)
	}
	return body.TaskId, nil
}

// raceAdmin calls the admin API, which must answer 2xx.
func raceAdmin(ts *httptest.Server, method, path string) error {
	req, _ := http.NewRequest(method, ts.URL+path, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d", method, path, res.StatusCode)
	}
	return nil
}

// raceErrors collects the errors of concurrent goroutines and reports the
// first ten once they are done.
type raceErrors struct {
	wg   sync.WaitGroup
	errs chan error
}

func newRaceErrors() *raceErrors { return &raceErrors{errs: make(chan error, 1000)} }

// run starts f in a goroutine; each error f returns through add is kept.
func (r *raceErrors) run(f func(add func(error))) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		f(func(err error) {
			if err != nil {
				select {
				case r.errs <- err:
				default: // enough to report
				}
			}
		})
	}()
}

func (r *raceErrors) report(t *testing.T) {
	t.Helper()
	r.wg.Wait()
	close(r.errs)
	n := 0
	for err := range r.errs {
		if n++; n <= 10 {
			t.Error(err)
		}
	}
}

// Resource calls of several accounts while the admin API reads and resets
// the same state: under -race, nothing races, no call answers 5xx, and
// every answer is an envelope (a RequestId, and a Code when refused).
func TestResourcesResetWhileServing(t *testing.T) {
	_, ts := storeServer(t, mock.Config{})
	call := func(ak, action string, kv ...string) error { _, err := raceCall(ts, ak, action, kv...); return err }
	r := newRaceErrors()
	for a := range 4 {
		ak := fmt.Sprintf("AK-RACE-%d", a)
		r.run(func(add func(error)) {
			for i := range 40 {
				domain := fmt.Sprintf("d%d.race%d.example.com", i%5, a)
				add(call(ak, "AddCdnDomain", "DomainName", domain, "CdnType", "web", "Sources", sdkSources))
				add(call(ak, "BatchSetCdnDomainConfig", "DomainNames", domain, "Functions", fmt.Sprintf("["+header+"]", "A")))
				add(call(ak, "RefreshObjectCaches", "ObjectPath", "http://"+domain+"/a.css"))
				add(call(ak, "DescribeUserDomains"))
				add(call(ak, "DescribeCdnDomainConfigs", "DomainName", domain))
				add(call(ak, "DescribeRefreshTasks", "ObjectType", "file", "DomainName", domain))
				add(call(ak, "DescribeRefreshQuota"))
				add(call(ak, "DeleteCdnDomain", "DomainName", domain))
			}
		})
	}
	r.run(func(add func(error)) {
		for i := range 60 {
			add(raceAdmin(ts, http.MethodGet, "/_mock/resources"))
			add(raceAdmin(ts, http.MethodDelete, fmt.Sprintf("/_mock/resources?account=AK-RACE-%d&resource=domain", i%4)))
			add(raceAdmin(ts, http.MethodDelete, "/_mock/resources?resource=cache-task"))
			add(raceAdmin(ts, http.MethodDelete, "/_mock/resources"))
		}
	})
	r.report(t)
}

// Export tasks created, listed and deleted by several accounts while the
// admin API lists them, reads and clears the journal and the coverage, and
// resets the state: the task store (its shared key ids, its token
// generator), the journal ring and the coverage counters under -race.
func TestTasksResetWhileServing(t *testing.T) {
	_, ts := storeServer(t, mock.Config{})
	period := []string{"StartTime", "2026-11-01T00:00:00Z", "EndTime", "2026-11-02T00:00:00Z"}
	r := newRaceErrors()
	for a := range 4 {
		ak := fmt.Sprintf("AK-TASKS-%d", a)
		r.run(func(add func(error)) {
			for range 40 {
				id, err := raceCall(ts, ak, "CreateUserUsageDataExportTask", period...)
				add(err)
				_, err = raceCall(ts, ak, "DescribeUserUsageDataExportTask", "PageSize", "5")
				add(err)
				if id != "" {
					_, err = raceCall(ts, ak, "DeleteUserUsageDataExportTask", "TaskId", id)
					add(err)
				}
			}
		})
	}
	r.run(func(add func(error)) {
		for range 40 {
			add(raceAdmin(ts, http.MethodGet, "/_mock/tasks"))
			add(raceAdmin(ts, http.MethodGet, "/_mock/requests"))
			add(raceAdmin(ts, http.MethodGet, "/_mock/coverage"))
			add(raceAdmin(ts, http.MethodDelete, "/_mock/requests"))
			add(raceAdmin(ts, http.MethodDelete, "/_mock/coverage"))
			add(raceAdmin(ts, http.MethodDelete, "/_mock/state"))
		}
	})
	r.report(t)
}
