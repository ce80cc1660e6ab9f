package mock_test

import (
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// Configs are found by their domain whatever its case, and never through
// another domain's ConfigId; DeleteSpecificConfig takes the domain in any
// case too.
func TestSDKConfigLookups(t *testing.T) {
	_, ts := storeServer(t, mock.Config{})
	ak := sdkKey(t)
	addDomain(t, ts, ak, "a.example.com")
	addDomain(t, ts, ak, "b.example.com")
	idA := configIDs(mustAPI(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", "a.example.com", "Functions", "["+strings.Replace(header, "%s", "A", 1)+"]"))
	idB := configIDs(mustAPI(t, ts, ak, "BatchSetCdnDomainConfig", "DomainNames", "b.example.com", "Functions", "["+strings.Replace(header, "%s", "B", 1)+"]"))
	if len(idA) != 1 || len(idB) != 1 {
		t.Fatalf("config ids %v %v", idA, idB)
	}
	for _, tc := range []struct {
		kv   []string
		want string
	}{
		{[]string{"DomainName", "A.EXAMPLE.COM"}, idA[0]},
		{[]string{"DomainName", "a.example.com", "ConfigId", idA[0]}, idA[0]},
		{[]string{"DomainName", "a.example.com", "ConfigId", idB[0]}, ""}, // b's config, asked of a
		{[]string{"DomainName", "B.Example.Com", "FunctionNames", "set_resp_header"}, idB[0]},
	} {
		if got := strings.Join(configIDs(mustAPI(t, ts, ak, "DescribeCdnDomainConfigs", tc.kv...)), ","); got != tc.want {
			t.Errorf("DescribeCdnDomainConfigs %v: %q, want %q", tc.kv, got, tc.want)
		}
	}
	if status, code := apiCode(t, ts, ak, "DeleteSpecificConfig", "DomainName", "a.example.com", "ConfigId", idB[0]); status != 404 || code != "Config.NotFound" {
		t.Errorf("deleting b's config through a: %d %s", status, code)
	}
	mustAPI(t, ts, ak, "DeleteSpecificConfig", "DomainName", "A.Example.COM", "ConfigId", idA[0])
	if got := configIDs(mustAPI(t, ts, ak, "DescribeCdnDomainConfigs", "DomainName", "a.example.com")); len(got) != 0 {
		t.Errorf("after DeleteSpecificConfig with an upper-case name: %v", got)
	}
	if got := configIDs(mustAPI(t, ts, ak, "DescribeCdnDomainConfigs", "DomainName", "b.example.com")); len(got) != 1 {
		t.Errorf("b's config went too: %v", got)
	}
}

// DescribeRefreshTaskById answers the tasks it names newest first,
// whatever order they are named in; DescribeRefreshTasks finds a task by
// its host whatever the case of either.
func TestSDKRefreshTaskOrderAndHostCase(t *testing.T) {
	srv, ts := storeServer(t, mock.Config{})
	ak := sdkKey(t)
	ids := strings.Split(mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath",
		"http://WWW.Example.com/1\nhttp://www.example.com/2\nhttp://www.example.com/3")["RefreshTaskId"].(string), ",")
	b := mustAPI(t, ts, ak, "DescribeRefreshTaskById", "TaskId", ids[0]+","+ids[2]+","+ids[1])
	var got []string
	for _, it := range b["Tasks"].([]any) {
		got = append(got, it.(map[string]any)["TaskId"].(string))
	}
	if want := ids[2] + "," + ids[1] + "," + ids[0]; strings.Join(got, ",") != want {
		t.Errorf("DescribeRefreshTaskById %s,%s,%s: %v, want %s (newest first)", ids[0], ids[2], ids[1], got, want)
	}
	srv.Clock().Advance(time.Second)
	if b := mustAPI(t, ts, ak, "DescribeRefreshTasks", "DomainName", "www.EXAMPLE.com", "ObjectType", "file"); b["TotalCount"] != 3.0 {
		t.Errorf("DescribeRefreshTasks by an upper-case host: %v, want 3 (one path's host upper-case too)", b["TotalCount"])
	}
}
