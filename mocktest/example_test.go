package mocktest_test

import (
	"errors"
	"fmt"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cdn"

	"github.com/alibaba-cloud-mock/cdnmock/mocktest"
)

// now is the pinned clock of the examples: the request's times are in the
// past year, as the default scenario's rules demand, whenever they run.
var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// A test with the darabonba-openapi client (what the generated
// alibabacloud-go/cdn-20180510 client is built on). In a real test, pass the
// test's t to Start; examples have none, so they pass a stand-in.
func ExampleStart() {
	t := &exampleT{}
	defer t.done()
	srv := mocktest.Start(t, mocktest.WithClock(now))
	client, _ := openapi.NewClient(&openapi.Config{AccessKeyId: tea.String("AKID"), AccessKeySecret: tea.String("SECRET"),
		Endpoint: tea.String(srv.Endpoint()), Protocol: tea.String("HTTP")})
	params := &openapi.Params{Action: tea.String("CreateUserUsageDataExportTask"), Version: tea.String("2018-05-10"),
		Protocol: tea.String("HTTP"), Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"),
		Style: tea.String("RPC"), ReqBodyType: tea.String("formData"), BodyType: tea.String("json")}
	req := &openapi.OpenApiRequest{Query: map[string]*string{
		"StartTime": tea.String("2026-11-01T00:00:00Z"), "EndTime": tea.String("2026-11-02T00:00:00Z")}}
	resp, err := client.CallApi(params, req, &util.RuntimeOptions{})
	fmt.Println(resp["body"].(map[string]any)["StartTime"], err, srv.Requests()[0].Action)
	// Output: 2026-11-01T00:00:00Z <nil> CreateUserUsageDataExportTask
}

// A test with the old Go SDK, of an error the real service can answer.
func ExampleServer_SetScenario() {
	t := &exampleT{}
	defer t.done()
	srv := mocktest.Start(t, mocktest.WithClock(now))
	srv.SetScenario("InvalidTimeRange")
	client, _ := cdn.NewClientWithAccessKey("cn-hangzhou", "AKID", "SECRET")
	req := cdn.CreateCreateUserUsageDataExportTaskRequest()
	req.Domain, req.Scheme = srv.Endpoint(), "http"
	req.StartTime, req.EndTime = "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"
	_, err := client.CreateUserUsageDataExportTask(req)
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		fmt.Println(se.ErrorCode(), se.HttpStatus())
	}
	// Output: InvalidTimeRange 400
}

// exampleT stands in for the *testing.T examples do not get: it is a
// mocktest.TB that panics on failure and runs its cleanups when done.
type exampleT struct{ cleanups []func() }

func (t *exampleT) Helper()                           {}
func (t *exampleT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }

func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
