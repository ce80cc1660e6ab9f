package mock_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// A second operation, written only as spec and fixture data.
const domainDetailOp = `
post:
  operationId: DescribeCdnDomainDetail
  x-acs-methods: [POST]
  parameters:
    - name: DomainName
      in: query
      required: true
      schema: {type: string, pattern: '^[a-z0-9.-]+$', example: example.com}
    - name: Detail
      in: query
      schema: {type: integer, minimum: 1, maximum: 3, default: 2}
  responses:
    "200":
      description: OK
      content:
        application/json:
          schema:
            type: object
            additionalProperties: false
            required: [RequestId, GetDomainDetailModel]
            properties:
              RequestId: {type: string}
              GetDomainDetailModel:
                type: object
                additionalProperties: false
                properties:
                  DomainName: {type: string}
                  DetailLevel: {type: string}
                  Sources:
                    type: object
                    properties:
                      SourceModel:
                        type: array
                        items:
                          type: object
                          properties:
                            Content: {type: string}
  x-acs-errors:
    - {code: InvalidDomain.NotFound, status: 404, message: The domain provided does not belong to you.}
`

const domainDetailFixture = `{
  "RequestId": "{{ .RequestId }}",
  "GetDomainDetailModel": {
    "DomainName": "{{ .Params.DomainName }}",
    "DetailLevel": "{{ .Params.Detail }}",
    "Sources": {"SourceModel": [{"Content": "1.1.1.1"}, {"Content": "2.2.2.2"}]}
  }
}`

// TestOperationAsData proves that adding an operation is data: a copy of the
// spec gains an operation and a fixture, and the unchanged server serves it,
// validates it and forces its documented error.
func TestOperationAsData(t *testing.T) {
	specBytes := specWithOperation(t, "DescribeCdnDomainDetail", domainDetailOp)
	fixtures := withShippedFixtures(t, fstest.MapFS{
		createAction + "/success.json":         {Data: shippedFixture(t, "success.json")},
		"DescribeCdnDomainDetail/success.json": {Data: []byte(domainDetailFixture)},
	})
	_, ts := newServer(t, mock.Config{Spec: specBytes, SpecFile: "spec.yaml", Fixtures: fixtures, Scenarios: fstest.MapFS{}})

	params := func(kv ...string) url.Values {
		v := url.Values{"Action": {"DescribeCdnDomainDetail"}, "Version": {"2018-05-10"}, "Format": {"JSON"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	r := call(t, ts, http.MethodPost, params("DomainName", "example.com"), nil)
	model, _ := r.fields["GetDomainDetailModel"].(map[string]any)
	if r.status != 200 || model["DomainName"] != "example.com" || model["DetailLevel"] != "2" {
		t.Errorf("success (the default Detail is 2): %d %s", r.status, r.body)
	}
	r = call(t, ts, http.MethodPost, params("DomainName", "example.com", "Format", "XML"), nil)
	const wantXML = `<GetDomainDetailModel><DomainName>example.com</DomainName><DetailLevel>2</DetailLevel>` +
		`<Sources><SourceModel><Content>1.1.1.1</Content></SourceModel><SourceModel><Content>2.2.2.2</Content></SourceModel></Sources></GetDomainDetailModel>`
	if root := xmlRoot(t, r.body); root != "DescribeCdnDomainDetailResponse" || !strings.Contains(r.body, wantXML) {
		t.Errorf("XML lists repeat their element: %s", r.body)
	}

	cases := []struct {
		name    string
		method  string
		params  url.Values
		header  string
		status  int
		code    string
		message string
	}{
		{"required parameter missing", http.MethodPost, params(), "", 400, "MissingParameter", `The input parameter "DomainName" that is mandatory for processing this request is not supplied.`},
		{"pattern broken", http.MethodPost, params("DomainName", "Bad Domain"), "", 400, "InvalidParameter", `The specified value of parameter "DomainName" is not valid.`},
		{"integer out of range", http.MethodPost, params("DomainName", "a.com", "Detail", "9"), "", 400, "InvalidParameter", `The specified value of parameter "Detail" is not valid.`},
		{"not an integer", http.MethodPost, params("DomainName", "a.com", "Detail", "two"), "", 400, "InvalidParameter", ""},
		{"method the spec does not allow", http.MethodGet, params("DomainName", "a.com"), "", 400, "UnsupportedHTTPMethod", ""},
		{"its documented error, forced", http.MethodPost, params("DomainName", "a.com"), "InvalidDomain.NotFound", 404, "InvalidDomain.NotFound", "The domain provided does not belong to you."},
		{"a common error, forced", http.MethodPost, params("DomainName", "a.com"), "ServiceUnavailable", 503, "ServiceUnavailable", ""},
		{"another operation's error scenario leaves it alone", http.MethodPost, params("DomainName", "a.com"), "InvalidTimeRange", 200, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.header != "" {
				h.Set("X-Mock-Scenario", tc.header)
			}
			r := call(t, ts, tc.method, tc.params, h)
			if r.status != tc.status || r.str("Code") != tc.code {
				t.Fatalf("%d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
			if tc.message != "" && r.str("Message") != tc.message {
				t.Errorf("Message %q, want %q", r.str("Message"), tc.message)
			}
		})
	}

	// And the first operation's error scenario does not touch the new one.
	r = call(t, ts, http.MethodPost, createParams(), http.Header{"X-Mock-Scenario": {"InvalidDomain.NotFound"}})
	if r.status != 200 {
		t.Errorf("CreateUserUsageDataExportTask under InvalidDomain.NotFound: %d %s", r.status, r.body)
	}
}
