package mock_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

func TestValidationRules(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	at := func(d time.Duration) string { return testNow.Add(d).Format("2006-01-02T15:04:05Z") }
	const day = 24 * time.Hour
	cases := []struct {
		name    string
		change  []string
		status  int
		code    string
		message string
	}{
		{"valid", nil, 200, "", ""},
		{"no StartTime", []string{"StartTime", ""}, 400, "MissingTimeParameter", "The StartTime and EndTime must be both specified."},
		{"no EndTime", []string{"EndTime", ""}, 400, "MissingTimeParameter", "The StartTime and EndTime must be both specified."},
		{"StartTime with a space", []string{"StartTime", "2026-11-01 00:00:00"}, 400, "InvalidStartTime.Malformed", "The specified value of parameter StartTime is malformed."},
		{"StartTime month 13", []string{"StartTime", "2026-13-01T00:00:00Z"}, 400, "InvalidStartTime.Malformed", "The specified value of parameter StartTime is malformed."},
		{"StartTime with millis", []string{"StartTime", "2026-11-01T00:00:00.000Z"}, 400, "InvalidStartTime.Malformed", ""},
		{"StartTime with offset", []string{"StartTime", "2026-11-01T00:00:00+08:00"}, 400, "InvalidStartTime.Malformed", ""},
		{"EndTime date only", []string{"EndTime", "2026-11-02"}, 400, "InvalidEndTime.Malformed", "The specified value of parameter EndTime is malformed."},
		{"EndTime Feb 30", []string{"EndTime", "2026-02-30T00:00:00Z"}, 400, "InvalidEndTime.Malformed", ""},
		{"EndTime equals StartTime", []string{"EndTime", "2026-11-01T00:00:00Z"}, 400, "InvalidTimeRange", "Invalid StartTime and EndTime range."},
		{"EndTime before StartTime", []string{"EndTime", "2026-10-31T23:59:59Z"}, 400, "InvalidTimeRange", ""},
		{"span of exactly 31 days", []string{"StartTime", "2026-10-01T00:00:00Z", "EndTime", "2026-11-01T00:00:00Z"}, 200, "", ""},
		{"span of 31 days and 1s", []string{"StartTime", "2026-10-01T00:00:00Z", "EndTime", "2026-11-01T00:00:01Z"}, 400, "InvalidTimeRange", ""},
		{"StartTime exactly 365 days ago", []string{"StartTime", at(-365 * day), "EndTime", at(-364 * day)}, 200, "", ""},
		{"StartTime 365 days and 1s ago", []string{"StartTime", at(-365*day - time.Second), "EndTime", at(-364 * day)}, 400, "InvalidStartTime.ValueNotSupported", "The specified value of parameter StartTime is not supported."},
		{"StartTime now", []string{"StartTime", at(0), "EndTime", at(time.Hour)}, 200, "", ""},
		{"StartTime 1s in the future", []string{"StartTime", at(time.Second), "EndTime", at(time.Hour)}, 400, "InvalidStartTime.ValueNotSupported", ""},
		{"Language en-us", []string{"Language", "en-us"}, 200, "", ""},
		{"Language zh-cn", []string{"Language", "zh-cn"}, 200, "", ""},
		{"Language fr", []string{"Language", "fr"}, 400, "InvalidParameter", `The specified value of parameter "Language" is not valid.`},
		{"Language upper case", []string{"Language", "EN-US"}, 400, "InvalidParameter", ""},
		{"malformed beats range: first parameter wins", []string{"StartTime", "x", "EndTime", "y"}, 400, "InvalidStartTime.Malformed", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, ts, http.MethodPost, createParams(tc.change...), nil)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if got := r.str("Code"); got != tc.code {
				t.Errorf("Code %q, want %q", got, tc.code)
			}
			if tc.message != "" && r.str("Message") != tc.message {
				t.Errorf("Message %q, want %q", r.str("Message"), tc.message)
			}
		})
	}
}

func TestCommonErrors(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	cases := []struct {
		name    string
		method  string
		params  url.Values
		status  int
		code    string
		message string
	}{
		{"no Action", http.MethodPost, createParams("Action", ""), 400, "MissingParameter", `The input parameter "Action" that is mandatory for processing this request is not supplied.`},
		{"no Version", http.MethodPost, createParams("Version", ""), 400, "MissingParameter", `The input parameter "Version" that is mandatory for processing this request is not supplied.`},
		{"wrong Version", http.MethodPost, createParams("Version", "2014-11-11"), 400, "InvalidVersion", "Specified parameter Version is not valid."},
		{"unknown Action", http.MethodPost, createParams("Action", "DescribeNothing"), 404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."},
		{"action in lower case", http.MethodPost, createParams("Action", "createuserusagedataexporttask"), 404, "InvalidAction.NotFound", ""},
		{"bad Format", http.MethodPost, createParams("Format", "YAML"), 400, "InvalidParameter.Format", "Specified parameter format is not valid."},
		{"PUT", http.MethodPut, createParams(), 400, "UnsupportedHTTPMethod", "This http method not supported."},
		{"GET is accepted", http.MethodGet, createParams(), 200, "", ""},
		{"OPTIONS", http.MethodOptions, createParams(), 400, "UnsupportedHTTPMethod", ""},
		{"DELETE without an Action", http.MethodDelete, createParams("Action", ""), 400, "UnsupportedHTTPMethod", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, ts, tc.method, tc.params, http.Header{"Accept": {"application/json"}})
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if r.str("Code") != tc.code {
				t.Errorf("Code %q, want %q", r.str("Code"), tc.code)
			}
			if tc.message != "" && r.str("Message") != tc.message {
				t.Errorf("Message %q, want %q", r.str("Message"), tc.message)
			}
			if tc.status != 200 {
				assertErrorEnvelope(t, r)
			}
		})
	}
}

// assertErrorEnvelope checks the five string fields every error carries.
func assertErrorEnvelope(t *testing.T, r reply) {
	t.Helper()
	for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
		if _, ok := r.fields[k].(string); !ok {
			t.Errorf("error body field %s is %T, want a string: %s", k, r.fields[k], r.body)
		}
	}
	if len(r.fields) != 5 {
		t.Errorf("error body has %d fields, want 5: %s", len(r.fields), r.body)
	}
	if r.str("HostId") != "cdn.aliyuncs.com" {
		t.Errorf("HostId %q", r.str("HostId"))
	}
	if !strings.Contains(r.str("Recommend"), "q="+r.str("Code")) {
		t.Errorf("Recommend %q does not name the code", r.str("Recommend"))
	}
	if r.header.Get("x-acs-request-id") != r.str("RequestId") {
		t.Errorf("x-acs-request-id %q, body RequestId %q", r.header.Get("x-acs-request-id"), r.str("RequestId"))
	}
}

func TestFormatSelection(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	acs3 := "ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=host,Signature=00"
	cases := []struct {
		name   string
		format string
		header http.Header
		want   string
	}{
		{"Format=JSON", "JSON", nil, "json"},
		{"Format=json", "json", nil, "json"},
		{"Format=XML", "XML", nil, "xml"},
		{"Format=xml beats Accept json", "xml", http.Header{"Accept": {"application/json"}}, "xml"},
		{"Format=xml beats ACS3", "Xml", http.Header{"Authorization": {acs3}}, "xml"},
		{"no Format: XML as the real service", "", nil, "xml"},
		{"no Format, Accept json", "", http.Header{"Accept": {"application/json"}}, "json"},
		{"no Format, ACS3-signed", "", http.Header{"Authorization": {acs3}}, "json"},
		{"no Format, Accept xml", "", http.Header{"Accept": {"application/xml"}}, "xml"},
	}
	for _, tc := range cases {
		for _, valid := range []bool{true, false} {
			name := tc.name + map[bool]string{true: "/success", false: "/error"}[valid]
			t.Run(name, func(t *testing.T) {
				p := createParams("Format", tc.format)
				if !valid {
					p.Del("EndTime")
				}
				r := call(t, ts, http.MethodPost, p, tc.header)
				ct := r.header.Get("Content-Type")
				if tc.want == "json" {
					if ct != "application/json;charset=utf-8" {
						t.Fatalf("Content-Type %q, want JSON: %s", ct, r.body)
					}
					return
				}
				if ct != "text/xml;charset=utf-8" {
					t.Fatalf("Content-Type %q, want XML: %s", ct, r.body)
				}
				root := xmlRoot(t, r.body)
				want := createAction + "Response"
				if !valid {
					want = "Error"
				}
				if root != want {
					t.Errorf("XML root %q, want %q", root, want)
				}
			})
		}
	}
}

func xmlRoot(t *testing.T, body string) string {
	t.Helper()
	var v struct{ XMLName xml.Name }
	if err := xml.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("XML answer does not parse: %v\n%s", err, body)
	}
	if !strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("XML answer lacks the declaration: %s", body)
	}
	return v.XMLName.Local
}

func TestInvalidUTF8IsEscaped(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	r := call(t, ts, http.MethodPost, createParams("StartTime", "2026-11-01T00:00:00Z", "EndTime", "\xff\xfe"), http.Header{"X-Mock-Scenario": {"success"}})
	if r.status != 200 || r.str("EndTime") != "\ufffd\ufffd" {
		t.Errorf("%d %q", r.status, r.body)
	}
}

// xmlSpecial is a value that XML must escape: markup, quotes, a CDATA end,
// white space that is not a space, and text beyond ASCII.
const xmlSpecial = "a<b&c>\"d\" 'e' ]]> \t1\r\n2 Ünïcödé 中文 ✓"

func TestXMLBodies(t *testing.T) {
	_, ts := newServer(t, mock.Config{NewRequestID: func() string { return "REQ-1" }})
	r := call(t, ts, http.MethodPost, createParams("Format", "XML", "AccessKeyId", "AK-xml", "TaskName", xmlSpecial), nil)
	var ok struct {
		XMLName            xml.Name `xml:"CreateUserUsageDataExportTaskResponse"`
		RequestID          string   `xml:"RequestId"`
		TaskID             string   `xml:"TaskId"`
		StartTime, EndTime string
	}
	if err := xml.Unmarshal([]byte(r.body), &ok); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	if ok.RequestID != "REQ-1" || ok.StartTime != "2026-11-01T00:00:00Z" || ok.EndTime != "2026-11-02T00:00:00Z" || ok.TaskID == "" {
		t.Errorf("success body %+v", ok)
	}

	// The TaskName comes back in the list, a spliced value (package fixture, splice.go).
	r = call(t, ts, http.MethodGet, listParams(usageList, "AK-xml", "Format", "XML"), nil)
	var list struct {
		XMLName xml.Name `xml:"DescribeUserUsageDataExportTaskResponse"`
		Items   []struct {
			TaskID   string `xml:"TaskId"`
			TaskName string
		} `xml:"UsageDataPerPage>Data>DataItem"`
	}
	if err := xml.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	if len(list.Items) != 1 || list.Items[0].TaskID != ok.TaskID || list.Items[0].TaskName != xmlSpecial {
		t.Errorf("listed %+v, want TaskId %s and TaskName %q\n%s", list.Items, ok.TaskID, xmlSpecial, r.body)
	}

	// A template's value: the success scenario echoes StartTime unvalidated.
	r = call(t, ts, http.MethodPost, createParams("Format", "XML", "StartTime", xmlSpecial), http.Header{"X-Mock-Scenario": {"success"}})
	ok.StartTime = ""
	if err := xml.Unmarshal([]byte(r.body), &ok); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	if ok.StartTime != xmlSpecial {
		t.Errorf("StartTime %q, want %q\n%s", ok.StartTime, xmlSpecial, r.body)
	}

	r = call(t, ts, http.MethodPost, createParams("Format", "XML", "EndTime", ""), nil)
	var e struct {
		RequestID                string `xml:"RequestId"`
		HostID                   string `xml:"HostId"`
		Code, Message, Recommend string
	}
	if err := xml.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	want := "https://api.aliyun.com/troubleshoot?q=MissingTimeParameter&product=Cdn&requestId=REQ-1"
	if r.status != 400 || e.Code != "MissingTimeParameter" || e.RequestID != "REQ-1" || e.HostID != "cdn.aliyuncs.com" || e.Recommend != want {
		t.Errorf("error body %d %+v", r.status, e)
	}

	// An error message that quotes the client: an unknown scenario's name.
	name := strings.ReplaceAll(xmlSpecial, "\r\n", "") // a header value holds no line break
	r = call(t, ts, http.MethodPost, createParams("Format", "XML"), http.Header{"X-Mock-Scenario": {name}})
	e.Message = ""
	if err := xml.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	if r.status != 400 || e.Code != "Mock.UnknownScenario" || !strings.Contains(e.Message, strconv.Quote(name)) {
		t.Errorf("unknown scenario %q: %d %+v", name, r.status, e)
	}
}

func TestFormBodyAndHeaders(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	// pop-core POST: everything in a form body.
	form := createParams("TaskName", "a b+c")
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := do(t, req); r.status != 200 || r.str("StartTime") != "2026-11-01T00:00:00Z" {
		t.Errorf("form body: %d %s", r.status, r.body)
	}
	// ACS3: Action and Version in headers, parameters in the query.
	q := createParams("Action", "", "Version", "", "Format", "")
	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/?"+q.Encode(), nil)
	req.Header.Set("x-acs-action", createAction)
	req.Header.Set("x-acs-version", "2018-05-10")
	req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential=AK1,SignedHeaders=host,Signature=00")
	if r := do(t, req); r.status != 200 || r.header.Get("Content-Type") != "application/json;charset=utf-8" {
		t.Errorf("ACS3 headers: %d %s", r.status, r.body)
	}
}

func TestScenarioPrecedence(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	_ = srv
	set := func(body string) {
		if r := admin(t, ts, http.MethodPut, "/_mock/scenario", body); r.status != 200 {
			t.Fatalf("PUT %s: %d %s", body, r.status, r.body)
		}
	}
	send := func(ak, header string) reply {
		p := createParams("AccessKeyId", ak)
		h := http.Header{}
		if header != "" {
			h.Set("X-Mock-Scenario", header)
		}
		return call(t, ts, http.MethodPost, p, h)
	}
	check := func(step string, r reply, scenario, code string) {
		t.Helper()
		if got := r.header.Get("X-Mock-Scenario"); got != scenario {
			t.Errorf("%s: X-Mock-Scenario %q, want %q", step, got, scenario)
		}
		if r.str("Code") != code {
			t.Errorf("%s: Code %q, want %q", step, r.str("Code"), code)
		}
	}

	check("nothing set", send("AK1", ""), "default", "")
	set(`{"scenario":"InvalidParameterAliuid"}`)
	check("active", send("AK1", ""), "InvalidParameterAliuid", "InvalidParameterAliuid")
	set(`{"scenario":"InvalidParameterOperator","accessKeyId":"AK1"}`)
	check("binding beats active", send("AK1", ""), "InvalidParameterOperator", "InvalidParameterOperator")
	check("other key keeps active", send("AK2", ""), "InvalidParameterAliuid", "InvalidParameterAliuid")
	check("header beats binding", send("AK1", "success"), "success", "")
	check("header beats active", send("AK2", "InvalidTimeRange"), "InvalidTimeRange", "InvalidTimeRange")

	st := admin(t, ts, http.MethodGet, "/_mock/scenarios", "")
	if st.str("active") != "InvalidParameterAliuid" {
		t.Errorf("active %q", st.str("active"))
	}
	if b, _ := st.fields["bindings"].(map[string]any); b["AK1"] != "InvalidParameterOperator" {
		t.Errorf("bindings %v", st.fields["bindings"])
	}

	if r := admin(t, ts, http.MethodDelete, "/_mock/scenario", ""); r.status != 200 {
		t.Fatalf("DELETE: %d", r.status)
	}
	check("after reset", send("AK1", ""), "default", "")
}

func TestScenarioOutcomes(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	header := func(name string) http.Header { return http.Header{"X-Mock-Scenario": {name}} }

	// success skips validation, an error scenario ignores the request.
	r := call(t, ts, http.MethodPost, createParams("StartTime", "garbage"), header("success"))
	if r.status != 200 || r.str("StartTime") != "garbage" {
		t.Errorf("success scenario: %d %s", r.status, r.body)
	}
	r = call(t, ts, http.MethodPost, createParams(), header("InternalError"))
	if r.status != 500 || r.str("Code") != "InternalError" {
		t.Errorf("InternalError scenario: %d %s", r.status, r.body)
	}
	// A forced generic error names the operation's first required parameter.
	r = call(t, ts, http.MethodPost, createParams(), header("MissingParameter"))
	if r.str("Message") != `The input parameter "StartTime" that is mandatory for processing this request is not supplied.` {
		t.Errorf("MissingParameter scenario: %s", r.body)
	}
	// Protocol errors come before the scenario's outcome.
	r = call(t, ts, http.MethodPost, createParams("Action", "Nope"), header("InvalidTimeRange"))
	if r.status != 404 || r.header.Get("X-Mock-Scenario") != "InvalidTimeRange" {
		t.Errorf("unknown action under a scenario: %d %s", r.status, r.body)
	}
	// File scenarios: a fixed fixture without validation, an error with a delay.
	r = call(t, ts, http.MethodPost, createParams("EndTime", ""), header("custom-task"))
	if r.status != 200 || r.str("TaskId") != "129456" {
		t.Errorf("custom-task: %d %s", r.status, r.body)
	}
	start := time.Now()
	r = call(t, ts, http.MethodPost, createParams(), header("export-refused"))
	if r.status != 400 || r.str("Code") != "InvalidParameterOperator" {
		t.Errorf("export-refused: %d %s", r.status, r.body)
	}
	if waited := time.Since(start); waited < 200*time.Millisecond {
		t.Errorf("export-refused answered after %v, before its 200ms delay", waited)
	}
}

func TestUnknownScenarioHeader(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	// A typo names its fix, and the message stays short: not ~300 names.
	for header, want := range map[string]string{
		"InvalidTimeRang":         `X-Mock-Scenario: no scenario "InvalidTimeRang"; did you mean "InvalidTimeRange"? (`,
		"export-refuse":           `did you mean "export-refused"?`,
		"fault:hng":               `did you mean "fault:hang"?`,
		"NoSuch":                  `no scenario "NoSuch"; closest: `,
		strings.Repeat("x", 2000): `closest: `,
	} {
		r := call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Scenario": {header}})
		msg := r.str("Message")
		if r.status != 400 || r.str("Code") != "Mock.UnknownScenario" || !strings.Contains(msg, want) {
			t.Errorf("%.20s: %d %s", header, r.status, r.body)
		}
		if len(msg) > 500 || !strings.Contains(msg, "GET /_mock/scenarios") {
			t.Errorf("%.20s: message of %d characters, or without where to list them: %s", header, len(msg), msg)
		}
	}
}

func TestAdminAPI(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	cases := []struct {
		name, method, path, body string
		status                   int
		contains                 string
	}{
		{"health", http.MethodGet, "/_mock/health", "", 200, `"ok"`},
		{"unknown scenario", http.MethodPut, "/_mock/scenario", `{"scenario":"InvalidTimeRang"}`, 404, `no scenario \"InvalidTimeRang\"; did you mean \"InvalidTimeRange\"? (`},
		{"empty scenario", http.MethodPut, "/_mock/scenario", `{"scenario":""}`, 404, `give one, such as \"default\"`},
		{"malformed JSON", http.MethodPut, "/_mock/scenario", `{"scenario":`, 400, "Mock.MalformedJSON"},
		{"unknown field", http.MethodPut, "/_mock/scenario", `{"scenario":"success","ak":"x"}`, 400, `unknown field \"ak\"`},
		{"set", http.MethodPut, "/_mock/scenario", `{"scenario":"success"}`, 200, `"active":"success"`},
		{"bind", http.MethodPut, "/_mock/scenario", `{"scenario":"InternalError","accessKeyId":"AK9"}`, 200, `"AK9":"InternalError"`},
		{"reset", http.MethodDelete, "/_mock/scenario", "", 200, `"active":"default","bindings":{}`},
		{"unknown admin path", http.MethodGet, "/_mock/nothing", "", 404, "Mock.404"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := admin(t, ts, tc.method, tc.path, tc.body)
			if r.status != tc.status || !strings.Contains(r.body, tc.contains) {
				t.Errorf("%d %s, want %d containing %s", r.status, r.body, tc.status, tc.contains)
			}
		})
	}

	r := admin(t, ts, http.MethodGet, "/_mock/scenarios", "")
	list, _ := r.fields["scenarios"].([]any)
	byName := map[string]map[string]any{}
	for _, s := range list {
		m := s.(map[string]any)
		byName[m["name"].(string)] = m
	}
	if byName["export-refused"]["source"] != "scenarios/export-refused.yaml" || byName["default"]["source"] != "builtin" {
		t.Errorf("sources: %v / %v", byName["export-refused"], byName["default"])
	}
	if byName["InvalidTimeRange"] == nil || byName["Throttling.User"] == nil {
		t.Errorf("built-in error scenarios missing: %v", r.body)
	}
}
