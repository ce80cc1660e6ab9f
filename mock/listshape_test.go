package mock_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// A stateless list written only as data: nested pages (one per array
// element, as DescribeCdnDomainLogs has, each with the count of the items
// it shows), and ids echoed at the top and in every item.
const thingLogsOp = `
post:
  operationId: DescribeThingLogs
  x-acs-methods: [GET, POST]
  parameters:
    - {name: DomainName, in: query, required: true, schema: {type: string}}
    - {name: PageNumber, in: query, schema: {type: integer, minimum: 1, default: 1}}
    - {name: PageSize, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 2}}
    - {name: Limit, in: query, schema: {type: integer}}
    - {name: Brief, in: query, schema: {type: boolean}}
  x-mock-page:
    - items: Details.Detail[].Logs.Log
      number: {field: "Details.Detail[].Page.PageIndex", param: PageNumber}
      size: {field: "Details.Detail[].Page.PageSize", param: PageSize}
      total: Details.Detail[].Page.Total
      count: Details.Detail[].Shown
  x-mock-echo:
    Domain: DomainName
    Details.Detail[].DomainName: DomainName
    Limit: Limit
  responses:
    "200":
      description: OK
      content:
        application/json:
          schema:
            type: object
            additionalProperties: false
            properties:
              RequestId: {type: string}
              Domain: {type: string}
              Limit: {type: integer}
              Details:
                type: object
                properties:
                  Detail:
                    type: array
                    items:
                      type: object
                      properties:
                        DomainName: {type: string}
                        Shown: {type: integer}
                        Logs:
                          type: object
                          properties:
                            Log:
                              type: array
                              items: {type: object, properties: {Name: {type: string}}}
                        Page:
                          type: object
                          properties:
                            PageIndex: {type: integer}
                            PageSize: {type: integer}
                            Total: {type: integer}
`

const thingLogsFixture = `{
  "RequestId": "{{ .RequestId }}",
  "Domain": "example.com",
  "Limit": 7,
  "Details": {"Detail": [
    {"DomainName": "example.com", "Shown": 10, "Logs": {"Log": [{"Name": "a"}, {"Name": "b"}, {"Name": "c"}]},
     "Page": {"PageIndex": 1, "PageSize": 20, "Total": 20}},
    {"DomainName": "{{ .Action }}", "Shown": 10, "Logs": {"Log": [{"Name": "d"}]},
     "Page": {"PageIndex": 1, "PageSize": 20, "Total": 20}}
  ]}
}`

func thingServer(t *testing.T, op string) (*mock.Server, error) {
	t.Helper()
	return mock.New(mock.Config{
		Spec: specWithOperation(t, "DescribeThingLogs", op), SpecFile: "spec.yaml", Scenarios: fstest.MapFS{},
		Fixtures: withShippedFixtures(t, fstest.MapFS{"DescribeThingLogs/success.json": {Data: []byte(thingLogsFixture)}}),
	})
}

// TestListShapeAsData: x-mock-page and x-mock-echo added to a copy of the
// spec, with no Go change, page nested lists and echo the request, in
// JSON and XML alike.
func TestListShapeAsData(t *testing.T) {
	srv, err := thingServer(t, thingLogsOp)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	t.Cleanup(srv.Close)
	get := func(kv ...string) (map[string]any, any) {
		v := url.Values{"Action": {"DescribeThingLogs"}, "Version": {"2018-05-10"}, "Format": {"JSON"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		r := call(t, ts, http.MethodGet, v, nil)
		if r.status != 200 {
			t.Fatalf("%v: %d %s", kv, r.status, r.body)
		}
		v.Set("Format", "XML")
		x := call(t, ts, http.MethodGet, v, nil)
		return normalize(t, r.body), xmlAsJSON(t, x.body)
	}

	body, asXML := get("DomainName", "a.com", "PageNumber", "2", "PageSize", "2")
	want := `{"RequestId":"R","Domain":"a.com","Limit":7,"Details":{"Detail":[
	  {"DomainName":"a.com","Shown":1,"Logs":{"Log":[{"Name":"c"}]},"Page":{"PageIndex":2,"PageSize":2,"Total":3}},
	  {"DomainName":"DescribeThingLogs","Shown":0,"Logs":{"Log":[]},"Page":{"PageIndex":2,"PageSize":2,"Total":1}}]}}`
	if !reflect.DeepEqual(body, normalize(t, want)) {
		t.Errorf("page 2 of size 2:\n got %v\nwant %v", body, normalize(t, want))
	}
	if !reflect.DeepEqual(asXML, xmlShape(body)) {
		t.Errorf("XML disagrees with JSON:\n XML %v\nJSON %v", asXML, xmlShape(body))
	}

	// Defaults fill in (page 1 of 2); a comma list is not echoed into
	// items, only at the top; an integer takes only an integer.
	body, _ = get("DomainName", "a.com,b.com", "Limit", "12")
	want = `{"RequestId":"R","Domain":"a.com,b.com","Limit":12,"Details":{"Detail":[
	  {"DomainName":"example.com","Shown":2,"Logs":{"Log":[{"Name":"a"},{"Name":"b"}]},"Page":{"PageIndex":1,"PageSize":2,"Total":3}},
	  {"DomainName":"DescribeThingLogs","Shown":1,"Logs":{"Log":[{"Name":"d"}]},"Page":{"PageIndex":1,"PageSize":2,"Total":1}}]}}`
	if !reflect.DeepEqual(body, normalize(t, want)) {
		t.Errorf("defaults and a comma list:\n got %v\nwant %v", body, normalize(t, want))
	}
}

// TestListShapeStringPageParams: page parameters typed string (as the
// metadata types those of the export-task lists) page the same way; a
// value that is not a positive integer is page 1 of every item.
func TestListShapeStringPageParams(t *testing.T) {
	op := strings.NewReplacer(
		"{name: PageNumber, in: query, schema: {type: integer, minimum: 1, default: 1}}", "{name: PageNumber, in: query, schema: {type: string}}",
		"{name: PageSize, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 2}}", "{name: PageSize, in: query, schema: {type: string}}",
	).Replace(thingLogsOp)
	if !strings.Contains(op, "PageNumber, in: query, schema: {type: string}") || !strings.Contains(op, "PageSize, in: query, schema: {type: string}") {
		t.Fatalf("the page parameters were not replaced:\n%s", op)
	}
	srv, err := thingServer(t, op)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	t.Cleanup(srv.Close)
	for _, tc := range []struct{ number, size, want string }{
		{"2", "2", `[{"Name":"c"}] {"PageIndex":2,"PageSize":2,"Total":3}`},
		{"x", "2", `[{"Name":"a"},{"Name":"b"}] {"PageIndex":1,"PageSize":2,"Total":3}`},
		{"1", "-1", `[{"Name":"a"},{"Name":"b"},{"Name":"c"}] {"PageIndex":1,"PageSize":3,"Total":3}`},
	} {
		v := url.Values{"Action": {"DescribeThingLogs"}, "Version": {"2018-05-10"}, "Format": {"JSON"},
			"DomainName": {"a.com"}, "PageNumber": {tc.number}, "PageSize": {tc.size}}
		r := call(t, ts, http.MethodGet, v, nil)
		var body struct {
			Details struct {
				Detail []struct {
					Logs struct{ Log json.RawMessage }
					Page json.RawMessage
				}
			}
		}
		if err := json.Unmarshal([]byte(r.body), &body); err != nil || r.status != 200 || len(body.Details.Detail) == 0 {
			t.Fatalf("page %s of %s: %d %s", tc.number, tc.size, r.status, r.body)
		}
		d := body.Details.Detail[0]
		if got := string(d.Logs.Log) + " " + string(d.Page); got != tc.want {
			t.Errorf("page %s of %s: %s, want %s", tc.number, tc.size, got, tc.want)
		}
	}
}

// TestListShapeLoadErrors: a broken x-mock-page or x-mock-echo stops the
// server with the file, line and field, and a did-you-mean for a typo.
func TestListShapeLoadErrors(t *testing.T) {
	cases := []struct{ name, from, to, want string }{
		{"items path typo", "items: Details.Detail[].Logs.Log", "items: Details.Detial[].Logs.Log",
			`x-mock-page\.0\.items: Details has no field Detial; did you mean "Detail"\?`},
		{"items not an array", "items: Details.Detail[].Logs.Log", "items: Details.Detail[].Logs",
			`x-mock-page\.0\.items: Details\.Detail\[\]\.Logs is object in the response schema, not array`},
		{"[] on an object", "items: Details.Detail[].Logs.Log", "items: Details[].Detail",
			`x-mock-page\.0\.items: Details is object, not an array`},
		{"total not an integer", "total: Details.Detail[].Page.Total", "total: Details.Detail[].DomainName",
			`x-mock-page\.0\.total: .* is string in the response schema, not integer`},
		{"count not an integer", "count: Details.Detail[].Shown", "count: Details.Detail[].DomainName",
			`x-mock-page\.0\.count: .* is string in the response schema, not integer`},
		{"a top-level total counts every list (allowed)", "total: Details.Detail[].Page.Total", "total: Limit",
			``},
		{"unknown param", "param: PageSize}", "param: PageSzie}",
			`x-mock-page\.0\.size\.param: PageSzie is not a parameter of DescribeThingLogs; did you mean "PageSize"\?`},
		{"param of another type", "Limit: Limit", "Limit: DomainName",
			`x-mock-echo\.Limit: the parameter DomainName is string, not integer`},
		{"echo path typo", "Domain: DomainName", "Domian: DomainName",
			`x-mock-echo\.Domian: the response has no field Domian; did you mean "Domain"\?`},
		{"unknown key", "total: Details", "totals: Details",
			`x-mock-page: malformed: unknown field "totals"`},
		// A page field under [] must step into the items' arrays: one page per element.
		{"page field not beside its items", "items: Details.Detail[].Logs.Log", "items: Details.Detail",
			`x-mock-page\.0\.number\.field: Details\.Detail\[\]\.Page\.PageIndex is not beside the items Details\.Detail: it must step into the same arrays \(\[\]\) first`},
		{"page param neither integer nor string", "param: PageSize}", "param: Brief}",
			`x-mock-page\.0\.size\.param: the parameter Brief is boolean, not integer or string`},
		{"a string page param (allowed)", "param: PageSize}", "param: DomainName}",
			``},
		{"x-mock-page with x-mock-state", "  x-mock-page:\n", "  x-mock-state: {resource: domain, do: list}\n  x-mock-page:\n",
			`x-mock-page: an operation with x-mock-state shows its state's items: page them with x-mock-state's page, not x-mock-page`},
		{"x-mock-echo with x-mock-state", "  x-mock-page:\n", "  x-mock-state: {resource: domain, do: list}\n  x-mock-page:\n",
			`x-mock-echo: an operation with x-mock-state shows its state's items: page them with x-mock-state's page, not x-mock-echo`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			op := strings.Replace(thingLogsOp, tc.from, tc.to, 1)
			if op == thingLogsOp {
				t.Fatalf("%q is not in the operation", tc.from)
			}
			if strings.HasPrefix(tc.name, "x-mock-echo") { // the echo alone, with the state
				op = regexp.MustCompile(`(?s)  x-mock-page:.*?  x-mock-echo:`).ReplaceAllString(op, "  x-mock-echo:")
			}
			_, err := thingServer(t, op)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("want it to load: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("the server started")
			}
			const at = `paths./?Action=DescribeThingLogs.post.`
			re := regexp.MustCompile(`spec\.yaml:([1-9][0-9]*): ` + regexp.QuoteMeta(at) + tc.want)
			m := re.FindStringSubmatch(err.Error())
			if m == nil {
				t.Fatalf("got %v\nwant it to match %s", err, re)
			}
			// The line is the named field's, in the spec the server read.
			field := at + strings.SplitN(m[0][len(`spec.yaml:`+m[1]+`: `+at):], ":", 2)[0]
			if lines := yamlLines(t, specWithOperation(t, "DescribeThingLogs", op), field); !slices.Contains(lines, m[1]) {
				t.Errorf("%s is at line %s, not on line %s of the spec", field, strings.Join(lines, " or "), m[1])
			}
		})
	}
}

// TestListShapeFixtureGaps: a success fixture that does not fill a place
// an x-mock-page or x-mock-echo path names (a key missing, a null, no
// array where one is wanted) stops the server with the fixture's file,
// line and field; a template there, or an empty list, is fine.
func TestListShapeFixtureGaps(t *testing.T) {
	const lastPage = `"Page": {"PageIndex": 1, "PageSize": 20, "Total": 20}}` + "\n  ]}"
	cases := []struct{ name, from, to, want string }{
		{"a total missing", lastPage, `"Page": {"PageIndex": 1, "PageSize": 20}}` + "\n  ]}",
			`:9: Details\.Detail\.1\.Page: has no Total, where x-mock-page's total Details\.Detail\[\]\.Page\.Total needs a value \(a literal, a template or a splice\)`},
		{"a page object missing", lastPage, `"Pages": {}}` + "\n  ]}",
			`:8: Details\.Detail\.1: has no Page, where x-mock-page's number field Details\.Detail\[\]\.Page\.PageIndex needs a value`},
		{"a count missing", `{"DomainName": "example.com", "Shown": 10,`, `{"DomainName": "example.com",`,
			`:6: Details\.Detail\.0: has no Shown, where x-mock-page's count Details\.Detail\[\]\.Shown needs a value`},
		{"an echoed field null", `"Limit": 7`, `"Limit": null`,
			`:4: Limit: is null, where x-mock-echo's path Limit needs a value`},
		{"an echoed field missing", `"Domain": "example.com",`, ``,
			`:1: has no Domain, where x-mock-echo's path Domain needs a value`},
		{"items not an array", `"Logs": {"Log": [{"Name": "d"}]}`, `"Logs": {"Log": {"Name": "d"}}`,
			`:8: Details\.Detail\.1\.Logs\.Log: is not an array, where x-mock-page's items Details\.Detail\[\]\.Logs\.Log needs a value`},
		{"a splice fills it (allowed)", `"Limit": 7`, `"Limit": "{{ json 7 }}"`, ``},
		{"a splice fills the list (allowed)", `"Logs": {"Log": [{"Name": "d"}]}`, `"Logs": {"Log": "{{ json (parseJSON \"[]\") }}"}`, ``},
		{"a splice fills the page object (allowed)", lastPage, `"Page": "{{ json (dict \"Total\" 1) }}"}` + "\n  ]}", ``},
		{"no items to page (allowed)", `"Details": {"Detail": [`, `"Details": {"Detail": [], "Old": [`, ``},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fx := strings.Replace(thingLogsFixture, tc.from, tc.to, 1)
			if fx == thingLogsFixture {
				t.Fatalf("%q is not in the fixture", tc.from)
			}
			_, err := mock.New(mock.Config{
				Spec: specWithOperation(t, "DescribeThingLogs", thingLogsOp), SpecFile: "spec.yaml", Scenarios: fstest.MapFS{},
				Fixtures: withShippedFixtures(t, fstest.MapFS{"DescribeThingLogs/success.json": {Data: []byte(fx)}}),
			})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("want it to load: %v", err)
				}
				return
			}
			re := regexp.MustCompile(`DescribeThingLogs/success\.json` + tc.want)
			if err == nil || !re.MatchString(err.Error()) {
				t.Errorf("got %v\nwant it to match %s", err, re)
			}
		})
	}
}

// yamlLines are the lines of the key and the value at a dotted field of a
// YAML document ("paths./?Action=X.post.x-mock-page.0.items"; a key holds
// no dot but the path's).
func yamlLines(t *testing.T, doc []byte, field string) []string {
	t.Helper()
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		t.Fatal(err)
	}
	head, rest, _ := strings.Cut(field, ".")
	path, rest, _ := strings.Cut(rest, ".post.")
	keyLine, n := 0, root.Content[0]
	for _, step := range append([]string{head, path, "post"}, strings.Split(rest, ".")...) {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == step {
					keyLine, next = n.Content[i].Line, n.Content[i+1]
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(step); err == nil && i < len(n.Content) {
				keyLine, next = n.Content[i].Line, n.Content[i]
			}
		}
		if next == nil {
			t.Fatalf("%s: no %s in the spec", field, step)
		}
		n = next
	}
	return []string{strconv.Itoa(keyLine), strconv.Itoa(n.Line)}
}

// normalize decodes a JSON body with RequestId set aside.
func normalize(t *testing.T, body string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	v["RequestId"] = "R"
	return v
}

// xmlShape is what a JSON body looks like read back from Alibaba's XML:
// every leaf a string, an array an element repeated (a list of one or
// more; none: the key is absent), RequestId set aside.
func xmlShape(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if a, ok := x.([]any); ok && len(a) == 0 {
				continue
			}
			out[k] = xmlShape(x)
		}
		if len(out) == 0 {
			return "" // an empty element
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = xmlShape(x)
		}
		return out
	case string:
		return v
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// xmlAsJSON reads an XML body into xmlShape's form: elements repeated
// under one parent are a list, and the lists of the JSON body's arrays
// (Detail, Log) are lists even with one item.
func xmlAsJSON(t *testing.T, body string) any {
	t.Helper()
	type node struct {
		XMLName xml.Name
		Content string `xml:",chardata"`
		Nodes   []node `xml:",any"`
	}
	var root node
	if err := xml.Unmarshal([]byte(body), &root); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	lists := map[string]bool{"Detail": true, "Log": true}
	var conv func(n node) any
	conv = func(n node) any {
		if len(n.Nodes) == 0 {
			return n.Content
		}
		out := map[string]any{}
		for _, c := range n.Nodes {
			k := c.XMLName.Local
			if lists[k] {
				l, _ := out[k].([]any)
				out[k] = append(l, conv(c))
			} else {
				out[k] = conv(c)
			}
		}
		return out
	}
	m := conv(root).(map[string]any)
	m["RequestId"] = "R"
	return m
}
