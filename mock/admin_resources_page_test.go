package mock_test

import (
	"encoding/json"
	"net/url"
	"testing"
)

// Calls that name no access key keep their items under the "" account:
// the first page of GET /_mock/resources shows it, and after= given
// empty starts after it.
func TestAdminResourcesShowUnsignedAccount(t *testing.T) {
	_, ts := sdkServer(t)
	r := call(t, ts, "GET", url.Values{"Action": {"RefreshObjectCaches"}, "Version": {"2018-05-10"}, "Format": {"JSON"},
		"ObjectPath": {"http://www.example.com/a.txt"}}, nil)
	if r.status != 200 {
		t.Fatalf("unsigned RefreshObjectCaches: %d %s", r.status, r.body)
	}
	mustAPI(t, ts, sdkKey(t), "RefreshObjectCaches", "ObjectPath", "http://www.example.com/b.txt")
	var page struct {
		Accounts []struct {
			AccessKeyID string         `json:"accessKeyId"`
			Counts      map[string]int `json:"counts"`
		} `json:"accounts"`
		Total int `json:"total"`
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"", sdkKey(t)}},
		{"?resource=cache-task", []string{"", sdkKey(t)}},
		{"?after=", []string{sdkKey(t)}},
	} {
		page.Accounts = nil
		r := admin(t, ts, "GET", "/_mock/resources"+c.query, "")
		if err := json.Unmarshal([]byte(r.body), &page); err != nil {
			t.Fatalf("GET%s: %v %s", c.query, err, r.body)
		}
		var got []string
		for _, a := range page.Accounts {
			got = append(got, a.AccessKeyID)
		}
		if len(got) != len(c.want) || got[0] != c.want[0] || page.Total != 2 {
			t.Errorf("GET /_mock/resources%s: accounts %q, total %d; want %q", c.query, got, page.Total, c.want)
		}
	}
}
