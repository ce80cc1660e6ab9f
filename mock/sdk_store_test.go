package mock_test

// The resource store's lifecycle beyond one call, driven by darabonba's
// CallApi (sdkAPI): configs set several times, domains and their configs
// going together whatever removes the domain, what the admin API forgets,
// and a failed scenario's flag.

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// configIDs are the ConfigIds a BatchSetCdnDomainConfig answered, or
// DescribeCdnDomainConfigs listed.
func configIDs(body map[string]any) []string {
	var models []any
	if l, ok := body["DomainConfigList"].(map[string]any); ok {
		models, _ = l["DomainConfigModel"].([]any)
	}
	if l, ok := body["DomainConfigs"].(map[string]any); ok {
		models, _ = l["DomainConfig"].([]any)
	}
	var out []string
	for _, m := range models {
		switch id := m.(map[string]any)["ConfigId"].(type) {
		case float64:
			out = append(out, fmt.Sprint(int64(id)))
		default:
			out = append(out, fmt.Sprint(id))
		}
	}
	return out
}

// storeServer is sdkServer with cfg, the clock pinned and without rate
// limits (BatchSetCdnDomainConfig allows 3 calls a second).
func storeServer(t *testing.T, cfg mock.Config) (*mock.Server, *httptest.Server) {
	t.Helper()
	cfg.Clock, cfg.DisableThrottling = mock.FixedClock(sdkT0), true
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	t.Cleanup(srv.Close)
	return srv, ts
}

func addDomain(t *testing.T, ts *httptest.Server, ak, name string) {
	t.Helper()
	mustAPI(t, ts, ak, "AddCdnDomain", "DomainName", name, "CdnType", "web", "Sources", sdkSources)
}

const header = `{"functionName":"set_resp_header","functionArgs":[{"argName":"key","argValue":"X-%s"},{"argName":"value","argValue":"1"}]}`

// A function set twice in one call makes two configs, each its own
// ConfigId; configId updates one; an unknown, repeated or other domain's
// id is refused; pieces that multiply past what an account keeps are
// refused before anything is kept.
func TestSDKConfigsSetTwice(t *testing.T) {
	_, ts := storeServer(t, mock.Config{})
	ak := sdkKey(t)
	addDomain(t, ts, ak, "a.example.com")
	addDomain(t, ts, ak, "b.example.com")
	set := func(domains string, items ...string) []string {
		t.Helper()
		return configIDs(mustAPI(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", domains, "Functions", "["+strings.Join(items, ",")+"]"))
	}
	ids := set("a.example.com", fmt.Sprintf(header, "A"), fmt.Sprintf(header, "B"))
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Fatalf("set_resp_header twice in one call: ConfigIds %v, want two different", ids)
	}
	list := func(domain string) []string {
		return configIDs(mustAPI(t, ts, ak, "DescribeCdnDomainConfigs", "DomainName", domain, "FunctionNames", "set_resp_header"))
	}
	if got := list("a.example.com"); len(got) != 2 {
		t.Errorf("both kept: %v", got)
	}
	withID := func(id, name string) string {
		return strings.Replace(fmt.Sprintf(header, name), "{", `{"configId":`+id+",", 1)
	}
	if got := set("a.example.com", withID(ids[1], "C")); len(got) != 1 || got[0] != ids[1] {
		t.Errorf("configId %s updates its config: %v", ids[1], got)
	}
	refused := map[string][2]string{
		"an unknown configId":           {"a.example.com", "[" + withID("99999999", "D") + "]"},
		"another domain's configId":     {"b.example.com", "[" + withID(ids[0], "D") + "]"},
		"one configId twice":            {"a.example.com", "[" + withID(ids[0], "D") + "," + withID(ids[0], "E") + "]"},
		"51 functions":                  {"a.example.com", "[" + strings.Repeat(fmt.Sprintf(header, "F")+",", 50) + fmt.Sprintf(header, "F") + "]"},
		"50 domains × 21 = 1050 > 1000": {strings.Repeat("a.example.com,", 49) + "a.example.com", "[" + strings.Repeat(fmt.Sprintf(header, "G")+",", 20) + fmt.Sprintf(header, "G") + "]"},
	}
	want := map[string]string{"an unknown configId": "404 Config.NotFound", "another domain's configId": "404 Config.NotFound",
		"one configId twice": "400 InvalidFunctions.Malformed", "51 functions": "400 ConfigExceedLimit", "50 domains × 21 = 1050 > 1000": "400 ConfigExceedLimit"}
	for name, r := range refused {
		if status, code := apiCode(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", r[0], "Functions", r[1]); fmt.Sprint(status, " ", code) != want[name] {
			t.Errorf("%s: %d %s, want %s", name, status, code, want[name])
		}
	}
	if got := list("a.example.com"); len(got) != 2 || len(list("b.example.com")) != 0 {
		t.Errorf("a refused call keeps nothing: a %v", got)
	}
	if got := set("a.example.com,b.example.com", strings.Split(strings.Repeat(fmt.Sprintf(header, "H")+"\n", 26), "\n")[:26]...); len(got) != 52 {
		t.Errorf("Functions' max is per call's parameter, not of domains × functions: 2 × 26 made %d", len(got))
	}
}

// However a domain goes (DeleteCdnDomain, the admin API's reset of the
// domain resource), its configs go with it: the same domain added again
// has none.
func TestSDKDomainTakesItsConfigs(t *testing.T) {
	_, ts := sdkServer(t)
	ak := sdkKey(t)
	withConfig := func() {
		t.Helper()
		addDomain(t, ts, ak, "www.example.com")
		mustAPI(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", "www.example.com", "Functions", "["+fmt.Sprintf(header, "A")+"]")
	}
	configs := func() []string {
		return configIDs(mustAPI(t, ts, ak, "DescribeCdnDomainConfigs", "DomainName", "www.example.com"))
	}
	for _, remove := range []string{"DeleteCdnDomain", "DELETE /_mock/resources?resource=domain"} {
		withConfig()
		if remove == "DeleteCdnDomain" {
			mustAPI(t, ts, ak, "DeleteCdnDomain", "DomainName", "www.example.com")
		} else if r := admin(t, ts, "DELETE", "/_mock/resources?resource=domain", ""); r.status != 200 || r.body != `{"deleted":2}`+"\n" {
			t.Errorf("%s: %d %s, want the domain and its config", remove, r.status, r.body)
		}
		addDomain(t, ts, ak, "www.example.com")
		if got := configs(); len(got) != 0 {
			t.Errorf("after %s, the domain added again has configs %v", remove, got)
		}
		mustAPI(t, ts, ak, "DeleteCdnDomain", "DomainName", "www.example.com")
	}
}

// The admin API forgets what it is asked: a resource alone (the others
// stay), an account with its quota use; GET shows counts and the newest.
func TestAdminResourcesResetAndPage(t *testing.T) {
	_, ts := sdkServer(t)
	ak := sdkKey(t)
	addDomain(t, ts, ak, "www.example.com")
	for i := range 3 {
		mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath", fmt.Sprintf("http://www.example.com/%d/", i), "ObjectType", "Directory")
	}
	var page struct {
		Accounts []struct {
			Counts map[string]int              `json:"counts"`
			Items  map[string][]map[string]any `json:"items"`
		} `json:"accounts"`
		Shown int    `json:"shown"`
		Next  string `json:"next"`
	}
	r := admin(t, ts, "GET", "/_mock/resources?accessKeyId="+ak+"&limit=2", "")
	if err := json.Unmarshal([]byte(r.body), &page); err != nil || len(page.Accounts) != 1 {
		t.Fatalf("GET: %v %s", err, r.body)
	}
	if a := page.Accounts[0]; a.Counts["cache-task"] != 3 || len(a.Items["cache-task"]) != 2 || a.Items["cache-task"][0]["ObjectPath"] != "http://www.example.com/2/" || a.Counts["domain"] != 1 {
		t.Errorf("counts and the 2 newest: %+v", a)
	}
	dirRemain := func() string { return mustAPI(t, ts, ak, "DescribeRefreshQuota")["DirRemain"].(string) }
	if got := dirRemain(); got != "97" {
		t.Fatalf("DirRemain %s after 3 directories", got)
	}
	if r := admin(t, ts, "DELETE", "/_mock/resources?accessKeyId="+ak+"&resource=cache-task", ""); r.body != `{"deleted":3}`+"\n" {
		t.Errorf("resource=cache-task forgets the 3 tasks: %s", r.body)
	}
	if d := mustAPI(t, ts, ak, "DescribeUserDomains"); d["TotalCount"] != 1.0 || dirRemain() != "97" {
		t.Errorf("the domain stays, and the quota use (only an account's reset forgets it): %v", d["TotalCount"])
	}
	if r := admin(t, ts, "DELETE", "/_mock/resources?accessKeyId="+ak, ""); r.body != `{"deleted":1}`+"\n" || dirRemain() != "100" {
		t.Errorf("the account's reset forgets its items and its quota use: %s, DirRemain %s", r.body, dirRemain())
	}
	for i := range 101 { // accounts come 100 a page
		mustAPI(t, ts, fmt.Sprintf("AK-page-%03d", i), "RefreshObjectCaches", "ObjectPath", "http://www.example.com/", "ObjectType", "File")
	}
	json.Unmarshal([]byte(admin(t, ts, "GET", "/_mock/resources", "").body), &page)
	if len(page.Accounts) != 100 || page.Next != "AK-page-099" || page.Shown != 20 {
		t.Errorf("first page: %d accounts, next %q", len(page.Accounts), page.Next)
	}
	after := page.Next
	page.Next = ""
	json.Unmarshal([]byte(admin(t, ts, "GET", "/_mock/resources?after="+after, "").body), &page)
	if len(page.Accounts) != 1 || page.Next != "" {
		t.Errorf("second page: %d accounts, next %q", len(page.Accounts), page.Next)
	}
}

// A domain a scenario made fail is configured afresh by a modify: the
// failed flag goes with the restart of its status.
func TestSDKModifyClearsFailed(t *testing.T) {
	srv, ts := storeServer(t, domainFailsConfig())
	ak := sdkKey(t)
	addFailedDomain(t, ts, ak, "www.example.com")
	status := func() any {
		return mustAPI(t, ts, ak, "DescribeCdnDomainDetail", "DomainName", "www.example.com")["GetDomainDetailModel"].(map[string]any)["DomainStatus"]
	}
	srv.Clock().Advance(2 * time.Minute)
	if got := status(); got != "configure_failed" {
		t.Fatalf("added under domain-fails, after 2m: %v", got)
	}
	mustAPI(t, ts, ak, "ModifyCdnDomain", "DomainName", "www.example.com", "ResourceGroupId", "rg-2")
	srv.Clock().Advance(2 * time.Minute)
	if got := status(); got != "online" {
		t.Errorf("modified without the scenario, after 2m: %v, want online", got)
	}
}

// With --state, every change is on disk when answered: a config updated
// by configId, a stop, a start and a modify survive a restart.
func TestSDKChangesSurviveARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	ak := sdkKey(t)
	restart := func(srv *mock.Server, ts *httptest.Server) (*mock.Server, *httptest.Server) {
		t.Helper()
		ts.Close()
		srv.Close()
		return storeServer(t, mock.Config{StatePath: path})
	}
	srv, ts := storeServer(t, mock.Config{StatePath: path})
	addDomain(t, ts, ak, "stop.example.com")
	addDomain(t, ts, ak, "modify.example.com")
	id := configIDs(mustAPI(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", "modify.example.com", "Functions", "["+fmt.Sprintf(header, "A")+"]"))[0]
	srv.Clock().Advance(2 * time.Minute)
	mustAPI(t, ts, ak, "StopCdnDomain", "DomainName", "stop.example.com")
	mustAPI(t, ts, ak, "ModifyCdnDomain", "DomainName", "modify.example.com", "ResourceGroupId", "rg-9")
	update := strings.Replace(fmt.Sprintf(header, "B"), "{", `{"configId":`+id+",", 1)
	mustAPI(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", "modify.example.com", "Functions", "["+update+"]")

	srv, ts = restart(srv, ts)
	detail := func(name string) map[string]any {
		return mustAPI(t, ts, ak, "DescribeCdnDomainDetail", "DomainName", name)["GetDomainDetailModel"].(map[string]any)
	}
	if d := detail("stop.example.com"); d["DomainStatus"] != "offline" {
		t.Errorf("stopped, after a restart: %v", d["DomainStatus"])
	}
	if d := detail("modify.example.com"); d["DomainStatus"] != "configuring" || d["ResourceGroupId"] != "rg-9" {
		t.Errorf("modified, after a restart: %v %v", d["DomainStatus"], d["ResourceGroupId"])
	}
	configs := mustAPI(t, ts, ak, "DescribeCdnDomainConfigs", "DomainName", "modify.example.com")
	if data, _ := json.Marshal(configs); !strings.Contains(string(data), "X-B") || strings.Contains(string(data), "X-A") {
		t.Errorf("the config updated by configId, after a restart: %s", data)
	}
	mustAPI(t, ts, ak, "StartCdnDomain", "DomainName", "stop.example.com")

	_, ts = restart(srv, ts)
	if d := detail("stop.example.com"); d["DomainStatus"] != "online" {
		t.Errorf("started, after a restart: %v", d["DomainStatus"])
	}
}
