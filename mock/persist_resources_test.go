package mock_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"
)

// Resources share the export tasks' guarantee: the built binary, killed
// with SIGKILL right after creates returned, loses none of them, nor the
// quota they used, nor a delete; ids never come back.
func TestResourceStateSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "cdnmock")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/alibaba-cloud-mock/cdnmock").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	args := []string{"--state", filepath.Join(t.TempDir(), "state.db"), "--clock", "2026-11-25T12:00:00Z"}
	cmd, addr := startCdnmock(t, bin, args...)
	client := legacyClient(t, "AK-crash")

	refresh := cdn.CreateRefreshObjectCachesRequest()
	refresh.Domain, refresh.Scheme = addr, "http"
	refresh.ObjectPath, refresh.ObjectType = "http://example.com/a/\nhttp://example.com/b/", "Directory"
	refreshed, err := client.RefreshObjectCaches(refresh)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"kept.example.com", "gone.example.com"} {
		add := cdn.CreateAddCdnDomainRequest()
		add.Domain, add.Scheme = addr, "http"
		add.DomainName, add.CdnType, add.Sources = name, "web", sdkSources
		if _, err := client.AddCdnDomain(add); err != nil {
			t.Fatal(err)
		}
	}
	del := cdn.CreateDeleteCdnDomainRequest()
	del.Domain, del.Scheme, del.DomainName = addr, "http", "gone.example.com"
	if _, err := client.DeleteCdnDomain(del); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	_, addr = startCdnmock(t, bin, args...)
	tasks := cdn.CreateDescribeRefreshTasksRequest()
	tasks.Domain, tasks.Scheme = addr, "http"
	listed, err := client.DescribeRefreshTasks(tasks)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, task := range listed.Tasks.CDNTask {
		ids = append([]string{task.TaskId}, ids...)
	}
	if strings.Join(ids, ",") != refreshed.RefreshTaskId {
		t.Errorf("after kill -9: tasks %v, want %s", ids, refreshed.RefreshTaskId)
	}
	quota := cdn.CreateDescribeRefreshQuotaRequest()
	quota.Domain, quota.Scheme = addr, "http"
	if q, err := client.DescribeRefreshQuota(quota); err != nil || q.DirRemain != "98" {
		t.Errorf("the quota used before the kill: %v %+v", err, q)
	}
	domains := cdn.CreateDescribeUserDomainsRequest()
	domains.Domain, domains.Scheme = addr, "http"
	d, err := client.DescribeUserDomains(domains)
	if err != nil || d.TotalCount != 1 || d.Domains.PageData[0].DomainName != "kept.example.com" {
		t.Fatalf("domains after kill -9: %v %+v", err, d)
	}
	refresh.Domain = addr
	again, err := client.RefreshObjectCaches(refresh)
	if err != nil {
		t.Fatal(err)
	}
	// Before the kill: tasks 10000001-2, domains 10000003-4 (the deleted one last).
	if refreshed.RefreshTaskId != "10000001,10000002" || again.RefreshTaskId != "10000005,10000006" {
		t.Errorf("ids before the kill %s, after %s: a deleted item's id never comes back", refreshed.RefreshTaskId, again.RefreshTaskId)
	}
}
