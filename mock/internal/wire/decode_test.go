package wire

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	specfiles "github.com/alibaba-cloud-mock/cdnmock/spec"
)

var (
	envelopeSpecOnce sync.Once
	envelopeSpec     *contract.Spec
	envelopeSpecErr  error
)

// shippedSpecForTest loads the embedded default spec once.
func shippedSpecForTest(t testing.TB) *contract.Spec {
	t.Helper()
	envelopeSpecOnce.Do(func() {
		data, err := specfiles.FS.ReadFile(specfiles.Default)
		if err != nil {
			envelopeSpecErr = err
			return
		}
		envelopeSpec, envelopeSpecErr = contract.Load("spec/"+specfiles.Default, data, contract.LoadOptions{RequireCommon: true, Reports: []string{"pdf", "xlsx"}})
	})
	if envelopeSpecErr != nil {
		t.Fatal(envelopeSpecErr)
	}
	return envelopeSpec
}

const (
	testACS3Auth = "ACS3-HMAC-SHA256 Credential=AK-FROM-HEADER,SignedHeaders=host;x-acs-action;x-acs-version,Signature=0123abcd"
	formCT       = "application/x-www-form-urlencoded"
)

func TestDecodeCall(t *testing.T) {
	sp := shippedSpecForTest(t)

	type want struct {
		method, action, version, ak, format string
		acs3                                bool
		params                              url.Values // exact values of these keys; nil: not checked
		allParams                           url.Values // the whole of Params; nil: not checked
		errStatus                           int        // 0: no error
		errCode                             string
		errMsg                              string // substring of the error message
	}
	tests := []struct {
		name    string
		method  string
		target  string
		header  map[string]string
		body    string
		maxBody int64 // 0: 1 MiB
		want    want
	}{
		{
			name:   "GET query",
			method: http.MethodGet,
			target: "/?Action=CreateUserUsageDataExportTask&Version=2018-05-10&StartTime=2015-12-10T20%3A00%3A00Z",
			want: want{
				method: "GET", action: "CreateUserUsageDataExportTask", version: "2018-05-10", format: FormatXML,
				allParams: url.Values{
					"Action":    {"CreateUserUsageDataExportTask"},
					"Version":   {"2018-05-10"},
					"StartTime": {"2015-12-10T20:00:00Z"},
				},
			},
		},
		{
			name:   "POST form body",
			method: http.MethodPost,
			target: "/",
			header: map[string]string{"Content-Type": formCT},
			body:   "Action=CreateUserUsageDataExportTask&Version=2018-05-10&EndTime=2015-12-10T21%3A00%3A00Z&TaskName=a%20b",
			want: want{
				method: "POST", action: "CreateUserUsageDataExportTask", version: "2018-05-10", format: FormatXML,
				allParams: url.Values{
					"Action":   {"CreateUserUsageDataExportTask"},
					"Version":  {"2018-05-10"},
					"EndTime":  {"2015-12-10T21:00:00Z"},
					"TaskName": {"a b"},
				},
			},
		},
		{
			name:   "form content type with charset",
			method: http.MethodPost,
			target: "/",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
			body:   "Action=A&TaskName=x",
			want:   want{method: "POST", action: "A", format: FormatXML, params: url.Values{"TaskName": {"x"}}},
		},
		{
			name:   "a body that is not a form is not read",
			method: http.MethodPost,
			target: "/?Action=A",
			header: map[string]string{"Content-Type": "application/json"},
			body:   "TaskName=x",
			want:   want{method: "POST", action: "A", format: FormatXML, allParams: url.Values{"Action": {"A"}}},
		},
		{
			name:   "a body without content type is not read",
			method: http.MethodPost,
			target: "/?Action=A",
			body:   "TaskName=x",
			want:   want{method: "POST", action: "A", format: FormatXML, allParams: url.Values{"Action": {"A"}}},
		},
		{
			name:   "query and body merged, both values kept, query first",
			method: http.MethodPost,
			target: "/?Action=A&TaskName=from-query",
			header: map[string]string{"Content-Type": formCT},
			body:   "TaskName=from-body&Version=V",
			want: want{
				method: "POST", action: "A", version: "V", format: FormatXML,
				allParams: url.Values{
					"Action":   {"A"},
					"Version":  {"V"},
					"TaskName": {"from-query", "from-body"},
				},
			},
		},
		{
			name:   "Action and Version from the x-acs headers",
			method: http.MethodPost,
			target: "/?StartTime=x",
			header: map[string]string{"x-acs-action": "CreateUserUsageDataExportTask", "x-acs-version": "2018-05-10"},
			want: want{
				method: "POST", action: "CreateUserUsageDataExportTask", version: "2018-05-10", format: FormatXML,
				allParams: url.Values{"StartTime": {"x"}}, // headers do not become parameters
			},
		},
		{
			name:   "the parameter wins over the header",
			method: http.MethodPost,
			target: "/?Action=FromParam&Version=1999-01-01",
			header: map[string]string{"x-acs-action": "FromHeader", "x-acs-version": "2018-05-10"},
			want:   want{method: "POST", action: "FromParam", version: "1999-01-01", format: FormatXML},
		},
		{
			name:   "an empty parameter falls back to the header",
			method: http.MethodPost,
			target: "/?Action=&Version=",
			header: map[string]string{"x-acs-action": "FromHeader", "x-acs-version": "2018-05-10"},
			want:   want{method: "POST", action: "FromHeader", version: "2018-05-10", format: FormatXML},
		},
		{
			name:   "AccessKeyId from the parameter",
			method: http.MethodGet,
			target: "/?AccessKeyId=AKID&Action=A",
			want:   want{method: "GET", action: "A", ak: "AKID", format: FormatXML},
		},
		{
			name:   "AccessKeyId from the ACS3 Authorization header",
			method: http.MethodPost,
			target: "/?Action=A",
			header: map[string]string{"Authorization": testACS3Auth},
			want:   want{method: "POST", action: "A", ak: "AK-FROM-HEADER", acs3: true, format: FormatJSON},
		},
		{
			name:   "ACS3 credential not first, spaces after commas",
			method: http.MethodPost,
			target: "/",
			header: map[string]string{"Authorization": "ACS3-HMAC-SHA256 SignedHeaders=host, Credential=AK2, Signature=00"},
			want:   want{method: "POST", ak: "AK2", acs3: true, format: FormatJSON},
		},
		{
			name:   "AccessKeyId parameter wins over the ACS3 credential",
			method: http.MethodPost,
			target: "/?AccessKeyId=AK-PARAM",
			header: map[string]string{"Authorization": testACS3Auth},
			want:   want{method: "POST", ak: "AK-PARAM", acs3: true, format: FormatJSON},
		},
		{
			name:   "another Authorization scheme is not ACS3",
			method: http.MethodPost,
			target: "/",
			header: map[string]string{"Authorization": "Bearer Credential=AK"},
			want:   want{method: "POST", ak: "", acs3: false, format: FormatXML},
		},
		// Format selection.
		{name: "Format=JSON", method: http.MethodGet, target: "/?Format=JSON",
			want: want{method: "GET", format: FormatJSON}},
		{name: "Format=json", method: http.MethodGet, target: "/?Format=json",
			want: want{method: "GET", format: FormatJSON}},
		{name: "Format=XML", method: http.MethodGet, target: "/?Format=XML",
			want: want{method: "GET", format: FormatXML}},
		{name: "Format=xml", method: http.MethodGet, target: "/?Format=xml",
			want: want{method: "GET", format: FormatXML}},
		{name: "Format=XML wins over ACS3 and Accept", method: http.MethodPost, target: "/?Format=XML",
			header: map[string]string{"Authorization": testACS3Auth, "Accept": "application/json"},
			want:   want{method: "POST", ak: "AK-FROM-HEADER", acs3: true, format: FormatXML}},
		{name: "Format from the form body", method: http.MethodPost, target: "/",
			header: map[string]string{"Content-Type": formCT}, body: "Format=JSON",
			want: want{method: "POST", format: FormatJSON}},
		{name: "no Format, ACS3: JSON", method: http.MethodPost, target: "/",
			header: map[string]string{"Authorization": testACS3Auth},
			want:   want{method: "POST", ak: "AK-FROM-HEADER", acs3: true, format: FormatJSON}},
		{name: "no Format, Accept application/json: JSON", method: http.MethodGet, target: "/",
			header: map[string]string{"Accept": "application/json"},
			want:   want{method: "GET", format: FormatJSON}},
		{name: "no Format, Accept Application/JSON among others: JSON", method: http.MethodGet, target: "/",
			header: map[string]string{"Accept": "text/html, Application/JSON;q=0.9"},
			want:   want{method: "GET", format: FormatJSON}},
		{name: "no Format, Accept text/xml: XML", method: http.MethodGet, target: "/",
			header: map[string]string{"Accept": "text/xml"},
			want:   want{method: "GET", format: FormatXML}},
		{name: "no Format: XML", method: http.MethodGet, target: "/",
			want: want{method: "GET", format: FormatXML}},
		{name: "Format=YAML", method: http.MethodGet, target: "/?Format=YAML",
			want: want{method: "GET", format: FormatXML,
				errStatus: 400, errCode: "InvalidParameter.Format", errMsg: "format is not valid"}},
		{name: "Format=YAML from an ACS3 client is answered in JSON", method: http.MethodPost, target: "/?Format=YAML",
			header: map[string]string{"Authorization": testACS3Auth},
			want: want{method: "POST", ak: "AK-FROM-HEADER", acs3: true, format: FormatJSON,
				errStatus: 400, errCode: "InvalidParameter.Format"}},
		// Broken encodings.
		{name: "broken percent-escape in a query value names the parameter", method: http.MethodGet,
			target: "/?Action=A&TaskName=ab%zz&Format=JSON",
			// Decoding goes on past the broken pair, so the error goes out in
			// the Format asked for after it.
			want: want{method: "GET", action: "A", format: FormatJSON,
				params:    url.Values{"Action": {"A"}, "Format": {"JSON"}},
				errStatus: 400, errCode: "InvalidParameter", errMsg: `parameter "TaskName" is not valid`}},
		{name: "broken percent-escape in a body value names the parameter", method: http.MethodPost, target: "/?Format=JSON",
			header: map[string]string{"Content-Type": formCT}, body: "Action=A&StartTime=2015%2",
			want: want{method: "POST", action: "A", format: FormatJSON,
				errStatus: 400, errCode: "InvalidParameter", errMsg: `parameter "StartTime" is not valid`}},
		{name: "broken percent-escape in a key names the raw key", method: http.MethodGet, target: "/?Task%G1Name=x",
			want: want{method: "GET", format: FormatXML,
				errStatus: 400, errCode: "InvalidParameter", errMsg: `parameter "Task%G1Name" is not valid`}},
		{name: "a broken query still lets the body be read", method: http.MethodPost, target: "/?a=%",
			header: map[string]string{"Content-Type": formCT}, body: "Format=JSON",
			want: want{method: "POST", format: FormatJSON,
				errStatus: 400, errCode: "InvalidParameter", errMsg: `parameter "a" is not valid`}},
		// Body limit.
		{name: "body over the limit", method: http.MethodPost, target: "/?Format=JSON",
			header: map[string]string{"Content-Type": formCT}, body: "TaskName=12345", maxBody: 13,
			want: want{method: "POST", format: FormatJSON,
				errStatus: 413, errCode: "Mock.RequestTooLarge", errMsg: "limit of 13 bytes"}},
		{name: "body exactly at the limit", method: http.MethodPost, target: "/",
			header: map[string]string{"Content-Type": formCT}, body: "TaskName=1234", maxBody: 13,
			want: want{method: "POST", format: FormatXML, allParams: url.Values{"TaskName": {"1234"}}}},
		{name: "the limit does not apply to the query", method: http.MethodPost,
			target: "/?TaskName=" + strings.Repeat("x", 100), maxBody: 13,
			want: want{method: "POST", format: FormatXML, params: url.Values{"TaskName": {strings.Repeat("x", 100)}}}},
		// Decoding details.
		{name: "plus decodes to space, %2B to plus", method: http.MethodGet, target: "/?TaskName=a+b%2Bc%20d",
			want: want{method: "GET", format: FormatXML, params: url.Values{"TaskName": {"a b+c d"}}}},
		{name: "plus in a form body decodes to space", method: http.MethodPost, target: "/",
			header: map[string]string{"Content-Type": formCT}, body: "TaskName=a+b",
			want: want{method: "POST", format: FormatXML, params: url.Values{"TaskName": {"a b"}}}},
		{name: "repeated keys are kept, in order", method: http.MethodGet, target: "/?Name.1=x&Name.2=y&Name.1=z",
			want: want{method: "GET", format: FormatXML,
				allParams: url.Values{"Name.1": {"x", "z"}, "Name.2": {"y"}}}},
		{name: "empty pairs skipped, key without = is an empty value", method: http.MethodGet,
			target: "/?&&Flag&Empty=&x=1&",
			want: want{method: "GET", format: FormatXML,
				allParams: url.Values{"Flag": {""}, "Empty": {""}, "x": {"1"}}}},
		{name: "semicolon stays inside a value", method: http.MethodGet, target: "/?TaskName=a;b&x=1",
			want: want{method: "GET", format: FormatXML, params: url.Values{"TaskName": {"a;b"}, "x": {"1"}}}},
		{name: "UTF-8 and reserved characters", method: http.MethodGet,
			target: "/?TaskName=a%20b%2Bc*d~e%2Ff%3Ag(h)!%27i%26j%3Dk%25l%20%E4%B8%AD%E6%96%87",
			want: want{method: "GET", format: FormatXML,
				params: url.Values{"TaskName": {"a b+c*d~e/f:g(h)!'i&j=k%l 中文"}}}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body *strings.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			var r *http.Request
			if body != nil {
				r = httptest.NewRequest(tt.method, tt.target, body)
			} else {
				r = httptest.NewRequest(tt.method, tt.target, nil)
			}
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			maxBody := tt.maxBody
			if maxBody == 0 {
				maxBody = 1 << 20
			}

			c := new(Call)
			err := c.Decode(r, sp, maxBody)
			if c == nil {
				t.Fatal("Decode returned no Call")
			}
			w := tt.want
			if c.Method != w.method {
				t.Errorf("Method %q, want %q", c.Method, w.method)
			}
			if w.errStatus == 0 || w.action != "" { // after a failed decode Action may be unset
				if c.Action != w.action {
					t.Errorf("Action %q, want %q", c.Action, w.action)
				}
			}
			if w.errStatus == 0 && c.Version != w.version {
				t.Errorf("Version %q, want %q", c.Version, w.version)
			}
			if c.AccessKeyID != w.ak {
				t.Errorf("AccessKeyID %q, want %q", c.AccessKeyID, w.ak)
			}
			if c.ACS3 != w.acs3 {
				t.Errorf("ACS3 %v, want %v", c.ACS3, w.acs3)
			}
			if c.Format != w.format {
				t.Errorf("Format %q, want %q", c.Format, w.format)
			}
			for k, vs := range w.params {
				if got := c.Params[k]; !reflect.DeepEqual(got, vs) {
					t.Errorf("Params[%q] = %q, want %q", k, got, vs)
				}
			}
			if w.allParams != nil && !reflect.DeepEqual(c.Params, w.allParams) {
				t.Errorf("Params = %q, want %q", c.Params, w.allParams)
			}

			switch {
			case w.errStatus == 0 && err != nil:
				t.Errorf("unexpected error %v", err)
			case w.errStatus != 0 && err == nil:
				t.Errorf("no error, want %d %s", w.errStatus, w.errCode)
			case w.errStatus != 0:
				if err.Status != w.errStatus || err.Code != w.errCode {
					t.Errorf("error %d %s, want %d %s", err.Status, err.Code, w.errStatus, w.errCode)
				}
				if !strings.Contains(err.Message, w.errMsg) {
					t.Errorf("error message %q, want it to contain %q", err.Message, w.errMsg)
				}
			}
		})
	}
}

// TestDecodeCallNoBody checks a request whose Body is nil, as a
// hand-built *http.Request may have.
func TestDecodeCallNoBody(t *testing.T) {
	sp := shippedSpecForTest(t)
	r := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/", RawQuery: "Action=A"},
		Header: http.Header{"Content-Type": {formCT}}}
	c := new(Call)
	err := c.Decode(r, sp, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if c.Action != "A" || c.Format != FormatXML {
		t.Errorf("got Action %q Format %q", c.Action, c.Format)
	}
}

// TestDecodeRepeatedParams: first values share one backing array, so a
// second value must not overwrite the next parameter's first.
func TestDecodeRepeatedParams(t *testing.T) {
	sp := shippedSpecForTest(t)
	r := httptest.NewRequest(http.MethodPost, "/?A=1&B=2&A=3&C=4&B=5&A=6", strings.NewReader("C=7&D=8"))
	r.Header.Set("Content-Type", formCT)
	c := new(Call)
	err := c.Decode(r, sp, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"A": {"1", "3", "6"}, "B": {"2", "5"}, "C": {"4", "7"}, "D": {"8"}}
	if !reflect.DeepEqual(c.Params, want) {
		t.Errorf("params %v, want %v", c.Params, want)
	}
}
