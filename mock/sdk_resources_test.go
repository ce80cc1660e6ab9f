package mock_test

// Workflows that keep state (x-mock-resources), driven by the real SDKs:
// darabonba-openapi's CallApi, as the generated cdn-20180510 client calls,
// and the old SDK's typed CDN client as a second, independent client.

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// sdkAPI calls an action through darabonba's CallApi (ACS3 signature) and
// returns the JSON body.
func sdkAPI(t *testing.T, ts *httptest.Server, ak, action string, params map[string]string) (map[string]any, error) {
	t.Helper()
	client, err := openapi.NewClient(&openapi.Config{
		AccessKeyId: tea.String(ak), AccessKeySecret: tea.String("SECRET"),
		Endpoint: tea.String(strings.TrimPrefix(ts.URL, "http://")), Protocol: tea.String("HTTP"),
	})
	if err != nil {
		t.Fatal(err)
	}
	req := &openapi.OpenApiRequest{Query: map[string]*string{}}
	for k, v := range params {
		req.Query[k] = tea.String(v)
	}
	sdkOpenapiMu.Lock() // tea's shared http.Client races with itself (sdk_helpers_test.go)
	res, err := client.CallApi(&openapi.Params{
		Action: tea.String(action), Version: tea.String(sdkVersion), Protocol: tea.String("HTTP"),
		Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"), Style: tea.String("RPC"),
		ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
	}, req, &util.RuntimeOptions{})
	sdkOpenapiMu.Unlock()
	if err != nil {
		return nil, err
	}
	// darabonba decodes numbers as json.Number: read the body again as
	// encoding/json does, numbers as float64.
	data, err := json.Marshal(res["body"])
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatal(err)
	}
	return body, nil
}

// mustAPI is sdkAPI that fails the test on an error.
func mustAPI(t *testing.T, ts *httptest.Server, ak, action string, kv ...string) map[string]any {
	t.Helper()
	params := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		params[kv[i]] = kv[i+1]
	}
	body, err := sdkAPI(t, ts, ak, action, params)
	if err != nil {
		t.Fatalf("%s %v: %v", action, kv, err)
	}
	return body
}

// apiCode is the code of a darabonba call that failed, with its status.
func apiCode(t *testing.T, ts *httptest.Server, ak, action string, kv ...string) (int, string) {
	t.Helper()
	params := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		params[kv[i]] = kv[i+1]
	}
	_, err := sdkAPI(t, ts, ak, action, params)
	if err == nil {
		t.Fatalf("%s %v succeeded, want an error", action, kv)
	}
	f := sdkOpenapiFailure(t, err)
	return f.Status, f.Code
}

// oldClient is the old SDK's CDN client, pointed at the mock.
func oldClient(t *testing.T, ak string) *cdn.Client {
	t.Helper()
	c, err := cdn.NewClientWithAccessKey("cn-hangzhou", ak, "SECRET")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSDKRefreshPoll is a user's poll loop: refresh two URLs with CallApi,
// then poll DescribeRefreshTasks for the returned ids with the old SDK
// until both are Complete, moving the pinned clock between polls.
func TestSDKRefreshPoll(t *testing.T) {
	srv, ts := sdkServer(t)
	ak := sdkKey(t)
	body := mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath", "http://example.com/a.png\nhttp://example.com/b/")
	ids := strings.Split(body["RefreshTaskId"].(string), ",")
	if len(ids) != 2 {
		t.Fatalf("RefreshTaskId %q: one id per line, comma-separated", body["RefreshTaskId"])
	}

	client := oldClient(t, ak)
	status := func(id string) cdn.CDNTask {
		t.Helper()
		req := cdn.CreateDescribeRefreshTasksRequest()
		req.Domain, req.Scheme = strings.TrimPrefix(ts.URL, "http://"), "http"
		req.TaskId = id
		resp, err := client.DescribeRefreshTasks(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.TotalCount != 1 || len(resp.Tasks.CDNTask) != 1 || resp.Tasks.CDNTask[0].TaskId != id {
			t.Fatalf("DescribeRefreshTasks TaskId=%s: %+v", id, resp)
		}
		return resp.Tasks.CDNTask[0]
	}
	polls := 0
	for _, id := range ids {
		for task := status(id); task.Status != "Complete"; task = status(id) {
			if task.Status != "Refreshing" || task.Process != "0%" || polls > 10 {
				t.Fatalf("poll %d: %+v", polls, task)
			}
			polls++
			srv.Clock().Advance(15 * time.Second) // POST /_mock/clock {"advance":"15s"} from outside Go
		}
	}
	if polls != 4 { // a task takes 1m: four polls 15s apart
		t.Errorf("%d polls, want 4", polls)
	}
	task := status(ids[1])
	if task.ObjectPath != "http://example.com/b/" || task.ObjectType != "file" || task.Process != "100%" || task.CreationTime != sdkAt(0) {
		t.Errorf("the task as created: %+v", task)
	}
}

// TestSDKRefreshFilters: the list's filters, its pages, a prefetch task,
// and a scenario that makes tasks fail.
func TestSDKRefreshFilters(t *testing.T) {
	srv, ts := sdkServer(t)
	ak := sdkKey(t)
	mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath", "http://a.example.com/1\nhttp://b.example.com/2\nhttp://a.example.com/3")
	push := mustAPI(t, ts, ak, "PushObjectCache", "ObjectPath", "a.example.com/big.iso")
	mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath", "http://a.example.com/dir/", "ObjectType", "Directory")

	count := func(kv ...string) (int, []any) {
		t.Helper()
		srv.Clock().Advance(time.Second) // DescribeRefreshTasks allows 10 calls a second
		b := mustAPI(t, ts, ak, "DescribeRefreshTasks", kv...)
		items, _ := b["Tasks"].(map[string]any)["CDNTask"].([]any)
		return int(b["TotalCount"].(float64)), items
	}
	for _, tc := range []struct {
		kv   []string
		want int
	}{
		{nil, 5},
		{[]string{"DomainName", "a.example.com", "ObjectType", "file"}, 2}, // DomainName and Status need ObjectType
		{[]string{"DomainName", "A.Example.COM", "ObjectType", "directory"}, 1},
		{[]string{"ObjectType", "preload"}, 1},
		{[]string{"ObjectType", "directory"}, 1},
		{[]string{"ObjectPath", "http://b.example.com/2"}, 1},
		{[]string{"TaskId", push["PushTaskId"].(string)}, 1},
		{[]string{"Status", "Complete", "ObjectType", "file"}, 0},
		{[]string{"StartTime", sdkAt(time.Minute), "EndTime", sdkAt(time.Hour)}, 0},
	} {
		if n, _ := count(tc.kv...); n != tc.want {
			t.Errorf("DescribeRefreshTasks %v: TotalCount %d, want %d", tc.kv, n, tc.want)
		}
	}
	var seen []string
	for page := 1; page <= 3; page++ {
		n, items := count("PageSize", "2", "PageNumber", fmt.Sprint(page))
		if n != 5 || len(items) != min(2, 5-2*(page-1)) {
			t.Fatalf("page %d of 2: TotalCount %d, %d items", page, n, len(items))
		}
		for _, it := range items {
			seen = append(seen, it.(map[string]any)["TaskId"].(string))
		}
	}
	if len(seen) != 5 || seen[0] <= seen[4] {
		t.Errorf("three pages give each task once, newest first: %v", seen)
	}

	byID := mustAPI(t, ts, ak, "DescribeRefreshTaskById", "TaskId", push["PushTaskId"].(string))
	if tasks, _ := byID["Tasks"].([]any); len(tasks) != 1 || tasks[0].(map[string]any)["ObjectType"] != "preload" {
		t.Errorf("DescribeRefreshTaskById: %v", byID)
	}

	sdkBind(t, ts, ak, "refresh-fails")
	failed := mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath", "http://a.example.com/x")
	srv.Clock().Advance(time.Minute)
	b := mustAPI(t, ts, ak, "DescribeRefreshTaskById", "TaskId", failed["RefreshTaskId"].(string))
	if task := b["Tasks"].([]any)[0].(map[string]any); task["Status"] != "Failed" || task["Description"] != "Internal Error" {
		t.Errorf("under refresh-fails: %v", task)
	}
	if n, _ := count("Status", "Complete", "ObjectType", "file"); n != 3 {
		t.Errorf("the other file refreshes completed: %d", n)
	}
}

// TestSDKRefreshQuota: DescribeRefreshQuota goes down as tasks are made,
// a used-up quota answers QuotaExceeded.Refresh or .Preload, and the
// quotas are whole again the next day (00:00 in China).
func TestSDKRefreshQuota(t *testing.T) {
	srv, ts := sdkServer(t)
	ak := sdkKey(t)
	dirs := make([]string, 100)
	for i := range dirs {
		dirs[i] = fmt.Sprintf("http://example.com/d%d/", i)
	}
	mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectType", "Directory", "ObjectPath", strings.Join(dirs[:99], "\n"))
	q := mustAPI(t, ts, ak, "DescribeRefreshQuota")
	if q["DirQuota"] != "100" || q["DirRemain"] != "1" || q["UrlRemain"] != "2000" {
		t.Errorf("after 99 directories: %v", q)
	}
	if status, code := apiCode(t, ts, ak, "RefreshObjectCaches", "ObjectType", "Directory", "ObjectPath", "http://example.com/x/\nhttp://example.com/y/"); status != 400 || code != "QuotaExceeded.Refresh" {
		t.Errorf("2 more directories: %d %s", status, code)
	}
	mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectType", "Directory", "ObjectPath", "http://example.com/last/")

	// Preload: 500 a day, at most 1000 paths a request.
	paths := make([]string, 500)
	for i := range paths {
		paths[i] = fmt.Sprintf("example.com/f%d", i)
	}
	mustAPI(t, ts, ak, "PushObjectCache", "ObjectPath", strings.Join(paths, "\n"))
	if status, code := apiCode(t, ts, ak, "PushObjectCache", "ObjectPath", "example.com/one-more"); status != 400 || code != "QuotaExceeded.Preload" {
		t.Errorf("the 501st preload: %d %s", status, code)
	}
	if _, code := apiCode(t, ts, "other-"+ak, "PushObjectCache", "ObjectPath", strings.Repeat("example.com/p\n", 1001)); code != "SingleRequest.OverLimit" {
		t.Errorf("1001 paths in one request: %s", code)
	}
	if q := mustAPI(t, ts, "other-"+ak, "DescribeRefreshQuota"); q["PreloadRemain"] != "500" || q["DirRemain"] != "100" {
		t.Errorf("another account's quotas are its own: %v", q)
	}

	srv.Clock().Set(time.Date(2026, 11, 25, 15, 59, 59, 0, time.UTC)) // 23:59:59 in China
	if q := mustAPI(t, ts, ak, "DescribeRefreshQuota"); q["PreloadRemain"] != "0" {
		t.Errorf("before midnight in China: %v", q)
	}
	srv.Clock().Advance(time.Second)
	if q := mustAPI(t, ts, ak, "DescribeRefreshQuota"); q["PreloadRemain"] != "500" || q["DirRemain"] != "100" {
		t.Errorf("a new day: %v", q)
	}
}

// sdkSources is an origin as AddCdnDomain takes it.
const sdkSources = `[{"content":"192.0.2.10","type":"ipaddr","priority":"20","port":80,"weight":"10"}]`

// TestSDKDomainLife: a domain's whole life, with both clients.
func TestSDKDomainLife(t *testing.T) {
	srv, ts := sdkServer(t)
	ak := sdkKey(t)
	host := strings.TrimPrefix(ts.URL, "http://")
	client := oldClient(t, ak)

	mustAPI(t, ts, ak, "AddCdnDomain", "DomainName", "www.example.com", "CdnType", "web", "Sources", sdkSources)
	if status, code := apiCode(t, ts, ak, "AddCdnDomain", "DomainName", "www.example.com", "CdnType", "web", "Sources", sdkSources); status != 400 || code != "DomainAlreadyExist" {
		t.Errorf("the same domain again: %d %s", status, code)
	}

	list := cdn.CreateDescribeUserDomainsRequest()
	list.Domain, list.Scheme = host, "http"
	domains, err := client.DescribeUserDomains(list)
	if err != nil {
		t.Fatal(err)
	}
	if domains.TotalCount != 1 || len(domains.Domains.PageData) != 1 {
		t.Fatalf("DescribeUserDomains: %+v", domains)
	}
	d := domains.Domains.PageData[0]
	if d.DomainName != "www.example.com" || d.DomainStatus != "configuring" || d.CdnType != "web" || d.GmtCreated != sdkAt(0) || d.DomainId == 0 {
		t.Errorf("listed: %+v", d)
	}

	detail := func() cdn.GetDomainDetailModel {
		t.Helper()
		req := cdn.CreateDescribeCdnDomainDetailRequest()
		req.Domain, req.Scheme, req.DomainName = host, "http", "www.example.com"
		resp, err := client.DescribeCdnDomainDetail(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.GetDomainDetailModel
	}
	srv.Clock().Advance(2 * time.Minute)
	m := detail()
	if m.DomainStatus != "online" || len(m.SourceModels.SourceModel) != 1 || m.SourceModels.SourceModel[0].Content != "192.0.2.10" || m.SourceModels.SourceModel[0].Port != 80 {
		t.Errorf("after 2m, with its origin: %+v", m)
	}

	mustAPI(t, ts, ak, "StopCdnDomain", "DomainName", "www.example.com")
	if m := detail(); m.DomainStatus != "offline" {
		t.Errorf("stopped: %s", m.DomainStatus)
	}
	mustAPI(t, ts, ak, "StartCdnDomain", "DomainName", "www.example.com")
	srv.Clock().Advance(time.Minute)
	mustAPI(t, ts, ak, "ModifyCdnDomain", "DomainName", "www.example.com", "Sources", `[{"content":"origin.example.com","type":"domain","port":443}]`)
	if m := detail(); m.DomainStatus != "configuring" || m.SourceModels.SourceModel[0].Content != "origin.example.com" || m.GmtModified != sdkAt(3*time.Minute) {
		t.Errorf("started and modified: configuring the change: %+v", m)
	}
	srv.Clock().Advance(2 * time.Minute)
	if m := detail(); m.DomainStatus != "online" || m.GmtModified != sdkAt(5*time.Minute) {
		t.Errorf("the change deployed after 2m: %+v", m)
	}
	mustAPI(t, ts, ak, "StopCdnDomain", "DomainName", "www.example.com")
	mustAPI(t, ts, ak, "ModifyCdnDomain", "DomainName", "www.example.com", "ResourceGroupId", "rg-1")
	if m := detail(); m.DomainStatus != "offline" || m.ResourceGroupId != "rg-1" {
		t.Errorf("a stopped domain modified stays offline: %+v", m)
	}
	mustAPI(t, ts, ak, "StartCdnDomain", "DomainName", "www.example.com")

	set := mustAPI(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", "www.example.com", "Functions",
		`[{"functionName":"set_resp_header","functionArgs":[{"argName":"key","argValue":"X-A"},{"argName":"value","argValue":"1"}]},{"functionName":"referer_white_list_set","functionArgs":[{"argName":"refer_domain_allow_list","argValue":"example.com"}]}]`)
	models := set["DomainConfigList"].(map[string]any)["DomainConfigModel"].([]any)
	if len(models) != 2 {
		t.Fatalf("BatchSetCdnDomainConfig: %v", set)
	}
	id := func(m any) string { return fmt.Sprint(int64(m.(map[string]any)["ConfigId"].(float64))) }
	configID, refererID := id(models[0]), id(models[1])
	describe := func(functions string) []cdn.DomainConfigInDescribeCdnDomainConfigs {
		t.Helper()
		req := cdn.CreateDescribeCdnDomainConfigsRequest()
		req.Domain, req.Scheme, req.DomainName, req.FunctionNames = host, "http", "www.example.com", functions
		resp, err := client.DescribeCdnDomainConfigs(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.DomainConfigs.DomainConfig
	}
	if got := describe("set_resp_header"); len(got) != 1 || got[0].ConfigId != configID || len(got[0].FunctionArgs.FunctionArg) != 2 || got[0].FunctionArgs.FunctionArg[0].ArgValue != "X-A" {
		t.Errorf("DescribeCdnDomainConfigs FunctionNames=set_resp_header: %+v", got)
	}
	// An item with configId updates that config, which keeps its ConfigId;
	// a new function gets a new one.
	again := mustAPI(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", "www.example.com", "Functions",
		`[{"functionName":"set_resp_header","configId":`+configID+`,"functionArgs":[{"argName":"key","argValue":"X-B"},{"argName":"value","argValue":"2"}]},{"functionName":"https_force","functionArgs":[{"argName":"enable","argValue":"on"}]}]`)
	models = again["DomainConfigList"].(map[string]any)["DomainConfigModel"].([]any)
	if len(models) != 2 || id(models[0]) != configID || id(models[1]) == configID || id(models[1]) == refererID {
		t.Fatalf("configId %s updates its config, https_force gets a new one: %v", configID, again)
	}
	forceID := id(models[1])
	if got := describe("set_resp_header"); len(got) != 1 || got[0].ConfigId != configID || got[0].FunctionArgs.FunctionArg[0].ArgValue != "X-B" {
		t.Errorf("the replaced config: %+v", got)
	}
	if got := describe(""); len(got) != 3 {
		t.Errorf("three functions, three configs: %+v", got)
	}
	mustAPI(t, ts, ak, "DeleteSpecificConfig", "DomainName", "www.example.com", "ConfigId", configID)
	if got := describe(""); len(got) != 2 {
		t.Errorf("after DeleteSpecificConfig: %+v", got)
	}
	// ConfigId lists several, comma-separated; one the domain lacks refuses
	// the whole call.
	if status, code := apiCode(t, ts, ak, "DeleteSpecificConfig", "DomainName", "www.example.com", "ConfigId", forceID+","+configID); status != 404 || code != "Config.NotFound" {
		t.Errorf("a deleted id among them: %d %s", status, code)
	}
	mustAPI(t, ts, ak, "DeleteSpecificConfig", "DomainName", "www.example.com", "ConfigId", refererID+","+forceID)
	if got := describe(""); len(got) != 0 {
		t.Errorf("after deleting two at once: %+v", got)
	}

	mustAPI(t, ts, ak, "DeleteCdnDomain", "DomainName", "www.example.com")
	for _, action := range []string{"DescribeCdnDomainDetail", "StopCdnDomain", "DeleteCdnDomain", "DescribeCdnDomainConfigs"} {
		if status, code := apiCode(t, ts, ak, action, "DomainName", "www.example.com"); status != 404 || code != "InvalidDomain.NotFound" {
			t.Errorf("%s after the delete: %d %s", action, status, code)
		}
	}
	req := cdn.CreateDescribeCdnDomainDetailRequest()
	req.Domain, req.Scheme, req.DomainName = host, "http", "www.example.com"
	_, err = client.DescribeCdnDomainDetail(req)
	sdkExpectFailure(t, sdkClient{failure: sdkOldFailure}, err, mock.ErrorDef{Code: "InvalidDomain.NotFound", Status: 404, Message: "The domain provided does not exist in our records."})
}

// TestSDKDomainsIsolatedAndPaged: accounts never see each other's domains;
// BatchAddCdnDomain adds several; pages and filters agree with TotalCount.
func TestSDKDomainsIsolatedAndPaged(t *testing.T) {
	_, ts := sdkServer(t)
	ak := sdkKey(t)
	var names []string
	for i := range 5 {
		names = append(names, fmt.Sprintf("d%d.example.com", i))
	}
	mustAPI(t, ts, ak, "BatchAddCdnDomain", "DomainName", strings.Join(names, ","), "CdnType", "download", "Sources", sdkSources)
	// A domain belongs to one account: another's add is refused.
	if status, code := apiCode(t, ts, "other-"+ak, "AddCdnDomain", "DomainName", "d0.example.com", "CdnType", "web", "Sources", sdkSources); status != 400 || code != "DomainExist.OtherUser" {
		t.Errorf("another account's domain: %d %s", status, code)
	}
	if status, code := apiCode(t, ts, "other-"+ak, "BatchAddCdnDomain", "DomainName", "x.example.com,d1.example.com", "CdnType", "web", "Sources", sdkSources); status != 400 || code != "DomainExist.OtherUser" {
		t.Errorf("another account's domain in a batch: %d %s", status, code)
	}
	mustAPI(t, ts, "other-"+ak, "AddCdnDomain", "DomainName", "other.example.com", "CdnType", "web", "Sources", sdkSources)

	var seen []string
	for page := 1; page <= 3; page++ {
		b := mustAPI(t, ts, ak, "DescribeUserDomains", "PageSize", "2", "PageNumber", fmt.Sprint(page))
		items := b["Domains"].(map[string]any)["PageData"].([]any)
		if b["TotalCount"] != 5.0 || b["PageNumber"] != float64(page) || b["PageSize"] != 2.0 || len(items) != min(2, 5-2*(page-1)) {
			t.Fatalf("page %d: %v", page, b)
		}
		for _, it := range items {
			seen = append(seen, it.(map[string]any)["DomainName"].(string))
		}
	}
	if strings.Join(seen, ",") != "d4.example.com,d3.example.com,d2.example.com,d1.example.com,d0.example.com" {
		t.Errorf("newest first, each once: %v", seen)
	}
	if b := mustAPI(t, ts, "other-"+ak, "DescribeUserDomains"); b["TotalCount"] != 1.0 {
		t.Errorf("the other account sees its one domain: %v", b)
	}
	for _, tc := range []struct {
		kv   []string
		want float64
	}{
		{[]string{"DomainName", "d3"}, 0}, // full_match by default
		{[]string{"DomainName", "D3.Example.COM"}, 1},
		{[]string{"DomainName", "d3", "DomainSearchType", "fuzzy_match"}, 1},
		{[]string{"DomainName", "example.com", "DomainSearchType", "full_match"}, 0},
	} {
		if b := mustAPI(t, ts, ak, "DescribeUserDomains", tc.kv...); b["TotalCount"] != tc.want {
			t.Errorf("DescribeUserDomains %v: TotalCount %v, want %v", tc.kv, b["TotalCount"], tc.want)
		}
	}
	if b := mustAPI(t, ts, ak, "DescribeUserDomains", "CdnType", "web"); b["TotalCount"] != 0.0 {
		t.Errorf("CdnType web: %v", b)
	}
	if status, code := apiCode(t, ts, "other-"+ak, "DeleteCdnDomain", "DomainName", "d0.example.com"); status != 404 || code != "InvalidDomain.NotFound" {
		t.Errorf("another account's domain is not found: %d %s", status, code)
	}
	mustAPI(t, ts, ak, "DescribeCdnDomainDetail", "DomainName", "d0.example.com") // still ours
	mustAPI(t, ts, ak, "DeleteCdnDomain", "DomainName", "d0.example.com")
	mustAPI(t, ts, "other-"+ak, "AddCdnDomain", "DomainName", "d0.example.com", "CdnType", "web", "Sources", sdkSources) // free again
}

// TestSDKConcurrentCreates: creates from many goroutines get distinct ids,
// and every one is listed; a domain added twice at once is kept once.
func TestSDKConcurrentCreates(t *testing.T) {
	// 40 adds at once would meet AddCdnDomain's rate limit (30/s) on the
	// pinned clock: this test is about state, not throttling.
	srv, err := mock.New(mock.Config{Clock: mock.FixedClock(sdkT0), DisableThrottling: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	t.Cleanup(srv.Close)
	ak := sdkKey(t)
	host := strings.TrimPrefix(ts.URL, "http://")
	const workers, each = 8, 5
	var mu sync.Mutex
	ids := map[string]bool{}
	added := 0
	var wg sync.WaitGroup
	for w := range workers {
		client := oldClient(t, ak) // made one at a time: the SDK fills a shared endpoint map on first use, unlocked
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				req := cdn.CreateRefreshObjectCachesRequest()
				req.Domain, req.Scheme = host, "http"
				req.ObjectPath = fmt.Sprintf("http://example.com/%d/%d", w, i)
				resp, err := client.RefreshObjectCaches(req)
				if err != nil {
					t.Error(err)
					return
				}
				add := cdn.CreateAddCdnDomainRequest()
				add.Domain, add.Scheme = host, "http"
				add.DomainName, add.CdnType, add.Sources = fmt.Sprintf("c%d.example.com", i), "web", sdkSources
				_, addErr := client.AddCdnDomain(add)
				if addErr != nil && !strings.Contains(addErr.Error(), "DomainAlreadyExist") {
					t.Errorf("AddCdnDomain %s: %v", add.DomainName, addErr)
				}
				mu.Lock()
				ids[resp.RefreshTaskId] = true
				if addErr == nil {
					added++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(ids) != workers*each {
		t.Errorf("%d distinct ids for %d tasks", len(ids), workers*each)
	}
	b := mustAPI(t, ts, ak, "DescribeRefreshTasks", "PageSize", "100")
	if b["TotalCount"] != float64(workers*each) {
		t.Errorf("listed: %v", b["TotalCount"])
	}
	if added != each {
		t.Errorf("%d adds succeeded; each of the %d names once", added, each)
	}
}
