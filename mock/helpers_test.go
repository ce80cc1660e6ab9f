package mock_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// testNow is the pinned clock of tests that do not say otherwise.
var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

const createAction = "CreateUserUsageDataExportTask"

// newServer starts the mock with the embedded files, the clock pinned at
// testNow and RequestIds counted, so answers are deterministic. Both are
// closed when the test ends: the mock first, which releases held requests,
// so that closing the listener does not wait for them.
func newServer(t testing.TB, cfg mock.Config) (*mock.Server, *httptest.Server) {
	t.Helper()
	if cfg.Clock == nil {
		cfg.Clock = mock.FixedClock(testNow)
	}
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatalf("mock.New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)  // cleanups run last-in first-out:
	t.Cleanup(srv.Close) // this one first
	return srv, ts
}

// bind binds an access key to a scenario, failing the test if it cannot.
func bind(t testing.TB, srv *mock.Server, accessKeyID, scenario string) {
	t.Helper()
	if err := srv.Bind(accessKeyID, scenario); err != nil {
		t.Fatalf("Bind(%q, %q): %v", accessKeyID, scenario, err)
	}
}

// setScenario makes a scenario the active one, failing the test if it cannot.
func setScenario(t testing.TB, srv *mock.Server, scenario string) {
	t.Helper()
	if err := srv.SetScenario(scenario); err != nil {
		t.Fatalf("SetScenario(%q): %v", scenario, err)
	}
}

// reply is an API answer as a test sees it.
type reply struct {
	status int
	header http.Header
	body   string
	fields map[string]any // the JSON body, when it is JSON
}

func (r reply) str(key string) string { s, _ := r.fields[key].(string); return s }

// call sends an RPC request with params in the query string.
func call(t testing.TB, ts *httptest.Server, method string, params url.Values, header http.Header) reply {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+"/?"+params.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	return do(t, req)
}

func do(t testing.TB, req *http.Request) reply {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := reply{status: resp.StatusCode, header: resp.Header, body: string(body)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(body, &r.fields); err != nil {
			t.Fatalf("JSON answer does not parse: %v\n%s", err, body)
		}
	}
	return r
}

// createParams is a valid CreateUserUsageDataExportTask call in JSON,
// changed by the given key/value pairs ("" as value deletes the key).
func createParams(kv ...string) url.Values {
	v := url.Values{
		"Action":    {createAction},
		"Version":   {"2018-05-10"},
		"Format":    {"JSON"},
		"StartTime": {"2026-11-01T00:00:00Z"},
		"EndTime":   {"2026-11-02T00:00:00Z"},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v
}

func admin(t testing.TB, ts *httptest.Server, method, path, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return do(t, req)
}

// specWithOperation is the shipped spec with one more operation, given as
// the YAML of its path item, under the pseudo-path of action.
func specWithOperation(t testing.TB, action, pathItem string) []byte {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(shippedSpec(t)), &doc); err != nil {
		t.Fatal(err)
	}
	var item map[string]any
	if err := yaml.Unmarshal([]byte(pathItem), &item); err != nil {
		t.Fatal(err)
	}
	doc["paths"].(map[string]any)["/?Action="+action] = item
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
