package mock_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// anyPage lets any PageNumber and PageSize reach the stores' lists: without
// validation nothing bounds them (package paging).
var anyPage = fstest.MapFS{"any-page.yaml": {Data: []byte(`
description: lists without validation, whatever page they ask
operations:
  DescribeUserUsageDataExportTask: {fixture: success, validate: false}
  DescribeRefreshTasks: {fixture: success, validate: false}
  DescribeUserDomains: {fixture: success, validate: false}
`)}}

// TestSDKHugePages: with validate: false, a page number or size whose
// product or sum passes int64 answers the page the arithmetic gives
// (empty past the end, every item on page 1 of a huge size), through the
// old SDK's clients and CallApi: an export-task list (tasks), the
// refresh-task and domain lists (resources). It was an index out of
// range (500 InternalError) in each store.
func TestSDKHugePages(t *testing.T) {
	_, ts := storeServer(t, mock.Config{Scenarios: anyPage})
	ak := sdkKey(t)
	sdkBind(t, ts, ak, "any-page")
	for i := range 3 {
		mustAPI(t, ts, ak, "CreateUserUsageDataExportTask", "TaskName", fmt.Sprint("t", i),
			"StartTime", "2026-11-01T00:00:00Z", "EndTime", "2026-11-02T00:00:00Z")
		addDomain(t, ts, ak, fmt.Sprintf("d%d.example.com", i))
	}
	mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath", "http://example.com/a\nhttp://example.com/b\nhttp://example.com/c")
	old := oldClient(t, ak)
	host := strings.TrimPrefix(ts.URL, "http://")
	for _, tc := range []struct {
		number, size string
		want         int
	}{
		{"4611686018427387905", "3", 0}, // 2^62+1: (number-1)*size wraps to a negative index
		{"3", "4611686018427387904", 0}, // (number-1)*size is exactly 2^63: wraps to MinInt64
		{"1", "9223372036854775807", 3}, // MaxInt64: a page's end, and the page count, pass int64
		{"9223372036854775807", "9223372036854775807", 0},
		{"2", "2", 1}, // an ordinary last page
	} {
		t.Run(tc.number+"x"+tc.size, func(t *testing.T) {
			exports := cdn.CreateDescribeUserUsageDataExportTaskRequest()
			exports.Domain, exports.Scheme = host, "http"
			exports.PageNumber, exports.PageSize = tc.number, tc.size
			e, err := old.DescribeUserUsageDataExportTask(exports)
			if err != nil {
				t.Fatalf("DescribeUserUsageDataExportTask: %v", err)
			}
			if got := e.UsageDataPerPage; len(got.Data.DataItem) != tc.want || got.TotalCount != 3 {
				t.Errorf("DescribeUserUsageDataExportTask: %d tasks of %d, want %d of 3", len(got.Data.DataItem), got.TotalCount, tc.want)
			}

			refreshes := cdn.CreateDescribeRefreshTasksRequest()
			refreshes.Domain, refreshes.Scheme = host, "http"
			refreshes.PageNumber, refreshes.PageSize = requests.Integer(tc.number), requests.Integer(tc.size)
			r, err := old.DescribeRefreshTasks(refreshes)
			if err != nil {
				t.Fatalf("DescribeRefreshTasks: %v", err)
			}
			if len(r.Tasks.CDNTask) != tc.want || r.TotalCount != 3 {
				t.Errorf("DescribeRefreshTasks: %d tasks of %d, want %d of 3", len(r.Tasks.CDNTask), r.TotalCount, tc.want)
			}

			d := mustAPI(t, ts, ak, "DescribeUserDomains", "PageNumber", tc.number, "PageSize", tc.size)
			items, _ := d["Domains"].(map[string]any)["PageData"].([]any)
			if len(items) != tc.want || d["TotalCount"] != 3.0 {
				t.Errorf("DescribeUserDomains: %d domains of %v, want %d of 3", len(items), d["TotalCount"], tc.want)
			}
		})
	}
}
