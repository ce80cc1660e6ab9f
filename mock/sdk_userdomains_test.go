package mock_test

import (
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// userDomains is the names DescribeUserDomains lists for the filters kv,
// sorted and joined by commas.
func userDomains(t *testing.T, ts *httptest.Server, ak string, kv ...string) string {
	t.Helper()
	var names []string
	for _, it := range mustAPI(t, ts, ak, "DescribeUserDomains", kv...)["Domains"].(map[string]any)["PageData"].([]any) {
		names = append(names, it.(map[string]any)["DomainName"].(string))
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// DescribeUserDomains' DomainName takes several names, comma-separated,
// each matched whole (the metadata: up to 50); Source matches the
// origins' addresses only, never the JSON's key names or other values.
func TestSDKUserDomainsNamesAndSource(t *testing.T) {
	_, ts := storeServer(t, mock.Config{})
	ak := sdkKey(t)
	addDomain(t, ts, ak, "a.example.com")
	addDomain(t, ts, ak, "b.example.com")
	mustAPI(t, ts, ak, "AddCdnDomain", "DomainName", "c.example.com", "CdnType", "web",
		"Sources", `[{"content":"origin.example.net","type":"domain","priority":"20","port":80}]`)
	for _, tc := range []struct {
		kv   []string
		want string
	}{
		{[]string{"DomainName", "a.example.com,b.example.com"}, "a.example.com,b.example.com"},
		{[]string{"DomainName", "A.Example.com,nope.example.com"}, "a.example.com"},
		{[]string{"DomainName", "a.example.com,a.example.com"}, "a.example.com"},
		{[]string{"DomainName", "a.example.com,b.example.com", "DomainSearchType", "full_match"}, "a.example.com,b.example.com"},
		{[]string{"DomainName", "a.example"}, ""}, // a full match, not a part
		{[]string{"Source", "origin.example"}, "c.example.com"},
		{[]string{"Source", "192.0.2.10"}, "a.example.com,b.example.com"},
		{[]string{"Source", "Content"}, ""},
		{[]string{"Source", "Priority"}, ""},
		{[]string{"Source", "ipaddr"}, ""},
		{[]string{"Source", "map["}, ""},
	} {
		if got := userDomains(t, ts, ak, tc.kv...); got != tc.want {
			t.Errorf("DescribeUserDomains %v: %q, want %q", tc.kv, got, tc.want)
		}
	}
}

// CheckDomainShow=false hides a domain whose configuration failed; true,
// or no value, shows it.
func TestSDKCheckDomainShowHidesFailed(t *testing.T) {
	srv, ts := storeServer(t, domainFailsConfig())
	ak := sdkKey(t)
	addFailedDomain(t, ts, ak, "failed.example.com")
	addDomain(t, ts, ak, "ok.example.com")
	srv.Clock().Advance(2 * time.Minute)
	for _, tc := range []struct {
		kv   []string
		want string
	}{
		{nil, "failed.example.com,ok.example.com"},
		{[]string{"CheckDomainShow", "true"}, "failed.example.com,ok.example.com"},
		{[]string{"CheckDomainShow", "false"}, "ok.example.com"},
	} {
		if got := userDomains(t, ts, ak, tc.kv...); got != tc.want {
			t.Errorf("DescribeUserDomains %v: %q, want %q", tc.kv, got, tc.want)
		}
	}
}

// A function's name must be a non-empty text: "" or an object is refused
// with InvalidFunctions.Malformed and nothing is kept.
func TestSDKFunctionNameMustBeText(t *testing.T) {
	_, ts := storeServer(t, mock.Config{})
	ak := sdkKey(t)
	addDomain(t, ts, ak, "a.example.com")
	for _, name := range []string{`""`, `{"x":1}`, `7`, `null`} {
		fn := `[{"functionName":` + name + `,"functionArgs":[{"argName":"key","argValue":"v"}]}]`
		if status, code := apiCode(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", "a.example.com", "Functions", fn); status != 400 || code != "InvalidFunctions.Malformed" {
			t.Errorf("functionName %s: %d %s, want 400 InvalidFunctions.Malformed", name, status, code)
		}
	}
	b := mustAPI(t, ts, ak, "DescribeCdnDomainConfigs", "DomainName", "a.example.com")
	if n := len(b["DomainConfigs"].(map[string]any)["DomainConfig"].([]any)); n != 0 {
		t.Errorf("refused functions were kept: %d configs", n)
	}
}

// DescribeUserDomains' change window: the end must be after the start
// (the metadata), else InvalidChangeEndTime.Malformed; CheckDomainShow
// is a boolean in any case: False hides as false does.
func TestSDKUserDomainsWindowAndShow(t *testing.T) {
	srv, ts := storeServer(t, domainFailsConfig())
	ak := sdkKey(t)
	addFailedDomain(t, ts, ak, "failed.example.com")
	srv.Clock().Advance(2 * time.Minute)
	if status, code := apiCode(t, ts, ak, "DescribeUserDomains", "ChangeStartTime", sdkAt(time.Hour), "ChangeEndTime", sdkAt(0)); status != 400 || code != "InvalidChangeEndTime.Malformed" {
		t.Errorf("ChangeEndTime before ChangeStartTime: %d %s, want 400 InvalidChangeEndTime.Malformed", status, code)
	}
	if got := userDomains(t, ts, ak, "ChangeStartTime", sdkAt(0), "ChangeEndTime", sdkAt(time.Hour)); got != "failed.example.com" {
		t.Errorf("a window holding the change: %q", got)
	}
	for _, v := range []string{"False", "FALSE"} {
		if got := userDomains(t, ts, ak, "CheckDomainShow", v); got != "" {
			t.Errorf("CheckDomainShow=%s: %q, want the failed domain hidden", v, got)
		}
	}
}

// domainFailsConfig serves the scenario domain-fails, under which an
// added domain ends configure_failed.
func domainFailsConfig() mock.Config {
	return mock.Config{Scenarios: fstest.MapFS{
		"domain-fails.yaml": {Data: []byte("description: domains end configure_failed\noperations:\n  AddCdnDomain:\n    task: failed\n")}}}
}

// addFailedDomain adds name for ak under domain-fails (domainFailsConfig),
// then binds ak back to the default scenario.
func addFailedDomain(t *testing.T, ts *httptest.Server, ak, name string) {
	t.Helper()
	sdkBind(t, ts, ak, "domain-fails")
	addDomain(t, ts, ak, name)
	sdkBind(t, ts, ak, "default")
}
