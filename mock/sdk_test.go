package mock_test

// End-to-end tests with the real Go SDKs: the old alibaba-cloud-sdk-go CDN
// client, and darabonba-openapi's CallApi signing with ACS3-HMAC-SHA256 and
// with the RPC v1 signature ("v2"). Every case runs against each of them, in
// parallel; the helpers are in sdk_helpers_test.go.

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

var sdkTaskID = regexp.MustCompile(`^[0-9]+$`)

func TestSDKSuccess(t *testing.T) {
	_, ts := sdkServer(t)
	sdkForEach(t, func(t *testing.T, cl sdkClient) {
		c := sdkCall{AccessKey: sdkKey(t), Params: sdkParams()}
		var answers []sdkAnswer
		for range 2 {
			a, err := cl.call(t, ts, c)
			if err != nil {
				t.Fatalf("call failed: %v", err)
			}
			answers = append(answers, a)
		}
		for i, a := range answers {
			if a.StartTime != c.Params["StartTime"] || a.EndTime != c.Params["EndTime"] {
				t.Errorf("call %d: StartTime %q EndTime %q, want the request's %q %q",
					i, a.StartTime, a.EndTime, c.Params["StartTime"], c.Params["EndTime"])
			}
			if !sdkRequestID.MatchString(a.RequestID) {
				t.Errorf("call %d: RequestId %q is not an upper-case UUID", i, a.RequestID)
			}
			if !sdkTaskID.MatchString(a.TaskID) {
				t.Errorf("call %d: TaskId %q is not a non-empty number", i, a.TaskID)
			}
			if h := a.Header.Get(mock.HeaderRequestID); h != a.RequestID {
				t.Errorf("call %d: header %s %q, body RequestId %q", i, mock.HeaderRequestID, h, a.RequestID)
			}
			if h := a.Header.Get(mock.HeaderScenario); h != mock.ScenarioDefault {
				t.Errorf("call %d: header %s %q, want %s", i, mock.HeaderScenario, h, mock.ScenarioDefault)
			}
		}
		if answers[0].TaskID == answers[1].TaskID {
			t.Errorf("two calls got the same TaskId %s", answers[0].TaskID)
		}
		if answers[0].RequestID == answers[1].RequestID {
			t.Errorf("two calls got the same RequestId %s", answers[0].RequestID)
		}
	})
}

// sdkRuleCase is a real request that breaks, or just keeps, a check of the
// spec (schema, x-mock-errors or x-mock-rules) under the default scenario.
type sdkRuleCase struct {
	name   string
	params map[string]string
	code   string // "" for success
	about  string // the parameter at fault, which the message must name
}

// sdkRuleCases are relative to the pinned clock sdkT0. The API allows a span
// of at most 31 days, and a StartTime within the last 365 days.
var sdkRuleCases = func() []sdkRuleCase {
	const span = 31 * sdkDay
	const year = 365 * sdkDay
	start := -40 * sdkDay // a StartTime with room for a 31-day span before the clock
	return []sdkRuleCase{
		{name: "StartTime absent", params: sdkParams("StartTime", ""), code: "MissingTimeParameter", about: "StartTime"},
		{name: "EndTime absent", params: sdkParams("EndTime", ""), code: "MissingTimeParameter", about: "EndTime"},
		{name: "both absent", params: sdkParams("StartTime", "", "EndTime", ""), code: "MissingTimeParameter", about: "StartTime"},

		{name: "StartTime with a space", params: sdkParams("StartTime", "2026-11-01 00:00:00"), code: "InvalidStartTime.Malformed", about: "StartTime"},
		{name: "StartTime in month 13", params: sdkParams("StartTime", "2026-13-01T00:00:00Z"), code: "InvalidStartTime.Malformed", about: "StartTime"},
		{name: "StartTime on February 30", params: sdkParams("StartTime", "2026-02-30T00:00:00Z"), code: "InvalidStartTime.Malformed", about: "StartTime"},
		{name: "EndTime with a space", params: sdkParams("EndTime", "2026-11-02 00:00:00"), code: "InvalidEndTime.Malformed", about: "EndTime"},
		{name: "EndTime in month 13", params: sdkParams("EndTime", "2026-13-01T00:00:00Z"), code: "InvalidEndTime.Malformed", about: "EndTime"},

		{name: "EndTime equals StartTime", params: sdkParams("StartTime", sdkAt(start), "EndTime", sdkAt(start)), code: "InvalidTimeRange", about: "EndTime"},
		{name: "EndTime before StartTime", params: sdkParams("StartTime", sdkAt(start), "EndTime", sdkAt(start-time.Second)), code: "InvalidTimeRange", about: "EndTime"},
		{name: "span of 31 days and 1s", params: sdkParams("StartTime", sdkAt(start), "EndTime", sdkAt(start+span+time.Second)), code: "InvalidTimeRange", about: "EndTime"},
		{name: "span of exactly 31 days", params: sdkParams("StartTime", sdkAt(start), "EndTime", sdkAt(start+span))},

		{name: "StartTime 365 days and 1s ago", params: sdkParams("StartTime", sdkAt(-year-time.Second), "EndTime", sdkAt(-year-time.Second+sdkDay)), code: "InvalidStartTime.ValueNotSupported", about: "StartTime"},
		{name: "StartTime 1s after the clock", params: sdkParams("StartTime", sdkAt(time.Second), "EndTime", sdkAt(time.Second+sdkDay)), code: "InvalidStartTime.ValueNotSupported", about: "StartTime"},
		{name: "StartTime exactly 365 days ago", params: sdkParams("StartTime", sdkAt(-year), "EndTime", sdkAt(-year+sdkDay))},
		{name: "StartTime at the clock", params: sdkParams("StartTime", sdkAt(0), "EndTime", sdkAt(time.Hour))},

		{name: "Language fr", params: sdkParams("Language", "fr"), code: "InvalidParameter", about: "Language"},
		{name: "Language en-us", params: sdkParams("Language", "en-us")},
		{name: "TaskName with special characters", params: sdkParams("TaskName", "a b+c*d~e/f:g(h)!'i&j=k%l 中文")},
	}
}()

// sdkRunRuleCase makes the case's request with each client and checks the answer.
func sdkRunRuleCase(t *testing.T, ts *httptest.Server, rc sdkRuleCase, want mock.ErrorDef) {
	sdkForEach(t, func(t *testing.T, cl sdkClient) {
		a, err := cl.call(t, ts, sdkCall{AccessKey: sdkKey(t), Params: rc.params})
		if rc.code != "" {
			got := sdkExpectFailure(t, cl, err, sdkWithName(want, rc.about))
			if !strings.Contains(got.Message, rc.about) {
				t.Errorf("message %q does not name %s", got.Message, rc.about)
			}
			return
		}
		if err != nil {
			t.Fatalf("failed, want success: %v", err)
		}
		if a.StartTime != rc.params["StartTime"] || a.EndTime != rc.params["EndTime"] || !sdkTaskID.MatchString(a.TaskID) {
			t.Errorf("got %+v for %v", a, rc.params)
		}
	})
}

// sdkSubject is the parameter a forced error's "{name}" names: the operation's
// first required parameter.
func sdkSubject(t *testing.T, op *mock.Operation) string {
	for _, p := range op.Params {
		if p.Required {
			return p.Name
		}
	}
	t.Fatalf("%s has no required parameter", op.Name)
	return ""
}

// sdkViaScenario has each client see def through the built-in scenario named
// after its code, chosen by the X-Mock-Scenario header and, for another
// access key, by a binding made through the admin API; the journal must
// agree on the access key, the scenario and how it was chosen.
func sdkViaScenario(t *testing.T, srv *mock.Server, ts *httptest.Server, def mock.ErrorDef) {
	for _, chosenBy := range []string{"header", "binding"} {
		t.Run(chosenBy, func(t *testing.T) {
			sdkForEach(t, func(t *testing.T, cl sdkClient) {
				c := sdkCall{AccessKey: sdkKey(t), Params: sdkParams()}
				if chosenBy == "header" {
					c.Scenario = def.Code
				} else {
					sdkBind(t, ts, c.AccessKey, def.Code)
				}
				_, err := cl.call(t, ts, c)
				sdkExpectFailure(t, cl, err, def)

				es := srv.Requests(mock.RequestFilter{AccessKeyID: c.AccessKey})
				if len(es) != 1 {
					t.Fatalf("the journal has %d requests from %s, want 1", len(es), c.AccessKey)
				}
				if e := es[0]; e.Scenario != def.Code || e.ChosenBy != chosenBy || e.Code != def.Code || e.Status != def.Status {
					t.Errorf("journal: scenario %q chosen by %q, answered %d %q; want %s by %s, %d",
						e.Scenario, e.ChosenBy, e.Status, e.Code, def.Code, chosenBy, def.Status)
				}
			})
		})
	}
}

// TestSDKDocumentedErrors takes every error code the spec documents for the
// operation and has each client see it: through a real request breaking a
// rule when there is one, and through its built-in scenario, chosen by the
// X-Mock-Scenario header and by binding the access key.
func TestSDKDocumentedErrors(t *testing.T) {
	srv, ts := sdkServer(t)
	op := srv.Spec().Operation(sdkAction)
	if op == nil || len(op.Errors()) == 0 {
		t.Fatalf("the spec documents no errors for %s", sdkAction)
	}
	name := sdkSubject(t, op)
	for _, def := range op.Errors() {
		if def.Status != http.StatusBadRequest {
			t.Errorf("the spec gives %s status %d; the API answers its own codes with 400", def.Code, def.Status)
		}
		t.Run(def.Code, func(t *testing.T) {
			byRule := 0
			for _, rc := range sdkRuleCases {
				if rc.code == def.Code {
					byRule++
					t.Run("rule/"+rc.name, func(t *testing.T) { sdkRunRuleCase(t, ts, rc, def) })
				}
			}
			if byRule == 0 {
				t.Logf("%s: no rule produces it; reached by scenario only", def.Code)
			}
			sdkViaScenario(t, srv, ts, sdkWithName(def, name))
		})
	}
}

// TestSDKValidationEdges runs the rule cases that are not about a documented
// code of the operation: the edges that must succeed, and the common
// InvalidParameter.
func TestSDKValidationEdges(t *testing.T) {
	srv, ts := sdkServer(t)
	sp := srv.Spec()
	documented := map[string]bool{}
	for _, d := range sp.Operation(sdkAction).Errors() {
		documented[d.Code] = true
	}
	common := map[string]mock.ErrorDef{}
	for _, d := range sp.CommonErrors() {
		common[d.Code] = d
	}
	for _, rc := range sdkRuleCases {
		if documented[rc.code] {
			continue // TestSDKDocumentedErrors runs it
		}
		want, ok := common[rc.code]
		if rc.code != "" && !ok {
			t.Errorf("case %q expects %s, which the spec neither documents for %s nor lists as common", rc.name, rc.code, sdkAction)
			continue
		}
		t.Run(rc.name, func(t *testing.T) { sdkRunRuleCase(t, ts, rc, want) })
	}
}

// sdkCommonStatus is what real clients get for the common errors the mock
// must offer as scenarios.
var sdkCommonStatus = map[string]int{
	"Throttling.User":        400,
	"InternalError":          500,
	"ServiceUnavailable":     503,
	"InvalidAction.NotFound": 404,
	"InvalidVersion":         400,
}

// TestSDKCommonErrors has each client see every common error of the spec
// through its built-in scenario, by header and by binding.
func TestSDKCommonErrors(t *testing.T) {
	srv, ts := sdkServer(t)
	name := sdkSubject(t, srv.Spec().Operation(sdkAction))
	listed := map[string]bool{}
	for _, def := range srv.Spec().CommonErrors() {
		listed[def.Code] = true
		if want, ok := sdkCommonStatus[def.Code]; ok && def.Status != want {
			t.Errorf("the spec gives %s status %d, want %d", def.Code, def.Status, want)
		}
		def := sdkWithName(def, name)
		t.Run(def.Code, func(t *testing.T) { sdkViaScenario(t, srv, ts, def) })
	}
	for code := range sdkCommonStatus {
		if !listed[code] {
			t.Errorf("the spec's x-acs-common-errors lacks %s", code)
		}
	}
}

// TestSDKGatewayErrors reaches two common errors for real: an Action the API
// does not have, and a Version it does not serve.
func TestSDKGatewayErrors(t *testing.T) {
	srv, ts := sdkServer(t)
	common := map[string]mock.ErrorDef{}
	for _, d := range srv.Spec().CommonErrors() {
		common[d.Code] = d
	}
	for _, tc := range []struct {
		name             string
		action, version  string
		code, aboutParam string
	}{
		{name: "unknown Action", action: "CreateUserUsageDataImportTask", code: "InvalidAction.NotFound", aboutParam: "Action"},
		{name: "Version 2017-01-01", version: "2017-01-01", code: "InvalidVersion", aboutParam: "Version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, ok := common[tc.code]
			if !ok {
				t.Fatalf("the spec's x-acs-common-errors lacks %s", tc.code)
			}
			sdkForEach(t, func(t *testing.T, cl sdkClient) {
				_, err := cl.call(t, ts, sdkCall{AccessKey: sdkKey(t), Action: tc.action, Version: tc.version, Params: sdkParams()})
				sdkExpectFailure(t, cl, err, sdkWithName(want, tc.aboutParam))
			})
		})
	}
}
