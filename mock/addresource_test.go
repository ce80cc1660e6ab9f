package mock_test

import (
	"net/http"
	"net/url"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// A stateful resource written only as spec and fixture data: certificates
// that an account uploads (a daily quota of 2), that go from pending to
// issued on the server's clock, and that it lists, describes, renames and
// deletes.
const certResources = `
cert:
  key: CertName
  perAccount: 10
  created: CreateTime
  modified: UpdateTime
  status:
    field: State
    initial: pending
    transitions: [{from: pending, to: issued, after: 30s}]
`

const certQuotas = `
cert: {daily: 2}
`

var certOps = map[string]string{
	"UploadCert": `
post:
  operationId: UploadCert
  x-acs-methods: [POST]
  x-mock-state:
    resource: cert
    do: create
    fields: {CertName: "{{ .Params.CertName }}", CertId: "{{ json .Seq }}", Note: "{{ .Params.Note }}"}
    quota: {use: cert, error: QuotaExceeded.Cert}
    exists: CertName.Duplicated
  parameters:
    - {name: CertName, in: query, required: true, schema: {type: string, example: a}}
    - {name: Note, in: query, schema: {type: string, example: hello}}
  responses: {"200": {description: OK, content: {application/json: {schema: {type: object, properties: {RequestId: {type: string}, CertId: {type: integer}}}}}}}
  x-acs-errors:
    - {code: QuotaExceeded.Cert, status: 400, message: Too many certificates today.}
    - {code: CertName.Duplicated, status: 400, message: The name is taken.}
`,
	"ListCerts": `
post:
  operationId: ListCerts
  x-acs-methods: [POST]
  x-mock-state:
    resource: cert
    do: list
    filters: [{param: State, field: State}]
    page: {size: PageSize, number: PageNumber}
    show: {Name: "{{ .CertName }}", State: "{{ .State }}"}
  parameters:
    - {name: State, in: query, schema: {type: string, enum: [pending, issued]}}
    - {name: PageSize, in: query, schema: {type: integer, default: 2}}
    - {name: PageNumber, in: query, schema: {type: integer, default: 1}}
  responses: {"200": {description: OK, content: {application/json: {schema: {type: object, properties: {
    RequestId: {type: string}, Total: {type: integer},
    Certs: {type: array, items: {type: object, additionalProperties: false, properties: {Name: {type: string}, State: {type: string}}}}}}}}}}
`,
	"DescribeCert": `
post:
  operationId: DescribeCert
  x-acs-methods: [POST]
  x-mock-state: {resource: cert, do: get, find: {CertName: CertName}, notFound: CertNotFound}
  parameters:
    - {name: CertName, in: query, required: true, schema: {type: string, example: a}}
  responses: {"200": {description: OK, content: {application/json: {schema: {type: object, properties: {
    RequestId: {type: string}, State: {type: string}, Note: {type: string}, UpdateTime: {type: string}}}}}}}
  x-acs-errors: [{code: CertNotFound, status: 404, message: No such certificate.}]
`,
	"RenameCert": `
post:
  operationId: RenameCert
  x-acs-methods: [POST]
  x-mock-state: {resource: cert, do: update, find: {CertName: CertName}, fields: {Note: "{{ .Params.Note }}"}, notFound: CertNotFound}
  parameters:
    - {name: CertName, in: query, required: true, schema: {type: string, example: a}}
    - {name: Note, in: query, schema: {type: string, example: b}}
  responses: {"200": {description: OK, content: {application/json: {schema: {type: object, properties: {RequestId: {type: string}}}}}}}
  x-acs-errors: [{code: CertNotFound, status: 404, message: No such certificate.}]
`,
	"DeleteCert": `
post:
  operationId: DeleteCert
  x-acs-methods: [POST]
  x-mock-state: {resource: cert, do: delete, find: {CertName: CertName}, notFound: CertNotFound}
  parameters:
    - {name: CertName, in: query, required: true, schema: {type: string, example: a}}
  responses: {"200": {description: OK, content: {application/json: {schema: {type: object, properties: {RequestId: {type: string}}}}}}}
  x-acs-errors: [{code: CertNotFound, status: 404, message: No such certificate.}]
`,
}

var certFixtures = map[string]string{
	"UploadCert":   `{"RequestId": "{{ .RequestId }}", "CertId": "{{ json .Item.CertId }}"}`,
	"ListCerts":    `{"RequestId": "{{ .RequestId }}", "Total": "{{ json .List.Total }}", "Certs": "{{ json .List.Items }}"}`,
	"DescribeCert": `{"RequestId": "{{ .RequestId }}", "State": "{{ .Item.State }}", "Note": "{{ .Item.Note }}", "UpdateTime": "{{ .Item.UpdateTime }}"}`,
	"RenameCert":   `{"RequestId": "{{ .RequestId }}"}`,
	"DeleteCert":   `{"RequestId": "{{ .RequestId }}"}`,
}

// specWithResource is the shipped spec with one more resource, its quotas
// and its operations.
func specWithResource(t *testing.T) []byte {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(shippedSpec(t)), &doc); err != nil {
		t.Fatal(err)
	}
	add := func(key, text string) {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(text), &m); err != nil {
			t.Fatal(err)
		}
		for k, v := range m {
			doc[key].(map[string]any)[k] = v
		}
	}
	add("x-mock-resources", certResources)
	add("x-mock-quotas", certQuotas)
	for name, op := range certOps {
		add("paths", "/?Action="+name+":\n"+indent(op))
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func indent(s string) string {
	out := ""
	for _, l := range splitLines(s) {
		if l != "" {
			out += "  " + l
		}
		out += "\n"
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// TestResourceAsData proves that a stateful resource is data: the unchanged
// server keeps certificates per account, moves their state on its clock,
// counts their quota, pages and filters their list, and finds, updates and
// deletes them by name.
func TestResourceAsData(t *testing.T) {
	files := fstest.MapFS{}
	for name, fx := range certFixtures {
		files[name+"/success.json"] = &fstest.MapFile{Data: []byte(fx)}
	}
	srv, ts := newServer(t, mock.Config{Spec: specWithResource(t), SpecFile: "spec.yaml", Fixtures: withShippedFixtures(t, files), Scenarios: fstest.MapFS{}})

	do := func(ak, action string, kv ...string) reply {
		t.Helper()
		v := url.Values{"Action": {action}, "Version": {"2018-05-10"}, "Format": {"JSON"}, "AccessKeyId": {ak}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return call(t, ts, http.MethodPost, v, nil)
	}
	expect := func(r reply, status int, code string) {
		t.Helper()
		if r.status != status || r.str("Code") != code {
			t.Fatalf("%d %s, want %d %q", r.status, r.body, status, code)
		}
	}

	first := do("AK1", "UploadCert", "CertName", "a", "Note", "first")
	expect(first, 200, "")
	if id, _ := first.fields["CertId"].(float64); id <= 0 {
		t.Errorf("CertId %v: the create's .Item", first.fields["CertId"])
	}
	expect(do("AK1", "UploadCert", "CertName", "a"), 400, "CertName.Duplicated")
	srv.Clock().Advance(10 * time.Second)
	expect(do("AK1", "UploadCert", "CertName", "b"), 200, "")
	expect(do("AK1", "UploadCert", "CertName", "c"), 400, "QuotaExceeded.Cert") // 2 a day
	expect(do("AK2", "UploadCert", "CertName", "a"), 200, "")                   // another account: its own names and quota

	r := do("AK1", "DescribeCert", "CertName", "a")
	if r.status != 200 || r.str("State") != "pending" || r.str("Note") != "first" {
		t.Errorf("before 30s: %s", r.body)
	}
	srv.Clock().Advance(20 * time.Second) // a: 30s old; b: 20s
	r = do("AK1", "ListCerts", "State", "issued")
	if r.fields["Total"] != 1.0 || r.body == "" || len(r.fields["Certs"].([]any)) != 1 {
		t.Errorf("issued after 30s, the filter: %s", r.body)
	}
	r = do("AK1", "ListCerts", "PageSize", "1", "PageNumber", "2")
	certs, _ := r.fields["Certs"].([]any)
	if r.fields["Total"] != 2.0 || len(certs) != 1 || certs[0].(map[string]any)["Name"] != "a" {
		t.Errorf("page 2 of 1, newest first: %s", r.body)
	}

	srv.Clock().Advance(time.Minute)
	expect(do("AK1", "RenameCert", "CertName", "a", "Note", "second"), 200, "")
	r = do("AK1", "DescribeCert", "CertName", "a")
	if r.str("Note") != "second" || r.str("State") != "issued" || r.str("UpdateTime") != testNow.Add(90*time.Second).Format("2006-01-02T15:04:05Z") {
		t.Errorf("after the update: %s", r.body)
	}
	expect(do("AK1", "DeleteCert", "CertName", "a"), 200, "")
	expect(do("AK1", "DescribeCert", "CertName", "a"), 404, "CertNotFound")
	expect(do("AK1", "DeleteCert", "CertName", "a"), 404, "CertNotFound")
	expect(do("AK2", "DescribeCert", "CertName", "a"), 200, "") // AK2's own is still there

	srv.Clock().Advance(24 * time.Hour) // a new day: the quota is whole again
	expect(do("AK1", "UploadCert", "CertName", "c"), 200, "")
}
