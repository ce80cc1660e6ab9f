// Command sdkcall makes one CreateUserUsageDataExportTask call to a running
// mock with the real Alibaba Cloud Go SDK (github.com/aliyun/alibaba-cloud-sdk-go),
// and prints what the SDK returned as one line of JSON:
//
//	{"ok":true,"requestId":"…","taskId":"…"}
//	{"ok":false,"code":"InvalidTimeRange","status":400,"requestId":"…","message":"…"}
//
// With -action describe, it calls DescribeUserUsageDataExportTask instead and
// lists the task ids of the first page:
//
//	{"ok":true,"requestId":"…","taskIds":["…"]}
//
// With -action refresh, it calls RefreshObjectCaches for -path and prints
// the RefreshTaskId as taskId; with -action add-domain, AddCdnDomain for
// -domain (CdnType web, one origin).
//
// The browser test (e2e/console.test.mjs) runs it as an application would;
// .ci/container runs it against the container image.
// It exits 0 when the SDK answered, 1 when it could not reach the server.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"
)

type result struct {
	OK        bool     `json:"ok"`
	Code      string   `json:"code,omitempty"`
	Status    int      `json:"status,omitempty"`
	Message   string   `json:"message,omitempty"`
	RequestID string   `json:"requestId,omitempty"`
	TaskID    string   `json:"taskId,omitempty"`
	TaskIDs   []string `json:"taskIds,omitempty"`
}

func main() {
	endpoint := flag.String("endpoint", "127.0.0.1:8080", "the mock's host:port")
	action := flag.String("action", "create", "create (CreateUserUsageDataExportTask), describe (DescribeUserUsageDataExportTask), refresh (RefreshObjectCaches) or add-domain (AddCdnDomain)")
	domain := flag.String("domain", "www.example.com", "add-domain: DomainName")
	path := flag.String("path", "http://example.com/index.html", "refresh: ObjectPath")
	ak := flag.String("ak", "AKID", "access key id")
	start := flag.String("start", "2026-11-01T00:00:00Z", "StartTime")
	end := flag.String("end", "2026-11-02T00:00:00Z", "EndTime")
	flag.Parse()

	client, err := cdn.NewClientWithAccessKey("cn-hangzhou", *ak, "SECRET")
	if err != nil {
		fail(err)
	}
	var r result
	switch *action {
	case "create":
		req := cdn.CreateCreateUserUsageDataExportTaskRequest()
		req.Domain, req.Scheme = *endpoint, "http"
		req.StartTime, req.EndTime = *start, *end
		resp, err := client.CreateUserUsageDataExportTask(req)
		if err != nil {
			r = mustServerError(err)
			break
		}
		r = result{OK: true, RequestID: resp.RequestId, TaskID: resp.TaskId}
	case "describe":
		req := cdn.CreateDescribeUserUsageDataExportTaskRequest()
		req.Domain, req.Scheme = *endpoint, "http"
		resp, err := client.DescribeUserUsageDataExportTask(req)
		if err != nil {
			r = mustServerError(err)
			break
		}
		r = result{OK: true, RequestID: resp.RequestId}
		for _, t := range resp.UsageDataPerPage.Data.DataItem {
			r.TaskIDs = append(r.TaskIDs, t.TaskId)
		}
	case "refresh":
		req := cdn.CreateRefreshObjectCachesRequest()
		req.Domain, req.Scheme = *endpoint, "http"
		req.ObjectPath = *path
		resp, err := client.RefreshObjectCaches(req)
		if err != nil {
			r = mustServerError(err)
			break
		}
		r = result{OK: true, RequestID: resp.RequestId, TaskID: resp.RefreshTaskId}
	case "add-domain":
		req := cdn.CreateAddCdnDomainRequest()
		req.Domain, req.Scheme = *endpoint, "http"
		req.DomainName, req.CdnType = *domain, "web"
		req.Sources = `[{"content":"192.0.2.10","type":"ipaddr","priority":"20","port":80,"weight":"10"}]`
		resp, err := client.AddCdnDomain(req)
		if err != nil {
			r = mustServerError(err)
			break
		}
		r = result{OK: true, RequestID: resp.RequestId}
	default:
		fail(fmt.Errorf("-action %q: want create, describe, refresh or add-domain", *action))
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}

// mustServerError is the server's error answer; it exits the process when the
// SDK could not reach the server (err is not a server error).
func mustServerError(err error) result {
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		fail(err)
	}
	return result{Code: se.ErrorCode(), Status: se.HttpStatus(), Message: se.Message(), RequestID: se.RequestId()}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sdkcall:", err)
	os.Exit(1)
}
