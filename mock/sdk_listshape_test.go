package mock_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// threeDeleted is a fixture of three deleted domains, shadowing the
// generated one (of one item) so that pages have something to show.
const threeDeleted = `{
  "RequestId": "{{ .RequestId }}",
  "PageNumber": 1, "PageSize": 5, "TotalCount": 16,
  "Domains": {"PageData": [
    {"GmtModified": "2015-10-28T11:05:52Z", "DomainName": "a.example.com"},
    {"GmtModified": "2015-10-28T11:05:52Z", "DomainName": "b.example.com"},
    {"GmtModified": "2015-10-28T11:05:52Z", "DomainName": "c.example.com"}
  ]}
}`

// TestSDKListPages: a generated list (DescribeCdnDeletedDomains, whose
// x-mock-page the importer wrote) answers the page asked for through the
// old SDK's generated client and darabonba's CallApi, in JSON and XML.
func TestSDKListPages(t *testing.T) {
	_, ts := newServer(t, mock.Config{Fixtures: withShippedFixtures(t, fstest.MapFS{
		"DescribeCdnDeletedDomains/success.json": {Data: []byte(threeDeleted)},
	})})
	names := func(items []cdn.PageData) string {
		var out []string
		for _, d := range items {
			out = append(out, d.DomainName)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		number, size string
		want         string
	}{
		{"2", "1", "b.example.com"},
		{"1", "2", "a.example.com,b.example.com"},
		{"2", "2", "c.example.com"},
		{"10", "1", ""},                                       // past the end: empty, the same total
		{"", "", "a.example.com,b.example.com,c.example.com"}, // the defaults: page 1 of 20
	} {
		t.Run(tc.number+"x"+tc.size, func(t *testing.T) {
			ak := sdkKey(t) // a key per case: the operation's rate is 10 calls a second on a pinned clock
			old := oldClient(t, ak)
			for _, format := range []string{"JSON", "XML"} {
				req := cdn.CreateDescribeCdnDeletedDomainsRequest()
				req.Domain, req.Scheme, req.AcceptFormat = strings.TrimPrefix(ts.URL, "http://"), "http", format
				req.PageNumber, req.PageSize = requests.Integer(tc.number), requests.Integer(tc.size)
				resp, err := old.DescribeCdnDeletedDomains(req)
				if err != nil {
					t.Fatal(err)
				}
				wantN, wantS := cmpOr(tc.number, "1"), cmpOr(tc.size, "20")
				if got := fmt.Sprint(resp.PageNumber, " ", resp.PageSize, " ", resp.TotalCount); got != wantN+" "+wantS+" 3" {
					t.Errorf("%s: PageNumber PageSize TotalCount = %s, want %s %s 3", format, got, wantN, wantS)
				}
				if got := names(resp.Domains.PageData); got != tc.want {
					t.Errorf("%s: items %q, want %q", format, got, tc.want)
				}
			}
			params := map[string]string{}
			if tc.number != "" {
				params["PageNumber"], params["PageSize"] = tc.number, tc.size
			}
			body, err := sdkAPI(t, ts, ak, "DescribeCdnDeletedDomains", params)
			if err != nil {
				t.Fatal(err)
			}
			if body["TotalCount"] != 3.0 || fmt.Sprint(body["PageNumber"]) != cmpOr(tc.number, "1") {
				t.Errorf("CallApi: %v", body)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestGeneratedListShape: operations of the embedded generated layer,
// loaded on their first call by a server started normally, page and echo.
func TestGeneratedListShape(t *testing.T) {
	_, ts := sdkServer(t)
	ak := "AK-generated-lists"

	// The generated fixture's one item: page 1 shows it, page 2 is empty.
	b := mustAPI(t, ts, ak, "DescribeCdnDeletedDomains", "PageNumber", "2", "PageSize", "1")
	if b["PageNumber"] != 2.0 || b["PageSize"] != 1.0 || b["TotalCount"] != 1.0 || len(b["Domains"].(map[string]any)["PageData"].([]any)) != 0 {
		t.Errorf("page 2 of 1: %v", b)
	}

	// An id the request names is echoed into the items.
	b = mustAPI(t, ts, ak, "DescribePreloadDetailById", "TaskId", "704225667")
	item := b["UrlDetails"].([]any)[0].(map[string]any)
	if item["TaskId"] != "704225667" || b["TotalCount"] != 1.0 {
		t.Errorf("DescribePreloadDetailById: %v", b)
	}
	// A top-level field too (the fixture's own template).
	b = mustAPI(t, ts, ak, "DescribeDomainBpsData", "DomainName", "a.com,b.com", "StartTime", "2026-11-25T00:00:00Z", "EndTime", "2026-11-25T01:00:00Z")
	if b["DomainName"] != "a.com,b.com" {
		t.Errorf("DescribeDomainBpsData DomainName: %v", b["DomainName"])
	}

	// Nested lists: each element of DomainLogDetail is paged; a comma list
	// is not echoed into the items.
	logs := func(domain string) (detail map[string]any) {
		b := mustAPI(t, ts, ak, "DescribeCdnDomainLogs", "DomainName", domain, "PageNumber", "3", "PageSize", "7")
		return b["DomainLogDetails"].(map[string]any)["DomainLogDetail"].([]any)[0].(map[string]any)
	}
	d := logs("a.com")
	want := map[string]any{"PageIndex": 3.0, "PageSize": 7.0, "Total": 1.0}
	if d["DomainName"] != "a.com" || !reflect.DeepEqual(d["PageInfos"], want) || len(d["LogInfos"].(map[string]any)["LogInfoDetail"].([]any)) != 0 {
		t.Errorf("DescribeCdnDomainLogs page 3: %v", d)
	}
	// LogCount counts the logs this page shows (the metadata: 本页返回的总条数).
	if d["LogCount"] != 0.0 {
		t.Errorf("DescribeCdnDomainLogs page 3: LogCount %v, want 0", d["LogCount"])
	}
	b = mustAPI(t, ts, ak, "DescribeCdnDomainLogs", "DomainName", "a.com", "PageNumber", "1", "PageSize", "7")
	if d := b["DomainLogDetails"].(map[string]any)["DomainLogDetail"].([]any)[0].(map[string]any); d["LogCount"] != 1.0 {
		t.Errorf("DescribeCdnDomainLogs page 1: LogCount %v, want 1", d["LogCount"])
	}
	if d = logs("a.com,b.com"); d["DomainName"] != "example.com" {
		t.Errorf("a comma list echoed into an item: %v", d["DomainName"])
	}

	// XML agrees.
	v := url.Values{"Action": {"DescribeCdnDeletedDomains"}, "Version": {"2018-05-10"}, "PageNumber": {"1"}, "PageSize": {"1"}, "Format": {"XML"}}
	r := call(t, ts, http.MethodGet, v, nil)
	if !strings.Contains(r.body, "<PageNumber>1</PageNumber><PageSize>1</PageSize><TotalCount>1</TotalCount><Domains><PageData><GmtModified>") {
		t.Errorf("XML: %s", r.body)
	}
}
