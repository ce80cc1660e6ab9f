package mock_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/resources"
)

// TestSDKRefreshTasksEvictOldest fills the refresh tasks (a resource that
// evicts) past the server's bound through CallApi and reads with the old
// SDK which went: the oldest live tasks of the server, whoever made them,
// never one an account's own bound dropped before (from the middle of the
// server's order), and the server keeps exactly its bound.
func TestSDKRefreshTasksEvictOldest(t *testing.T) {
	if testing.Short() {
		t.Skip("fills the server with its bound of refresh tasks")
	}
	const perCall = 1000 // RefreshObjectCaches' most paths a call, and cache-task's perAccount
	_, ts := storeServer(t, mock.Config{JournalSize: 1})
	refresh := func(ak string, n int) []string {
		t.Helper()
		paths := make([]string, n)
		for i := range paths {
			paths[i] = fmt.Sprintf("http://example.com/%s/%d", ak, i)
		}
		body := mustAPI(t, ts, ak, "RefreshObjectCaches", "ObjectPath", strings.Join(paths, "\n"))
		return strings.Split(body["RefreshTaskId"].(string), ",")
	}
	a := refresh("AK-old", 2)              // the server's oldest
	m := refresh("AK-mid", perCall)        // then an account at its own bound…
	m = append(m, refresh("AK-mid", 2)...) // …which drops its own two oldest: m[0], m[1]
	left := resources.MaxItems - 2 - perCall
	for i := 0; left > 0; i++ {
		n := min(perCall, left)
		refresh(fmt.Sprint("AK-fill", i), n)
		left -= n
	}
	refresh("AK-new", 3) // past the server's bound: a[0], a[1], m[2] go

	host := strings.TrimPrefix(ts.URL, "http://")
	tasks := func(ak, id string) (ids []string, total int64) {
		t.Helper()
		req := cdn.CreateDescribeRefreshTasksRequest()
		req.Domain, req.Scheme, req.TaskId = host, "http", id
		req.PageSize = "100"
		resp, err := oldClient(t, ak).DescribeRefreshTasks(req)
		if err != nil {
			t.Fatalf("DescribeRefreshTasks %s %s: %v", ak, id, err)
		}
		for _, task := range resp.Tasks.CDNTask {
			ids = append(ids, task.TaskId)
		}
		return ids, resp.TotalCount
	}
	for _, tc := range []struct {
		ak, id string
		kept   bool
	}{
		{"AK-old", a[0], false}, {"AK-old", a[1], false},
		{"AK-mid", m[0], false}, {"AK-mid", m[1], false}, // the account's own bound
		{"AK-mid", m[2], false}, // the server's: the oldest live task
		{"AK-mid", m[3], true}, {"AK-mid", m[len(m)-1], true},
	} {
		if ids, _ := tasks(tc.ak, tc.id); (len(ids) == 1 && ids[0] == tc.id) != tc.kept {
			t.Errorf("%s's task %s: listed %v, kept %v", tc.ak, tc.id, ids, tc.kept)
		}
	}
	for ak, want := range map[string]int64{"AK-old": 0, "AK-mid": perCall - 1, "AK-fill0": perCall, "AK-new": 3} {
		if _, total := tasks(ak, ""); total != want {
			t.Errorf("%s holds %d tasks, want %d", ak, total, want)
		}
	}
}
