package mock_test

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// With Config.StatePath (--state), tasks survive a restart.

func startWithState(t *testing.T, path string) (*mock.Server, *httptest.Server) {
	t.Helper()
	srv, err := mock.New(mock.Config{Clock: mock.FixedClock(testNow), StatePath: path})
	if err != nil {
		t.Fatalf("mock.New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { srv.Close(); ts.Close() })
	return srv, ts
}

func TestExportStateSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	srv1, ts1 := startWithState(t, path)
	usage := call(t, ts1, http.MethodPost, createParams("AccessKeyId", "AK-keep", "TaskName", "kept"), nil).str("TaskId")
	detail := mustCallAPI(t, ts1, "AK-keep", detailCreate, map[string]string{
		"Type": "flow", "StartTime": "2026-11-01T00:00:00Z", "EndTime": "2026-11-01T01:00:00Z"})["TaskId"].(string)
	gone := call(t, ts1, http.MethodPost, createParams("AccessKeyId", "AK-keep"), nil).str("TaskId")
	if r := call(t, ts1, http.MethodPost, listParams(usageDelete, "AK-keep", "TaskId", gone), nil); r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}

	// A second server cannot share the file.
	if _, err := mock.New(mock.Config{StatePath: path}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("a second server on the same state file: %v", err)
	}
	srv1.Close()
	ts1.Close()

	srv2, ts2 := startWithState(t, path)
	if got, _ := listIDs(t, call(t, ts2, http.MethodGet, listParams(usageList, "AK-keep"), nil)); len(got) != 1 || got[0] != usage {
		t.Fatalf("usage tasks after a restart: %v, want [%s]", got, usage)
	}
	if got, _ := listIDs(t, call(t, ts2, http.MethodGet, listParams(detailList, "AK-keep"), nil)); len(got) != 1 || got[0] != detail {
		t.Fatalf("detail tasks after a restart: %v, want [%s]", got, detail)
	}
	srv2.Clock().Advance(90 * time.Second)
	p := pageOf(t, call(t, ts2, http.MethodGet, listParams(usageList, "AK-keep"), nil).fields)
	if p.Items[0]["Status"] != "success" || p.Items[0]["TaskName"] != "kept" {
		t.Fatalf("after 90s: %+v", p.Items[0])
	}
	if d := fetchURL(t, p.Items[0]["DownloadUrl"].(string)); d.status != 200 || !strings.Contains(pdfText(t, d.body), "kept") {
		t.Errorf("download after a restart: %d", d.status)
	}
	// Ids go on from the largest kept, never repeating one.
	next := call(t, ts2, http.MethodPost, createParams("AccessKeyId", "AK-keep"), nil).str("TaskId")
	if n, _ := strconv.Atoi(next); n <= mustAtoi(t, gone) {
		t.Errorf("a new task after the restart got id %s; the last before was %s", next, gone)
	}

	// DELETE /_mock/state empties the file too.
	if r := admin(t, ts2, http.MethodDelete, "/_mock/state", ""); r.status != http.StatusNoContent {
		t.Fatalf("reset: %d", r.status)
	}
	srv2.Close()
	ts2.Close()
	_, ts3 := startWithState(t, path)
	if _, total := listIDs(t, call(t, ts3, http.MethodGet, listParams(usageList, "AK-keep"), nil)); total != 0 {
		t.Errorf("tasks after reset and restart: %d", total)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The real thing: the built binary, killed with SIGKILL right after a
// Create returned, loses no task.
func TestExportStateSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "cdnmock")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/alibaba-cloud-mock/cdnmock").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	state := filepath.Join(t.TempDir(), "state.db")
	args := []string{"--state", state, "--clock", "2026-11-25T12:00:00Z", "--task-duration", "30s"}

	cmd, addr := startCdnmock(t, bin, args...)
	client := legacyClient(t, "AK-crash")
	req := cdn.CreateCreateUserUsageDataExportTaskRequest()
	req.Domain, req.Scheme = addr, "http"
	req.StartTime, req.EndTime, req.TaskName, req.Language = "2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z", "before the crash", "en-us"
	created, err := client.CreateUserUsageDataExportTask(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	cmd, addr = startCdnmock(t, bin, args...)
	describe := cdn.CreateDescribeUserUsageDataExportTaskRequest()
	describe.Domain, describe.Scheme = addr, "http"
	resp, err := client.DescribeUserUsageDataExportTask(describe)
	if err != nil {
		t.Fatal(err)
	}
	items := resp.UsageDataPerPage.Data.DataItem
	if resp.UsageDataPerPage.TotalCount != 1 || items[0].TaskId != created.TaskId || items[0].Status != "created" || items[0].TaskName != "before the crash" {
		t.Fatalf("after kill -9 and a restart: %+v", resp.UsageDataPerPage)
	}
	post, err := http.Post("http://"+addr+"/_mock/clock", "application/json", strings.NewReader(`{"advance":"30s"}`))
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if resp, err = client.DescribeUserUsageDataExportTask(describe); err != nil || resp.UsageDataPerPage.Data.DataItem[0].Status != "success" {
		t.Fatalf("after --task-duration 30s: %v %+v", err, resp)
	}
	d := fetchURL(t, resp.UsageDataPerPage.Data.DataItem[0].DownloadUrl)
	if d.status != 200 || !strings.Contains(pdfText(t, d.body), "2026-11-01T00:00:00Z - 2026-11-03T00:00:00Z") {
		t.Errorf("the PDF after the crash: %d", d.status)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("clean shutdown: %v", err)
	}
}

var servingAt = regexp.MustCompile(`on http://(127\.0\.0\.1:\d+) `)

// startCdnmock runs the binary on a free port and returns once it said
// where it serves; its log is drained so it never blocks.
func startCdnmock(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = pw
	err = cmd.Start()
	pw.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := bufio.NewReader(pr)
	first := make(chan string, 1)
	go func() {
		defer pr.Close()
		l, _ := lines.ReadString('\n')
		first <- l
		_, _ = io.Copy(io.Discard, lines)
	}()
	select {
	case l := <-first:
		m := servingAt.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("cdnmock did not start: %q", l)
		}
		return cmd, m[1]
	case <-time.After(30 * time.Second):
		t.Fatal("cdnmock said nothing for 30s")
		return nil, ""
	}
}
