package mock_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The spec's rules on the stateful workflows, through darabonba's CallApi:
// each call the real API refuses gets its documented code.

// TestSDKRefreshRules: DescribeRefreshTasks' rules across parameters and
// the bounds of RefreshObjectCaches and PushObjectCache.
func TestSDKRefreshRules(t *testing.T) {
	_, ts := sdkServer(t)
	long := "http://a.example.com/" + strings.Repeat("x", 1024)
	for i, tc := range []struct {
		action string
		kv     []string
		code   string
	}{
		{"DescribeRefreshTasks", []string{"Status", "Complete"}, "MissingParameter.ObjectType"},
		{"DescribeRefreshTasks", []string{"DomainName", "a.example.com"}, "MissingParameter.ObjectType"},
		{"DescribeRefreshTasks", []string{"StartTime", sdkAt(0)}, "MissingTimeParameter"},
		{"DescribeRefreshTasks", []string{"EndTime", sdkAt(0)}, "MissingTimeParameter"},
		{"DescribeRefreshTasks", []string{"StartTime", "yesterday", "EndTime", sdkAt(0)}, "InvalidStartTime.Malformed"},
		{"DescribeRefreshTasks", []string{"StartTime", sdkAt(0), "EndTime", "2026-13-01T00:00:00Z"}, "InvalidEndTime.Malformed"},
		{"DescribeRefreshTasks", []string{"StartTime", sdkAt(time.Hour), "EndTime", sdkAt(0)}, "InvalidEndTime.Mismatch"},
		{"DescribeRefreshTasks", []string{"StartTime", sdkAt(0), "EndTime", sdkAt(73 * time.Hour)}, "InvalidTime"},
		{"DescribeRefreshTasks", []string{"ObjectType", "File"}, "InvalidObjectType.ValueNotSupported"},
		{"RefreshObjectCaches", []string{"ObjectPath", "http://a.example.com/x", "ObjectType", "Bogus"}, "InvalidObjectType.Malformed"},
		{"RefreshObjectCaches", []string{"ObjectPath", "http://a.example.com/ok\n" + long}, "InvalidObjectPath.Malformed"},
		{"PushObjectCache", []string{"ObjectPath", long}, "InvalidObjectPath.Malformed"},
		{"DescribeRefreshTaskById", []string{"TaskId", "1,2,3,4,5,6,7,8,9,10,11"}, "InvalidTaskId.Malformed"},
	} {
		ak := fmt.Sprintf("%s-%d", sdkKey(t), i) // a key each: no throttling
		if status, code := apiCode(t, ts, ak, tc.action, tc.kv...); status != 400 || code != tc.code {
			t.Errorf("%s %q: %d %s, want 400 %s", tc.action, tc.kv, status, code, tc.code)
		}
	}
	// A refused refresh makes no task and uses no quota.
	ak := sdkKey(t)
	apiCode(t, ts, ak, "RefreshObjectCaches", "ObjectPath", "http://a.example.com/ok\n"+long)
	if b := mustAPI(t, ts, ak, "DescribeRefreshTasks"); b["TotalCount"] != 0.0 {
		t.Errorf("a refused refresh made tasks: %v", b)
	}
	if b := mustAPI(t, ts, ak, "DescribeRefreshQuota"); b["UrlRemain"] != "2000" {
		t.Errorf("a refused refresh used quota: %v", b["UrlRemain"])
	}
	// Ten ids are fine, and two ids list both tasks.
	made := mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath", "http://a.example.com/1\nhttp://a.example.com/2\nhttp://a.example.com/3")
	ids := strings.Split(made["RefreshTaskId"].(string), ",")
	b := mustAPI(t, ts, ak, "DescribeRefreshTaskById", "TaskId", ids[0]+","+ids[2])
	if tasks, _ := b["Tasks"].([]any); len(tasks) != 2 || b["TotalCount"] != 2.0 {
		t.Errorf("DescribeRefreshTaskById %s,%s: %v", ids[0], ids[2], b)
	}
	mustAPI(t, ts, ak, "DescribeRefreshTaskById", "TaskId", "1,2,3,4,5,6,7,8,9,"+ids[1])
}

// TestSDKDomainRules: domain names are checked and case-insensitive,
// a batch names each domain once, the JSON parameters have their shape,
// and DescribeUserDomains' search types, filters and page bounds.
func TestSDKDomainRules(t *testing.T) {
	srv, ts := sdkServer(t)
	ak, other := sdkKey(t), "other-"+sdkKey(t)
	add := func(ak string, kv ...string) (int, string) {
		t.Helper()
		srv.Clock().Advance(time.Second) // 30 adds a second
		return apiCode(t, ts, ak, "AddCdnDomain", append([]string{"CdnType", "web", "Sources", sdkSources}, kv...)...)
	}
	batch := func(ak string, kv ...string) (int, string) {
		t.Helper()
		srv.Clock().Advance(time.Second)
		return apiCode(t, ts, ak, "BatchAddCdnDomain", append([]string{"CdnType", "web", "Sources", sdkSources}, kv...)...)
	}
	var fifty []string
	for i := range 51 {
		fifty = append(fifty, fmt.Sprintf("n%d.example.com", i))
	}
	for _, tc := range []struct {
		name   string
		status int
		code   string
		got    func() (int, string)
	}{
		{"a name that is no domain", 400, "InvalidDomainName.Malformed", func() (int, string) { return add(ak, "DomainName", "not a domain!!") }},
		{"a name of 300 bytes", 400, "InvalidDomainName.Malformed", func() (int, string) { return add(ak, "DomainName", strings.Repeat("a", 296)+".com") }},
		{"Sources not a list", 400, "InvalidSources.Malformed", func() (int, string) {
			return apiCode(t, ts, ak, "AddCdnDomain", "CdnType", "web", "DomainName", "s.example.com", "Sources", `{"a":1}`)
		}},
		{"a source without content", 400, "InvalidSources.Malformed", func() (int, string) {
			return apiCode(t, ts, ak, "AddCdnDomain", "CdnType", "web", "DomainName", "s.example.com", "Sources", `[{"type":"ipaddr"}]`)
		}},
		{"a batch naming one domain twice", 400, "DomainAlreadyExist", func() (int, string) { return batch(ak, "DomainName", "z.example.com,z.example.com") }},
		{"a batch of 51", 400, "InvalidDomainName.Malformed", func() (int, string) { return batch(ak, "DomainName", strings.Join(fifty, ",")) }},
		{"a batch with one bad name", 400, "InvalidDomainName.Malformed", func() (int, string) { return batch(ak, "DomainName", "ok.example.com,bad_name!") }},
	} {
		if status, code := tc.got(); status != tc.status || code != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, status, code, tc.status, tc.code)
		}
	}
	if b := mustAPI(t, ts, ak, "DescribeUserDomains"); b["TotalCount"] != 0.0 {
		t.Fatalf("refused adds made domains: %v", b)
	}

	// Case: Example.COM is example.com, for the account and for others.
	mustAPI(t, ts, ak, "AddCdnDomain", "CdnType", "web", "Sources", sdkSources, "DomainName", "WWW.Example.COM")
	if status, code := add(other, "DomainName", "www.example.com"); status != 400 || code != "DomainExist.OtherUser" {
		t.Errorf("another account adds the same name in lower case: %d %s", status, code)
	}
	if status, code := add(ak, "DomainName", "www.EXAMPLE.com"); status != 400 || code != "DomainAlreadyExist" {
		t.Errorf("the account adds its own name in other case: %d %s", status, code)
	}
	d := mustAPI(t, ts, ak, "DescribeCdnDomainDetail", "DomainName", "Www.Example.Com")
	if got := d["GetDomainDetailModel"].(map[string]any)["DomainName"]; got != "www.example.com" {
		t.Errorf("the name is kept lower-cased: %v", got)
	}

	// DescribeUserDomains: the search type, the filters, the page bounds.
	mustAPI(t, ts, ak, "AddCdnDomain", "CdnType", "web", "Sources", sdkSources, "DomainName", "img.example.org", "Scope", "overseas")
	for _, tc := range []struct {
		kv   []string
		want []string
	}{
		{[]string{"DomainName", "example"}, nil},
		{[]string{"DomainName", "example", "DomainSearchType", "fuzzy_match"}, []string{"img.example.org", "www.example.com"}},
		{[]string{"DomainName", "WWW.", "DomainSearchType", "pre_match"}, []string{"www.example.com"}},
		{[]string{"DomainName", ".org", "DomainSearchType", "suf_match"}, []string{"img.example.org"}},
		{[]string{"DomainName", "www.example.com", "DomainSearchType", "full_match"}, []string{"www.example.com"}},
		{[]string{"Coverage", "overseas"}, []string{"img.example.org"}},
		{[]string{"Source", "192.0.2"}, []string{"img.example.org", "www.example.com"}},
		{[]string{"Source", "198.51.100.7"}, nil},
		{[]string{"PageSize", "1", "PageNumber", "3"}, nil}, // past the end: no item
	} {
		b := mustAPI(t, ts, ak, "DescribeUserDomains", tc.kv...)
		var got []string
		for _, it := range b["Domains"].(map[string]any)["PageData"].([]any) {
			got = append(got, it.(map[string]any)["DomainName"].(string))
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("DescribeUserDomains %q: %v, want %v", tc.kv, got, tc.want)
		}
	}
	for _, tc := range []struct {
		kv   []string
		code string
	}{
		{[]string{"PageNumber", "0"}, "InvalidPageNumber.ValueNotSupported"},
		{[]string{"PageNumber", "100001"}, "InvalidPageNumber.ValueNotSupported"},
		{[]string{"PageSize", "501"}, "InvalidPageSize.ValueNotSupported"},
		{[]string{"PageSize", "0"}, "InvalidPageSize.ValueNotSupported"},
		{[]string{"DomainName", "x", "DomainSearchType", "regex"}, "InvalidDomainSearchType.ValueNotSupported"},
		{[]string{"DomainStatus", "sleeping"}, "InvalidDomainStatus.ValueNotSupported"},
	} {
		if status, code := apiCode(t, ts, ak, "DescribeUserDomains", tc.kv...); status != 400 || code != tc.code {
			t.Errorf("DescribeUserDomains %q: %d %s, want 400 %s", tc.kv, status, code, tc.code)
		}
	}
}

// TestSDKConfigRules: a function's shape is checked, and the ConfigId
// filter of DescribeCdnDomainConfigs keeps the one config.
func TestSDKConfigRules(t *testing.T) {
	srv, ts := sdkServer(t)
	ak := sdkKey(t)
	mustAPI(t, ts, ak, "AddCdnDomain", "CdnType", "web", "Sources", sdkSources, "DomainName", "c.example.com")
	set := func(functions string) (map[string]any, error) {
		srv.Clock().Advance(time.Second) // 3 calls a second
		return sdkAPI(t, ts, ak, "BatchSetCdnDomainConfig", map[string]string{"DomainNames": "C.example.com", "Functions": functions})
	}
	for _, bad := range []string{
		`[{"functionArgs":[{"argName":"key","argValue":"X-A"}]}]`,                 // no functionName
		`[{"functionName":"set_resp_header"}]`,                                    // no functionArgs
		`[{"functionName":"set_resp_header","functionArgs":[{"argName":"key"}]}]`, // an arg without argValue
		`[1]`,
	} {
		_, err := set(bad)
		if err == nil {
			t.Errorf("Functions %s: accepted", bad)
			continue
		}
		if f := sdkOpenapiFailure(t, err); f.Status != 400 || f.Code != "InvalidFunctions.Malformed" {
			t.Errorf("Functions %s: %d %s, want 400 InvalidFunctions.Malformed", bad, f.Status, f.Code)
		}
	}
	made, err := set(`[{"functionName":"set_resp_header","functionArgs":[{"argName":"key","argValue":"X-A"}]},
		{"functionName":"referer_white_list_set","functionArgs":[{"argName":"refer_domain_allow_list","argValue":"a.example.com"}]}]`)
	if err != nil {
		t.Fatal(err)
	}
	configs := made["DomainConfigList"].(map[string]any)["DomainConfigModel"].([]any)
	if len(configs) != 2 {
		t.Fatalf("two functions, two configs: %v", made)
	}
	second := fmt.Sprintf("%.0f", configs[1].(map[string]any)["ConfigId"].(float64))
	b := mustAPI(t, ts, ak, "DescribeCdnDomainConfigs", "DomainName", "c.example.com", "ConfigId", second)
	list := b["DomainConfigs"].(map[string]any)["DomainConfig"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["ConfigId"] != second {
		t.Errorf("ConfigId %s: %v", second, list)
	}
	if b := mustAPI(t, ts, ak, "DescribeCdnDomainConfigs", "DomainName", "c.example.com"); len(b["DomainConfigs"].(map[string]any)["DomainConfig"].([]any)) != 2 {
		t.Errorf("without the filter, both: %v", b)
	}
}

// TestSDKTimesOnTheClock: a task completes at exactly its duration, the
// time windows include both ends, and ChangeStartTime and ChangeEndTime
// filter domains by GmtModified.
func TestSDKTimesOnTheClock(t *testing.T) {
	srv, ts := sdkServer(t)
	ak := sdkKey(t)
	first := mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath", "http://a.example.com/1")["RefreshTaskId"].(string)
	status := func(id string) string {
		t.Helper()
		return mustAPI(t, ts, ak, "DescribeRefreshTaskById", "TaskId", id)["Tasks"].([]any)[0].(map[string]any)["Status"].(string)
	}
	srv.Clock().Advance(time.Minute - time.Second)
	if s := status(first); s != "Refreshing" {
		t.Errorf("1s before its minute: %s", s)
	}
	srv.Clock().Advance(time.Second)
	if s := status(first); s != "Complete" {
		t.Errorf("at its minute: %s", s)
	}
	mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath", "http://a.example.com/2") // at +1m
	count := func(kv ...string) float64 {
		t.Helper()
		return mustAPI(t, ts, ak, "DescribeRefreshTasks", kv...)["TotalCount"].(float64)
	}
	for _, tc := range []struct {
		from, to time.Duration
		want     float64
	}{
		{0, time.Minute, 2}, // both ends included
		{time.Second, time.Minute, 1},
		{0, time.Minute - time.Second, 1},
	} {
		if n := count("StartTime", sdkAt(tc.from), "EndTime", sdkAt(tc.to)); n != tc.want {
			t.Errorf("StartTime +%s, EndTime +%s: %v tasks, want %v", tc.from, tc.to, n, tc.want)
		}
	}

	// Domains added at +1m and +1m30s; neither online yet (2m) at +2m.
	mustAPI(t, ts, ak, "AddCdnDomain", "CdnType", "web", "Sources", sdkSources, "DomainName", "t1.example.com")
	srv.Clock().Advance(30 * time.Second)
	mustAPI(t, ts, ak, "AddCdnDomain", "CdnType", "web", "Sources", sdkSources, "DomainName", "t2.example.com")
	srv.Clock().Advance(30 * time.Second)
	names := func(kv ...string) string {
		t.Helper()
		var got []string
		for _, it := range mustAPI(t, ts, ak, "DescribeUserDomains", kv...)["Domains"].(map[string]any)["PageData"].([]any) {
			got = append(got, it.(map[string]any)["DomainName"].(string))
		}
		return strings.Join(got, ",")
	}
	for _, tc := range []struct {
		kv   []string
		want string
	}{
		{[]string{"ChangeStartTime", sdkAt(90 * time.Second)}, "t2.example.com"},
		{[]string{"ChangeStartTime", sdkAt(91 * time.Second)}, ""},
		{[]string{"ChangeEndTime", sdkAt(time.Minute)}, "t1.example.com"},
		{[]string{"ChangeStartTime", sdkAt(time.Minute), "ChangeEndTime", sdkAt(90 * time.Second)}, "t2.example.com,t1.example.com"},
	} {
		if got := names(tc.kv...); got != tc.want {
			t.Errorf("DescribeUserDomains %q: %q, want %q", tc.kv, got, tc.want)
		}
	}
}
