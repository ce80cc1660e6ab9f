package mock_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/xuri/excelize/v2"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// The export task lifecycle, through the real Go SDKs: create, poll,
// download a real file, delete; in both families.

const (
	usageList    = "DescribeUserUsageDataExportTask"
	usageDelete  = "DeleteUserUsageDataExportTask"
	detailCreate = "CreateUsageDetailDataExportTask"
	detailList   = "DescribeUserUsageDetailDataExportTask"
	detailDelete = "DeleteUsageDetailDataExportTask"
)

func init() { model.ConfigPath = "disable" } // pdfcpu: no config files in the user's home

func legacyClient(t *testing.T, ak string) *cdn.Client {
	t.Helper()
	c, err := cdn.NewClientWithAccessKey("cn-hangzhou", ak, "SECRET")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func endpoint(ts *httptest.Server) string { return strings.TrimPrefix(ts.URL, "http://") }

func legacyDescribe(t *testing.T, ts *httptest.Server, ak, size, number string) *cdn.DescribeUserUsageDataExportTaskResponse {
	t.Helper()
	req := cdn.CreateDescribeUserUsageDataExportTaskRequest()
	req.Domain, req.Scheme = endpoint(ts), "http"
	req.PageSize, req.PageNumber = size, number
	resp, err := legacyClient(t, ak).DescribeUserUsageDataExportTask(req)
	if err != nil {
		t.Fatalf("DescribeUserUsageDataExportTask: %v", err)
	}
	return resp
}

// callAPI calls an operation with darabonba-openapi's CallApi (ACS3
// signing) and returns the JSON body.
func callAPI(t *testing.T, ts *httptest.Server, ak, action string, query map[string]string) (map[string]any, error) {
	t.Helper()
	client, err := openapi.NewClient(&openapi.Config{
		AccessKeyId: tea.String(ak), AccessKeySecret: tea.String("SECRET"),
		Endpoint: tea.String(endpoint(ts)), Protocol: tea.String("HTTP"),
	})
	if err != nil {
		t.Fatal(err)
	}
	params := &openapi.Params{
		Action: tea.String(action), Version: tea.String("2018-05-10"), Protocol: tea.String("HTTP"),
		Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"), Style: tea.String("RPC"),
		ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
	}
	q := map[string]*string{}
	for k, v := range query {
		q[k] = tea.String(v)
	}
	resp, err := client.CallApi(params, &openapi.OpenApiRequest{Query: q}, &util.RuntimeOptions{})
	if err != nil {
		return nil, err
	}
	body, _ := resp["body"].(map[string]any)
	return body, nil
}

func mustCallAPI(t *testing.T, ts *httptest.Server, ak, action string, query map[string]string) map[string]any {
	t.Helper()
	body, err := callAPI(t, ts, ak, action, query)
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return body
}

// page is a Describe answer's UsageDataPerPage, decoded loosely (the
// darabonba body is a map whose numbers may be json.Number or float64).
type page struct {
	Size, Number, Total int
	Items               []map[string]any
}

func pageOf(t *testing.T, body map[string]any) page {
	t.Helper()
	raw, err := json.Marshal(body["UsageDataPerPage"])
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		PageSize, PageNumber, TotalCount int
		Data                             struct{ DataItem []map[string]any }
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("UsageDataPerPage %s: %v", raw, err)
	}
	return page{p.PageSize, p.PageNumber, p.TotalCount, p.Data.DataItem}
}

func moveClock(t *testing.T, ts *httptest.Server, body string) mock.ClockState {
	t.Helper()
	r := admin(t, ts, http.MethodPost, "/_mock/clock", body)
	if r.status != http.StatusOK {
		t.Fatalf("POST /_mock/clock %s: %d %s", body, r.status, r.body)
	}
	var st mock.ClockState
	if err := json.Unmarshal([]byte(r.body), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

type download struct {
	status int
	header http.Header
	body   []byte
}

func fetchURL(t *testing.T, u string) download {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return download{resp.StatusCode, resp.Header, body}
}

// assertDownloadNotFound checks a 404 in the Alibaba envelope, in JSON.
func assertDownloadNotFound(t *testing.T, u, wantInMessage string) {
	t.Helper()
	d := fetchURL(t, u)
	var e map[string]any
	if err := json.Unmarshal(d.body, &e); err != nil || d.status != http.StatusNotFound ||
		!strings.HasPrefix(d.header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s: %d %s %s, want a 404 JSON envelope", u, d.status, d.header.Get("Content-Type"), d.body)
	}
	for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
		if s, ok := e[k].(string); !ok || s == "" {
			t.Errorf("envelope field %s: %v", k, e[k])
		}
	}
	if e["Code"] != "Mock.DownloadNotFound" || !strings.Contains(e["Message"].(string), wantInMessage) {
		t.Errorf("GET %s: %s, want Mock.DownloadNotFound saying %q", u, d.body, wantInMessage)
	}
}

// pdfText checks the file is a valid PDF (pdfcpu) and returns the text of
// its Latin strings, one string per line: what the content streams show
// with Tj/TJ in the core font.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	if _, err := api.ReadAndValidate(bytes.NewReader(data), model.NewDefaultConfiguration()); err != nil {
		t.Fatalf("not a valid PDF: %v", err)
	}
	var out strings.Builder
	err := api.ExtractContent(bytes.NewReader(data), nil, func(r io.Reader, _ int) error {
		content, err := io.ReadAll(r)
		for _, m := range pdfString.FindAllSubmatch(content, -1) {
			s := strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`).Replace(string(m[1]))
			out.WriteString(s + "\n")
		}
		return err
	}, model.NewDefaultConfiguration())
	if err != nil {
		t.Fatalf("pdfcpu: %v", err)
	}
	return out.String()
}

var pdfString = regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\)\s*Tj`)

func TestUsageExportLifecycle(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	const ak = "AK-life"
	client := legacyClient(t, ak)
	req := cdn.CreateCreateUserUsageDataExportTaskRequest()
	req.Domain, req.Scheme = endpoint(ts), "http"
	req.StartTime, req.EndTime = "2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z"
	req.TaskName, req.Language = "weekly (report)", "en-us"
	created, err := client.CreateUserUsageDataExportTask(req)
	if err != nil {
		t.Fatal(err)
	}
	if created.TaskId == "" || created.StartTime != req.StartTime || created.EndTime != req.EndTime {
		t.Fatalf("create: %+v", created)
	}

	d := legacyDescribe(t, ts, ak, "", "")
	p := d.UsageDataPerPage
	if p.TotalCount != 1 || p.PageSize != 20 || p.PageNumber != 1 || len(p.Data.DataItem) != 1 {
		t.Fatalf("describe: %+v", p)
	}
	it := p.Data.DataItem[0]
	want := cdn.DataItem{TaskId: created.TaskId, TaskName: "weekly (report)", Status: "created",
		CreateTime: "2026-11-25T12:00:00Z", UpdateTime: "2026-11-25T12:00:00Z",
		TaskConfig: cdn.TaskConfig{StartTime: req.StartTime, EndTime: req.EndTime}}
	if it != want {
		t.Fatalf("a new task: %+v, want %+v", it, want)
	}

	if st := moveClock(t, ts, `{"advance":"89s"}`); !st.Now.Equal(testNow.Add(89*time.Second)) || !st.Pinned {
		t.Fatalf("clock: %+v", st)
	}
	if s := legacyDescribe(t, ts, ak, "", "").UsageDataPerPage.Data.DataItem[0].Status; s != "created" {
		t.Fatalf("after 89s: %s", s)
	}
	moveClock(t, ts, `{"advance":"1s"}`)
	it = legacyDescribe(t, ts, ak, "", "").UsageDataPerPage.Data.DataItem[0]
	if it.Status != "success" || it.UpdateTime != "2026-11-25T12:01:30Z" || !strings.HasPrefix(it.DownloadUrl, ts.URL+"/_mock/downloads/") {
		t.Fatalf("after 90s: %+v", it)
	}

	file := fetchURL(t, it.DownloadUrl)
	if file.status != 200 || file.header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(file.header.Get("Content-Disposition"), "usage-"+created.TaskId+".pdf") {
		t.Fatalf("download: %d %v", file.status, file.header)
	}
	text := pdfText(t, file.body)
	for _, s := range []string{"CDN usage report", "weekly (report)", created.TaskId,
		"2026-11-01T00:00:00Z - 2026-11-08T00:00:00Z", "2026-11-01", "2026-11-07", "Bandwidth peak (Mbps)"} {
		if !strings.Contains(text, s) {
			t.Errorf("the PDF does not say %q; its text:\n%s", s, text)
		}
	}
	if strings.Contains(text, "\n2026-11-08\n") {
		t.Error("the PDF has a row for the day EndTime starts")
	}
	if again := fetchURL(t, it.DownloadUrl); !bytes.Equal(again.body, file.body) {
		t.Error("two downloads of one task differ: the report is not deterministic")
	}

	del := cdn.CreateDeleteUserUsageDataExportTaskRequest()
	del.Domain, del.Scheme, del.TaskId = endpoint(ts), "http", created.TaskId
	if resp, err := client.DeleteUserUsageDataExportTask(del); err != nil || resp.RequestId == "" {
		t.Fatalf("delete: %v %+v", err, resp)
	}
	if p := legacyDescribe(t, ts, ak, "", "").UsageDataPerPage; p.TotalCount != 0 || len(p.Data.DataItem) != 0 {
		t.Fatalf("after delete: %+v", p)
	}
	assertDownloadNotFound(t, it.DownloadUrl, "deleted")
	_, err = client.DeleteUserUsageDataExportTask(del)
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) || se.ErrorCode() != "InvalidTaskId.Malformed" || se.HttpStatus() != 400 ||
		se.Message() != "Specified TaskId is malformed." {
		t.Errorf("deleting it again: %v", err)
	}
}

// zh-cn, the API's default Language, gives Chinese labels in the embedded
// CJK font; Latin text stays Helvetica.
func TestUsageExportInChinese(t *testing.T) {
	_, ts := newServer(t, mock.Config{TaskDuration: time.Second})
	r := call(t, ts, http.MethodPost, createParams("TaskName", "月报 monthly"), nil)
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	moveClock(t, ts, `{"advance":"1s"}`)
	p := pageOf(t, call(t, ts, http.MethodGet, listParams(usageList, ""), nil).fields)
	file := fetchURL(t, p.Items[0]["DownloadUrl"].(string))
	text := pdfText(t, file.body)
	if !bytes.Contains(file.body, []byte("/FontFile2")) || !bytes.Contains(file.body, []byte("droidsansfallback")) {
		t.Error("the CJK font is not embedded") // fpdf names it after the family: utf8droidsansfallback
	}
	if strings.Contains(text, "Task name") || !strings.Contains(text, "2026-11-01T00:00:00Z - 2026-11-02T00:00:00Z") ||
		!strings.Contains(text, "monthly") {
		t.Errorf("zh-cn PDF text:\n%s", text)
	}
}

func TestDetailExportLifecycle(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	const ak = "AK-detail"
	created := mustCallAPI(t, ts, ak, detailCreate, map[string]string{
		"Type": "flow", "DomainNames": "a.example.com,b.example.com", "TaskName": "two hours",
		"StartTime": "2026-11-01T00:00:00Z", "EndTime": "2026-11-01T02:00:00Z", "Language": "en-us",
	})
	id, _ := created["TaskId"].(string)
	if id == "" || created["StartTime"] != "2026-11-01T00:00:00Z" {
		t.Fatalf("create: %v", created)
	}
	p := pageOf(t, mustCallAPI(t, ts, ak, detailList, nil))
	if p.Total != 1 || p.Size != 20 || p.Number != 1 || len(p.Items) != 1 || p.Items[0]["TaskId"] != id ||
		p.Items[0]["Status"] != "created" || p.Items[0]["DownloadUrl"] != "" || p.Items[0]["TaskName"] != "two hours" {
		t.Fatalf("describe: %+v", p)
	}
	// The families are apart: the usage list does not show it.
	if p := pageOf(t, mustCallAPI(t, ts, ak, usageList, nil)); p.Total != 0 {
		t.Errorf("the usage list shows a detail task: %+v", p)
	}

	moveClock(t, ts, `{"advance":"2m"}`)
	p = pageOf(t, mustCallAPI(t, ts, ak, detailList, map[string]string{"PageSize": "5"}))
	it := p.Items[0]
	u, _ := it["DownloadUrl"].(string)
	if p.Size != 5 || it["Status"] != "success" || it["UpdateTime"] != "2026-11-25T12:01:30Z" || !strings.HasPrefix(u, ts.URL+"/_mock/downloads/") {
		t.Fatalf("after 2m: %+v", p)
	}
	file := fetchURL(t, u)
	if file.status != 200 || file.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("download: %d %v", file.status, file.header)
	}
	rows := xlsxRows(t, file.body, "Usage")
	if len(rows) != 1+2*24 || !slices.Equal(rows[0], []string{"Domain", "Time (UTC)", "Traffic (bytes)", "Bandwidth (bit/s)"}) {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	if r := rows[1]; r[0] != "a.example.com" || r[1] != "2026-11-01T00:00:00Z" {
		t.Errorf("first row %v", r)
	}
	if r := rows[len(rows)-1]; r[0] != "b.example.com" || r[1] != "2026-11-01T01:55:00Z" {
		t.Errorf("last row %v", r)
	}
	for _, r := range rows[1:] {
		traffic, err1 := strconv.ParseInt(r[2], 10, 64)
		bw, err2 := strconv.ParseInt(r[3], 10, 64)
		if err1 != nil || err2 != nil || traffic <= 0 || bw != traffic*8/300 {
			t.Fatalf("row %v: traffic and bandwidth (traffic × 8 / 300 s)", r)
		}
	}

	if _, err := callAPI(t, ts, ak, detailDelete, map[string]string{"TaskId": id}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if p := pageOf(t, mustCallAPI(t, ts, ak, detailList, nil)); p.Total != 0 || len(p.Items) != 0 {
		t.Fatalf("after delete: %+v", p)
	}
	assertDownloadNotFound(t, u, "deleted")
	_, err := callAPI(t, ts, ak, detailDelete, map[string]string{"TaskId": id})
	var se *tea.SDKError
	if !errors.As(err, &se) || tea.StringValue(se.Code) != "InvalidTaskId.Malformed" || tea.IntValue(se.StatusCode) != 400 {
		t.Errorf("deleting it again: %v", err)
	}
}

func TestDetailExportRequests(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	// Type vas, Language zh-cn by default, no domain: the account's rows.
	mustCallAPI(t, ts, "AK-vas", detailCreate, map[string]string{
		"Type": "vas", "StartTime": "2026-11-01T00:02:00Z", "EndTime": "2026-11-01T01:00:00Z",
	})
	moveClock(t, ts, `{"advance":"90s"}`)
	u := pageOf(t, mustCallAPI(t, ts, "AK-vas", detailList, nil)).Items[0]["DownloadUrl"].(string)
	rows := xlsxRows(t, fetchURL(t, u).body, "用量明细")
	if len(rows) != 1+11 || !slices.Equal(rows[0], []string{"域名", "时间 (UTC)", "请求数"}) ||
		rows[1][0] != "*" || rows[1][1] != "2026-11-01T00:05:00Z" {
		t.Fatalf("rows %v", rows)
	}
	// With Group, DomainNames is ignored: the rows name the group.
	mustCallAPI(t, ts, "AK-vas", detailCreate, map[string]string{
		"Type": "vas", "Group": "edge", "DomainNames": "a.example.com", "StartTime": "2026-11-01T00:00:00Z", "EndTime": "2026-11-01T00:10:00Z",
	})
	moveClock(t, ts, `{"advance":"90s"}`)
	u = pageOf(t, mustCallAPI(t, ts, "AK-vas", detailList, nil)).Items[0]["DownloadUrl"].(string)
	if rows := xlsxRows(t, fetchURL(t, u).body, "用量明细"); len(rows) != 3 || rows[1][0] != "edge" {
		t.Fatalf("group rows %v", rows)
	}
}

func xlsxRows(t *testing.T, data []byte, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not an xlsx: %v", err)
	}
	defer f.Close()
	if first := f.GetSheetName(0); first != sheet {
		t.Fatalf("first sheet %q, want %q (sheets %v)", first, sheet, f.GetSheetList())
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// listParams is a Describe call in JSON.
func listParams(action, ak string, kv ...string) url.Values {
	v := url.Values{"Action": {action}, "Version": {"2018-05-10"}, "Format": {"JSON"}}
	if ak != "" {
		v.Set("AccessKeyId", ak)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func listIDs(t *testing.T, r reply) (ids []string, total int) {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("describe: %d %s", r.status, r.body)
	}
	p := pageOf(t, r.fields)
	for _, it := range p.Items {
		ids = append(ids, it["TaskId"].(string))
	}
	return ids, p.Total
}

func TestExportPagination(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	const ak = "AK-pages"
	var ids []string // oldest first
	for i := 0; i < 45; i++ {
		r := call(t, ts, http.MethodPost, createParams("AccessKeyId", ak, "TaskName", fmt.Sprint("t", i)), nil)
		if r.status != 200 {
			t.Fatalf("create %d: %d %s", i, r.status, r.body)
		}
		ids = append(ids, r.str("TaskId"))
		srv.Clock().Advance(time.Second)
	}
	newest := slices.Clone(ids)
	slices.Reverse(newest)

	pages := []struct {
		kv   []string
		want []string
	}{
		{nil, newest[:20]},
		{[]string{"PageNumber", "2"}, newest[20:40]},
		{[]string{"PageNumber", "3"}, newest[40:]},
		{[]string{"PageNumber", "4"}, nil},
		{[]string{"PageSize", "50"}, newest},
		{[]string{"PageSize", "1", "PageNumber", "45"}, ids[:1]},
		{[]string{"PageSize", "1", "PageNumber", "46"}, nil},
		{[]string{"PageNumber", "100000"}, nil},
	}
	for _, pc := range pages {
		got, total := listIDs(t, call(t, ts, http.MethodGet, listParams(usageList, ak, pc.kv...), nil))
		if total != 45 || !slices.Equal(got, pc.want) {
			t.Errorf("%v: total %d, ids %v, want %v", pc.kv, total, got, pc.want)
		}
	}
	for _, bad := range [][]string{{"PageSize", "0"}, {"PageSize", "51"}, {"PageSize", "ten"}, {"PageNumber", "0"},
		{"PageNumber", "100001"}, {"PageNumber", "-1"}, {"PageSize", "2.5"}} {
		r := call(t, ts, http.MethodGet, listParams(usageList, ak, bad...), nil)
		if r.status != 400 || r.str("Code") != "InvalidParameter" || !strings.Contains(r.str("Message"), `"`+bad[0]+`"`) {
			t.Errorf("%v: %d %s", bad, r.status, r.body)
		}
	}

	// The old SDK sends the page as strings, and reads the counts as integers.
	p := legacyDescribe(t, ts, ak, "7", "2").UsageDataPerPage
	if p.PageSize != 7 || p.PageNumber != 2 || p.TotalCount != 45 || len(p.Data.DataItem) != 7 || p.Data.DataItem[0].TaskId != newest[7] {
		t.Errorf("old SDK page 2 of 7: %+v", p)
	}

	// XML: one DataItem element per task, and an empty Data for no task.
	r := call(t, ts, http.MethodGet, listParams(usageList, ak, "PageSize", "2", "Format", "XML"), nil)
	var x struct {
		XMLName xml.Name `xml:"DescribeUserUsageDataExportTaskResponse"`
		Page    struct {
			PageSize, PageNumber, TotalCount int
			Items                            []struct {
				TaskId     string //nolint:revive // as in the API
				TaskConfig struct{ StartTime, EndTime string }
			} `xml:"Data>DataItem"`
		} `xml:"UsageDataPerPage"`
	}
	if err := xml.Unmarshal([]byte(r.body), &x); err != nil {
		t.Fatalf("XML: %v\n%s", err, r.body)
	}
	if x.Page.TotalCount != 45 || x.Page.PageSize != 2 || len(x.Page.Items) != 2 || x.Page.Items[0].TaskId != newest[0] ||
		x.Page.Items[1].TaskConfig.StartTime != "2026-11-01T00:00:00Z" {
		t.Errorf("XML page: %+v", x.Page)
	}
	r = call(t, ts, http.MethodGet, listParams(usageList, "AK-nobody", "Format", "XML"), nil)
	if !strings.Contains(r.body, "<TotalCount>0</TotalCount><Data></Data></UsageDataPerPage>") {
		t.Errorf("XML with no task: %s", r.body)
	}
	r = call(t, ts, http.MethodGet, listParams(usageList, "AK-nobody"), nil)
	if !strings.Contains(r.body, `"TotalCount":0,"Data":{"DataItem":[]}`) {
		t.Errorf("JSON with no task: %s", r.body)
	}
}

func TestExportAccountsStayApart(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	create := func(ak string) string {
		params := createParams()
		if ak != "" {
			params.Set("AccessKeyId", ak)
		}
		r := call(t, ts, http.MethodPost, params, nil)
		if r.status != 200 {
			t.Fatalf("create as %q: %d %s", ak, r.status, r.body)
		}
		return r.str("TaskId")
	}
	a1, a2, b1, anon := create("AK-a"), create("AK-a"), create("AK-b"), create("")
	for ak, want := range map[string][]string{"AK-a": {a2, a1}, "AK-b": {b1}, "": {anon}, "AK-c": nil} {
		if got, _ := listIDs(t, call(t, ts, http.MethodGet, listParams(usageList, ak), nil)); !slices.Equal(got, want) {
			t.Errorf("%q sees %v, want %v", ak, got, want)
		}
	}
	// Another account cannot delete a task, nor the other family's delete.
	for _, tc := range []struct{ ak, action string }{{"AK-b", usageDelete}, {"", usageDelete}, {"AK-a", detailDelete}} {
		r := call(t, ts, http.MethodPost, listParams(tc.action, tc.ak, "TaskId", a1), nil)
		if r.status != 400 || r.str("Code") != "InvalidTaskId.Malformed" {
			t.Errorf("%s by %q of AK-a's %s: %d %s", tc.action, tc.ak, a1, r.status, r.body)
		}
	}
	if got, _ := listIDs(t, call(t, ts, http.MethodGet, listParams(usageList, "AK-a"), nil)); len(got) != 2 {
		t.Errorf("AK-a lost a task: %v", got)
	}
	// Through both SDKs, whose access keys the mock reads from different places.
	if p := legacyDescribe(t, ts, "AK-b", "", "").UsageDataPerPage; p.TotalCount != 1 || p.Data.DataItem[0].TaskId != b1 {
		t.Errorf("old SDK as AK-b: %+v", p)
	}
	if p := pageOf(t, mustCallAPI(t, ts, "AK-a", usageList, nil)); p.Total != 2 {
		t.Errorf("darabonba as AK-a: %+v", p)
	}
}

func TestExportThreeMonthWindow(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	id := call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK-old"), nil).str("TaskId")
	tasks := func() mock.TaskInfo {
		var pg mock.TasksPage
		if err := json.Unmarshal([]byte(admin(t, ts, http.MethodGet, "/_mock/tasks?accessKeyId=AK-old", "").body), &pg); err != nil || len(pg.Accounts) != 1 {
			t.Fatalf("GET /_mock/tasks: %v %+v", err, pg)
		}
		return pg.Accounts[0].Tasks[0]
	}
	limit := testNow.AddDate(0, 3, 0)
	moveClock(t, ts, `{"set":"`+limit.Format(time.RFC3339)+`"}`)
	if got, _ := listIDs(t, call(t, ts, http.MethodGet, listParams(usageList, "AK-old"), nil)); !slices.Equal(got, []string{id}) {
		t.Fatalf("exactly three months later: %v", got)
	}
	u := tasks().FileURL
	if d := fetchURL(t, u); d.status != 200 {
		t.Fatalf("download three months later: %d", d.status)
	}
	moveClock(t, ts, `{"advance":"1s"}`)
	if got, total := listIDs(t, call(t, ts, http.MethodGet, listParams(usageList, "AK-old"), nil)); len(got) != 0 || total != 0 {
		t.Errorf("three months and a second later: %v, total %d", got, total)
	}
	if ti := tasks(); ti.Listed || ti.Status != "success" {
		t.Errorf("the admin API still shows it, not listed: %+v", ti)
	}
	assertDownloadNotFound(t, u, "older than three months")
	if r := call(t, ts, http.MethodPost, listParams(usageDelete, "AK-old", "TaskId", id), nil); r.str("Code") != "InvalidTaskId.Malformed" {
		t.Errorf("deleting it: %d %s", r.status, r.body)
	}
	// The clock can go back: the task was kept.
	moveClock(t, ts, `{"set":"`+testNow.Add(time.Hour).Format(time.RFC3339)+`"}`)
	if got, _ := listIDs(t, call(t, ts, http.MethodGet, listParams(usageList, "AK-old"), nil)); !slices.Equal(got, []string{id}) {
		t.Errorf("with the clock back: %v", got)
	}
}

func TestExportTasksCanFail(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	if err := srv.Bind("AK-fail", "export-fails"); err != nil {
		t.Fatal(err)
	}
	if r := admin(t, ts, http.MethodGet, "/_mock/scenarios", ""); !strings.Contains(r.body, `"task":"failed"`) {
		t.Errorf("GET /_mock/scenarios does not show task: failed: %.300s", r.body)
	}
	usage := call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK-fail"), nil).str("TaskId")
	detail := mustCallAPI(t, ts, "AK-fail", detailCreate, map[string]string{"Type": "flow", "StartTime": "2026-11-01T00:00:00Z", "EndTime": "2026-11-02T00:00:00Z"})["TaskId"]
	ok := call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK-ok"), nil).str("TaskId")

	var pg mock.TasksPage
	if err := json.Unmarshal([]byte(admin(t, ts, http.MethodGet, "/_mock/tasks", "").body), &pg); err != nil || len(pg.Accounts) != 2 {
		t.Fatalf("GET /_mock/tasks: %v %+v", err, pg)
	}
	failing := pg.Accounts[0].Tasks // AK-fail sorts first
	if pg.Accounts[0].AccessKeyID != "AK-fail" || len(failing) != 2 || failing[0].Outcome != "failed" || failing[0].Status != "created" {
		t.Fatalf("admin tasks: %+v", pg)
	}
	assertDownloadNotFound(t, failing[0].FileURL, "still created")

	moveClock(t, ts, `{"advance":"90s"}`)
	it := legacyDescribe(t, ts, "AK-fail", "", "").UsageDataPerPage.Data.DataItem[0]
	if it.TaskId != usage || it.Status != "failed" || it.DownloadUrl != "" || it.UpdateTime != "2026-11-25T12:01:30Z" {
		t.Errorf("usage task under export-fails: %+v", it)
	}
	if p := pageOf(t, mustCallAPI(t, ts, "AK-fail", detailList, nil)); p.Items[0]["TaskId"] != detail || p.Items[0]["Status"] != "failed" {
		t.Errorf("detail task under export-fails: %+v", p)
	}
	assertDownloadNotFound(t, failing[0].FileURL, "failed")
	if it := legacyDescribe(t, ts, "AK-ok", "", "").UsageDataPerPage.Data.DataItem[0]; it.TaskId != ok || it.Status != "success" {
		t.Errorf("another account's task: %+v", it)
	}
}

// Every code the new operations document is reachable: by a rule, by the
// task state, or by the scenario named after it.
func TestExportErrorsReachable(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	detail := func(kv ...string) url.Values {
		v := listParams(detailCreate, "AK-err", "Type", "flow", "StartTime", "2026-11-01T00:00:00Z", "EndTime", "2026-11-02T00:00:00Z")
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	byRule := []struct {
		params url.Values
		code   string
	}{
		{detail("EndTime", ""), "MissingTimeParameter"},
		{detail("StartTime", "2026-11-01"), "InvalidStartTime.Malformed"},
		{detail("EndTime", "2026-11-02T00:00:00+08:00"), "InvalidEndTime.Malformed"},
		{detail("EndTime", "2026-10-31T00:00:00Z"), "InvalidTimeRange"},
		{detail("EndTime", "2026-12-03T00:00:00Z"), "InvalidTimeRange"},
		{detail("StartTime", "2025-11-01T00:00:00Z", "EndTime", "2025-11-02T00:00:00Z"), "InvalidStartTime.ValueNotSupported"},
		{detail("StartTime", "2026-11-26T00:00:00Z", "EndTime", "2026-11-27T00:00:00Z"), "InvalidStartTime.ValueNotSupported"},
		{detail("Type", ""), "MissingParameter"},
		{detail("Type", "bandwidth"), "InvalidParameter"},
		{detail("Language", "fr-fr"), "InvalidParameter"},
		{listParams(usageDelete, "AK-err", "TaskId", "100999"), "InvalidTaskId.Malformed"},
		{listParams(detailDelete, "AK-err", "TaskId", "not-a-task"), "InvalidTaskId.Malformed"},
		{listParams(usageDelete, "AK-err"), "MissingParameter"},
	}
	reached := map[string]bool{} // action/code
	for _, tc := range byRule {
		r := call(t, ts, http.MethodPost, tc.params, nil)
		if r.status != 400 || r.str("Code") != tc.code {
			t.Errorf("%v: %d %s, want %s", tc.params, r.status, r.body, tc.code)
		}
		reached[tc.params.Get("Action")+"/"+tc.code] = true
	}
	for _, action := range []string{usageList, usageDelete, detailCreate, detailList, detailDelete} {
		op := srv.Spec().Operation(action)
		base := listParams(action, "AK-err", "TaskId", "1")
		if action == detailCreate {
			base = detail()
		}
		for _, d := range op.Errors() {
			r := call(t, ts, http.MethodPost, base, http.Header{"X-Mock-Scenario": {d.Code}})
			if r.status != d.Status || r.str("Code") != d.Code || r.str("Message") != d.Message {
				t.Errorf("%s under scenario %s: %d %s", action, d.Code, r.status, r.body)
			}
			reached[action+"/"+d.Code] = true
		}
		for _, code := range []string{"InvalidTaskId.Malformed", "InvalidParameterDimension", "InvalidParameterBillType"} {
			if slices.Contains(opCodes(op), code) && !reached[action+"/"+code] {
				t.Errorf("%s: %s not reached", action, code)
			}
		}
	}
	// Forced errors change no state: AK-err has no task yet. Under the
	// success scenario (no validation), an unknown TaskId is deleted fine.
	if _, total := listIDs(t, call(t, ts, http.MethodGet, listParams(detailList, "AK-err"), nil)); total != 0 {
		t.Errorf("refused creates made %d tasks", total)
	}
	if r := call(t, ts, http.MethodPost, listParams(usageDelete, "AK-err", "TaskId", "42"), http.Header{"X-Mock-Scenario": {"success"}}); r.status != 200 {
		t.Errorf("delete of an unknown task under success: %d %s", r.status, r.body)
	}

	// And through an SDK, with the spec's message.
	_, err := callAPI(t, ts, "AK-err", detailCreate, map[string]string{"Type": "flow", "StartTime": "2026-11-01T00:00:00Z", "EndTime": "2026-11-02T00:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Bind("AK-err", "InvalidParameterDimension"); err != nil {
		t.Fatal(err)
	}
	_, err = callAPI(t, ts, "AK-err", detailCreate, map[string]string{"Type": "flow", "StartTime": "2026-11-01T00:00:00Z", "EndTime": "2026-11-02T00:00:00Z"})
	var se *tea.SDKError
	if !errors.As(err, &se) || tea.StringValue(se.Code) != "InvalidParameterDimension" || !strings.Contains(tea.StringValue(se.Message), "The parameter Dimension is invalid.") {
		t.Errorf("InvalidParameterDimension through darabonba: %v", err)
	}
}

func opCodes(op *mock.Operation) []string {
	var out []string
	for _, d := range op.Errors() {
		out = append(out, d.Code)
	}
	return out
}

func TestAdminClock(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	var st mock.ClockState
	if r := admin(t, ts, http.MethodGet, "/_mock/clock", ""); r.status != 200 || json.Unmarshal([]byte(r.body), &st) != nil || !st.Now.Equal(testNow) || !st.Pinned {
		t.Fatalf("GET /_mock/clock: %d %s", r.status, r.body)
	}
	if st := moveClock(t, ts, `{"advance":"2m30s"}`); !st.Now.Equal(testNow.Add(150 * time.Second)) {
		t.Errorf("advance: %+v", st)
	}
	if st := moveClock(t, ts, `{"set":"2027-01-02T03:04:05+08:00"}`); !st.Now.Equal(time.Date(2027, 1, 1, 19, 4, 5, 0, time.UTC)) {
		t.Errorf("set: %+v", st)
	}
	for _, body := range []string{``, `{}`, `not json`, `{"advance":"soon"}`, `{"advance":"-1m"}`, `{"set":"yesterday"}`,
		`{"advance":"1m","set":"2027-01-02T03:04:05Z"}`, `{"speed":2}`} {
		r := admin(t, ts, http.MethodPost, "/_mock/clock", body)
		if r.status != 400 || r.str("code") != "Mock.BadClock" || !strings.Contains(r.str("message"), `{"advance":"2m"}`) {
			t.Errorf("POST /_mock/clock %s: %d %s", body, r.status, r.body)
		}
	}

	// On real time, advance moves it forward.
	_, real := newServer(t, mock.Config{Clock: mock.NewClock()})
	if st := moveClock(t, real, `{"advance":"1h"}`); st.Pinned || time.Until(st.Now) < 59*time.Minute {
		t.Errorf("real time advanced by 1h: %+v", st)
	}
}

func TestAdminTasksAndReset(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK-x", "TaskName", "first"), nil)
	srv.Clock().Advance(time.Second)
	mustCallAPI(t, ts, "AK-x", detailCreate, map[string]string{"Type": "vas", "StartTime": "2026-11-01T00:00:00Z", "EndTime": "2026-11-02T00:00:00Z"})
	call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK-y"), nil)
	if err := srv.Bind("AK-y", "InternalError"); err != nil {
		t.Fatal(err)
	}

	var pg mock.TasksPage
	if err := json.Unmarshal([]byte(admin(t, ts, http.MethodGet, "/_mock/tasks", "").body), &pg); err != nil {
		t.Fatal(err)
	}
	if len(pg.Accounts) != 2 || pg.Accounts[0].AccessKeyID != "AK-x" || len(pg.Accounts[0].Tasks) != 2 || pg.Accounts[1].AccessKeyID != "AK-y" {
		t.Fatalf("GET /_mock/tasks: %+v", pg)
	}
	x := pg.Accounts[0].Tasks
	if x[0].Family != "detail" || x[0].Report != "xlsx" || x[0].Params["Type"] != "vas" || x[1].Family != "usage" ||
		x[1].TaskName != "first" || !x[1].ReadyTime.Equal(testNow.Add(90*time.Second)) || !x[1].Listed ||
		x[0].DownloadURL != "" || !x[0].UpdateTime.Equal(x[0].CreateTime) || !strings.Contains(x[0].FileURL, "/_mock/downloads/") {
		t.Errorf("AK-x's tasks, newest first: %+v", x)
	}
	if r := admin(t, ts, http.MethodGet, "/_mock/tasks?accessKeyId=AK-y", ""); !strings.Contains(r.body, `"accessKeyId":"AK-y"`) || strings.Contains(r.body, "AK-x") {
		t.Errorf("?accessKeyId=AK-y: %s", r.body)
	}

	if r := admin(t, ts, http.MethodDelete, "/_mock/state", ""); r.status != http.StatusNoContent {
		t.Fatalf("DELETE /_mock/state: %d %s", r.status, r.body)
	}
	if r := admin(t, ts, http.MethodGet, "/_mock/tasks", ""); !strings.Contains(r.body, `"accounts":[]`) {
		t.Errorf("tasks after reset: %s", r.body)
	}
	if es := srv.Requests(mock.RequestFilter{}); len(es) != 0 {
		t.Errorf("journal after reset: %d entries", len(es))
	}
	if r := call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK-y"), nil); r.status != 200 {
		t.Errorf("AK-y's binding survived the reset: %d %s", r.status, r.body)
	}
	assertDownloadNotFound(t, x[0].FileURL, "never existed")
}

// Many clients at once: ids stay unique, counts exact (run with -race).
// Each client creates two tasks and deletes one of them by its real id
// while the others create, list and delete on the same accounts; every
// answer must be a 200.
func TestExportTasksUnderConcurrency(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	const n = 60
	type made struct{ ak, kept, deleted string }
	results := make(chan made, n)
	errs := make(chan error, 4*n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ak := "AK-conc-" + strconv.Itoa(i%3)
			kept, err := concurrentCall(ts, http.MethodPost, createParams("AccessKeyId", ak))
			if err != nil {
				errs <- err
				return
			}
			doomed, err := concurrentCall(ts, http.MethodPost, createParams("AccessKeyId", ak))
			if err != nil {
				errs <- err
				return
			}
			if _, err := concurrentCall(ts, http.MethodGet, listParams(usageList, ak)); err != nil {
				errs <- err
			}
			if _, err := concurrentCall(ts, http.MethodGet, listParams(usageDelete, ak, "TaskId", doomed.TaskID)); err != nil {
				errs <- err
				return
			}
			results <- made{ak, kept.TaskID, doomed.TaskID}
		}()
	}
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[string]bool{}
	want := map[string][]string{} // the tasks left, by account
	for m := range results {
		for _, id := range []string{m.kept, m.deleted} {
			if id == "" || seen[id] {
				t.Fatalf("task id %q empty or repeated", id)
			}
			seen[id] = true
		}
		want[m.ak] = append(want[m.ak], m.kept)
	}
	if len(seen) != 2*n {
		t.Fatalf("%d ids, want %d", len(seen), 2*n)
	}
	for i := 0; i < 3; i++ {
		ak := "AK-conc-" + strconv.Itoa(i)
		r := call(t, ts, http.MethodGet, listParams(usageList, ak, "PageSize", "50"), nil)
		ids, total := listIDs(t, r)
		slices.Sort(ids)
		slices.Sort(want[ak])
		if total != len(want[ak]) || !slices.Equal(ids, want[ak]) {
			t.Errorf("%s lists %d tasks %v; want the %d kept %v", ak, total, ids, len(want[ak]), want[ak])
		}
	}
}

type taskAnswer struct {
	TaskID string `json:"TaskId"`
}

// concurrentCall is call for goroutines other than the test's own: it
// returns an error for anything but a 200 with a JSON body.
func concurrentCall(ts *httptest.Server, method string, params url.Values) (answer taskAnswer, err error) {
	req, err := http.NewRequest(method, ts.URL+"/?"+params.Encode(), nil)
	if err != nil {
		return answer, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer, fmt.Errorf("%s %s: %w", method, params.Get("Action"), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	if err == nil {
		err = json.Unmarshal(body, &answer)
	}
	if err != nil {
		return answer, fmt.Errorf("%s %s (%s): %w: %s", method, params.Get("Action"), params.Get("TaskId"), err, body)
	}
	return answer, nil
}

// The longest period the API allows, 31 days, fits two pages.
func TestUsageExportOfAMonth(t *testing.T) {
	_, ts := newServer(t, mock.Config{TaskDuration: time.Second})
	r := call(t, ts, http.MethodPost, createParams("StartTime", "2026-10-01T00:00:00Z", "EndTime", "2026-11-01T00:00:00Z", "Language", "en-us"), nil)
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	moveClock(t, ts, `{"advance":"1s"}`)
	p := pageOf(t, call(t, ts, http.MethodGet, listParams(usageList, ""), nil).fields)
	file := fetchURL(t, p.Items[0]["DownloadUrl"].(string))
	n, err := api.PageCount(bytes.NewReader(file.body), model.NewDefaultConfiguration())
	if err != nil || n != 2 {
		t.Errorf("pages: %d %v, want 2", n, err)
	}
	text := pdfText(t, file.body)
	if strings.Count(text, "Date (UTC)") != 2 || !strings.Contains(text, "2026-10-31") || strings.Contains(text, "2026-11-01\n") {
		t.Errorf("a month's table, its header on each page:\n%s", text)
	}
}
