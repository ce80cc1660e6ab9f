package mock_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/getkin/kin-openapi/openapi3"

	genfixtures "github.com/alibaba-cloud-mock/cdnmock/fixtures/generated"
	"github.com/alibaba-cloud-mock/cdnmock/mock"
	"github.com/alibaba-cloud-mock/cdnmock/spec"
	genspec "github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

// These tests serve the whole CDN API: the generated layer (every operation,
// from Alibaba's metadata) under the hand-written one (the export family).
// They read the two spec files themselves, with kin-openapi, so what they
// expect does not come from the code under test.

// layerDocs is each spec file's operations, by name.
type layerDocs struct {
	hand, gen map[string]*openapi3.Operation
}

var loadLayerDocs = sync.OnceValue(func() layerDocs {
	read := func(data []byte) map[string]*openapi3.Operation {
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			panic(err) // the server's own tests report why
		}
		ops := map[string]*openapi3.Operation{}
		for _, p := range doc.Paths.InMatchingOrder() {
			for _, o := range doc.Paths.Value(p).Operations() {
				ops[o.OperationID] = o
			}
		}
		return ops
	}
	hand, err := spec.FS.ReadFile(spec.Default)
	if err != nil {
		panic(err)
	}
	gen, err := genspec.FS.ReadFile(genspec.Default)
	if err != nil {
		panic(err)
	}
	return layerDocs{hand: read(hand), gen: read(gen)}
})

// served is the operation the server should serve for name: the
// hand-written one when there is one, else the generated one.
func (d layerDocs) served(name string) *openapi3.Operation {
	if o := d.hand[name]; o != nil {
		return o
	}
	return d.gen[name]
}

func isRepeatList(p *openapi3.Parameter) bool { return p.Extensions["x-acs-style"] == "repeatList" }

// wireValue writes an example or default as a request parameter.
func wireValue(v any) string {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// exampleValue is a value for a parameter of this schema: its example, else
// its default, else its first enum member, else one of its type.
func exampleValue(s *openapi3.Schema) string {
	for _, v := range []any{s.Example, s.Default} {
		if v != nil {
			return wireValue(v)
		}
	}
	if len(s.Enum) > 0 {
		return wireValue(s.Enum[0])
	}
	switch {
	case s.Type.Is(openapi3.TypeInteger), s.Type.Is(openapi3.TypeNumber):
		if s.Min != nil {
			return wireValue(*s.Min)
		}
		return "1"
	case s.Type.Is(openapi3.TypeBoolean):
		return "true"
	}
	return "example"
}

// exampleParams is a call of the operation with every parameter set from the
// spec's examples; a repeat list gets one item: Name.1, or Name.1.<Field>.
func exampleParams(o *openapi3.Operation) url.Values {
	v := url.Values{"Action": {o.OperationID}, "Version": {"2018-05-10"}, "Format": {"JSON"}}
	for _, ref := range o.Parameters {
		p := ref.Value
		if !isRepeatList(p) {
			v.Set(p.Name, exampleValue(p.Schema.Value))
			continue
		}
		item := p.Schema.Value.Items.Value
		if !item.Type.Is(openapi3.TypeObject) {
			v.Set(p.Name+".1", exampleValue(item))
			continue
		}
		for field, fs := range item.Properties {
			v.Set(p.Name+".1."+field, exampleValue(fs.Value))
		}
	}
	return v
}

// firstRequired is the operation's first required parameter, or nil.
func firstRequired(o *openapi3.Operation) *openapi3.Parameter {
	for _, ref := range o.Parameters {
		if ref.Value.Required {
			return ref.Value
		}
	}
	return nil
}

// without removes a parameter from a call: for a repeat list, every item.
func without(v url.Values, p *openapi3.Parameter) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k == p.Name || (isRepeatList(p) && strings.HasPrefix(k, p.Name+".")) {
			continue
		}
		out[k] = vs
	}
	return out
}

func postOrGet(o *openapi3.Operation) string {
	var methods []string
	_ = json.Unmarshal(extJSON(o.Extensions["x-acs-methods"]), &methods)
	if len(methods) > 0 && !slices.Contains(methods, http.MethodPost) {
		return http.MethodGet
	}
	return http.MethodPost
}

func extJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// exportTimes are StartTime and EndTime the export family's rules accept at
// testNow: its spec examples are years old, and data is kept for a year.
func exportTimes(v url.Values) {
	if v.Has("StartTime") && v.Has("EndTime") {
		v.Set("StartTime", testNow.Add(-48*time.Hour).Format(time.RFC3339))
		v.Set("EndTime", testNow.Add(-47*time.Hour).Format(time.RFC3339))
	}
}

// deleteCreates maps each export delete to the create whose task it deletes.
var deleteCreates = map[string]string{
	"DeleteUserUsageDataExportTask":   "CreateUserUsageDataExportTask",
	"DeleteUsageDetailDataExportTask": "CreateUsageDetailDataExportTask",
}

// setupResources makes the items an operation on existing ones needs:
// the domain its DomainName (or DomainNames) names, and a config of it
// for DeleteSpecificConfig, whose ConfigId it sets.
func setupResources(t *testing.T, ts *httptest.Server, docs layerDocs, name string, params url.Values) {
	t.Helper()
	op := docs.served(name)
	hook, _ := op.Extensions["x-mock-state"].(map[string]any)
	if hook == nil || hook["resource"] == nil || hook["do"] == "create" && hook["resource"] != "domain-config" {
		return
	}
	if cmp.Or(params.Get("DomainName"), params.Get("DomainNames")) == "" {
		return
	}
	// A domain belongs to one account on the whole server: each operation
	// (and access key) gets its own.
	domain := strings.ToLower(name) + ".example.com"
	for _, p := range []string{"DomainName", "DomainNames"} {
		if params.Has(p) {
			params.Set(p, domain)
		}
	}
	add := exampleParams(docs.served("AddCdnDomain"))
	add.Set("AccessKeyId", params.Get("AccessKeyId"))
	add.Set("DomainName", domain)
	if r := call(t, ts, http.MethodPost, add, nil); r.status != 200 {
		t.Fatalf("AddCdnDomain %s: %d %s", domain, r.status, r.body)
	}
	if name != "DeleteSpecificConfig" {
		return
	}
	set := exampleParams(docs.served("BatchSetCdnDomainConfig"))
	set.Set("AccessKeyId", params.Get("AccessKeyId"))
	set.Set("DomainNames", domain)
	r := call(t, ts, http.MethodPost, set, nil)
	models, _ := r.fields["DomainConfigList"].(map[string]any)["DomainConfigModel"].([]any)
	if r.status != 200 || len(models) == 0 {
		t.Fatalf("BatchSetCdnDomainConfig: %d %s", r.status, r.body)
	}
	params.Set("ConfigId", strconv.FormatFloat(models[0].(map[string]any)["ConfigId"].(float64), 'f', -1, 64))
}

// TestEveryOperationServed calls every operation of the CDN API twice: with
// every parameter from the spec's examples, which gets 200 and a body that
// matches the operation's response schema; and without its first required
// parameter, which gets a 400 naming it.
func TestEveryOperationServed(t *testing.T) {
	docs := loadLayerDocs()
	srv, ts := newServer(t, mock.Config{})
	names := srv.Spec().OperationNames()
	var want []string
	for name := range docs.gen {
		want = append(want, name)
	}
	for name := range docs.hand {
		if docs.gen[name] == nil {
			want = append(want, name)
		}
	}
	sort.Strings(want)
	if !slices.Equal(names, want) {
		t.Fatalf("the server serves %d operations, the two spec files define %d", len(names), len(want))
	}
	if len(names) != 166 {
		t.Errorf("%d operations, want the 166 of CDN 2018-05-10", len(names))
	}

	for _, name := range names {
		o := docs.served(name)
		t.Run(name, func(t *testing.T) {
			params := exampleParams(o)
			params.Set("AccessKeyId", "AK-ok-"+name) // rate limits are per key and operation
			if docs.hand[name] != nil {
				exportTimes(params)
			}
			setupResources(t, ts, docs, name, params)
			if create := deleteCreates[name]; create != "" {
				c := exampleParams(docs.served(create))
				exportTimes(c)
				c.Set("AccessKeyId", "AK-ok-"+name)
				r := call(t, ts, http.MethodPost, c, nil)
				if r.status != 200 {
					t.Fatalf("%s: %d %s", create, r.status, r.body)
				}
				params.Set("TaskId", r.str("TaskId"))
			}
			r := call(t, ts, postOrGet(o), params, nil)
			if r.status != 200 {
				t.Fatalf("with the spec's examples: %d %s\nparams: %v", r.status, r.body, params)
			}
			schema := o.Responses.Value("200").Value.Content.Get("application/json").Schema.Value
			var body any
			if err := json.Unmarshal([]byte(r.body), &body); err != nil {
				t.Fatal(err)
			}
			if err := schema.VisitJSON(body); err != nil {
				t.Errorf("the body does not match the response schema: %v\n%s", err, r.body)
			}
			if es := srv.Requests(mock.RequestFilter{AccessKeyID: "AK-ok-" + name, Action: name}); len(es) == 0 || len(es[len(es)-1].Violations) > 0 {
				t.Errorf("the call broke the spec: %+v", es)
			}

			p := firstRequired(o)
			if p == nil {
				return
			}
			missing := without(params, p)
			missing.Set("AccessKeyId", "AK-missing-"+name)
			r = call(t, ts, postOrGet(o), missing, nil)
			if r.status != 400 || !strings.Contains(r.str("Message"), p.Name) {
				t.Errorf("without %s: %d %s", p.Name, r.status, r.body)
			}
			if code := r.str("Code"); code != "MissingParameter" && !documents(o, code) {
				t.Errorf("without %s: code %s is neither MissingParameter nor documented", p.Name, code)
			}
		})
	}
}

func documents(o *openapi3.Operation, code string) bool {
	var defs []mock.ErrorDef
	_ = json.Unmarshal(extJSON(o.Extensions["x-acs-errors"]), &defs)
	return slices.ContainsFunc(defs, func(d mock.ErrorDef) bool { return d.Code == code })
}

// TestEveryFirstErrorThroughTheSDK forces each operation's first documented
// error code by scenario and checks that darabonba-openapi's CallApi, which
// the generated CDN clients use, surfaces its code and status.
func TestEveryFirstErrorThroughTheSDK(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	cfg := &openapi.Config{
		AccessKeyId: tea.String("AK-sdk"), AccessKeySecret: tea.String("SECRET"),
		Endpoint: tea.String(strings.TrimPrefix(ts.URL, "http://")), Protocol: tea.String("HTTP"),
	}
	client, err := openapi.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	forced := 0
	for _, name := range srv.Spec().OperationNames() {
		errs := srv.Spec().Operation(name).Errors()
		if len(errs) == 0 {
			continue
		}
		want := errs[0]
		forced++
		method := http.MethodPost
		if op := srv.Spec().Operation(name); !slices.Contains(op.Methods, method) {
			method = op.Methods[0]
		}
		params := &openapi.Params{
			Action: tea.String(name), Version: tea.String("2018-05-10"), Protocol: tea.String("HTTP"),
			Pathname: tea.String("/"), Method: tea.String(method), AuthType: tea.String("AK"), Style: tea.String("RPC"),
			ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
		}
		req := &openapi.OpenApiRequest{
			Query:   map[string]*string{},
			Headers: map[string]*string{mock.HeaderScenario: tea.String(want.Code)},
		}
		// One call at a time: darabonba's shared http.Client races under
		// concurrent calls (sdkOpenapiMu).
		sdkOpenapiMu.Lock()
		_, err := client.CallApi(params, req, &util.RuntimeOptions{})
		sdkOpenapiMu.Unlock()
		if err == nil {
			t.Errorf("%s under scenario %s: succeeded", name, want.Code)
			continue
		}
		got := sdkOpenapiFailure(t, err)
		if got.Code != want.Code || got.Status != want.Status {
			t.Errorf("%s: the SDK saw %d %s, want %d %s", name, got.Status, got.Code, want.Status, want.Code)
		}
	}
	if forced < 140 {
		t.Errorf("only %d operations document an error; the metadata has 146", forced)
	}
}

func TestUnknownActionNotFound(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	r := call(t, ts, http.MethodPost, url.Values{"Action": {"DescribeNothing"}, "Version": {"2018-05-10"}, "Format": {"JSON"}}, nil)
	if r.status != 404 || r.str("Code") != "InvalidAction.NotFound" {
		t.Errorf("%d %s", r.status, r.body)
	}
}

// TestExportFamilyKeepsItsBehaviour: the hand-written export operations
// replace their generated twins, with their rules, codes and task state.
func TestExportFamilyKeepsItsBehaviour(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	if len(srv.Spec().OperationNames()) < 100 {
		t.Fatalf("the generated layer is not served: %d operations", len(srv.Spec().OperationNames()))
	}
	// The generated twin documents MissingTimeParameter too, but only the
	// hand-written x-mock-errors answer it for a missing StartTime.
	r := call(t, ts, http.MethodPost, createParams("StartTime", ""), nil)
	if r.status != 400 || r.str("Code") != "MissingTimeParameter" {
		t.Errorf("StartTime missing: %d %s", r.status, r.body)
	}
	r = call(t, ts, http.MethodPost, createParams("StartTime", "2026-11-03T00:00:00Z"), nil)
	if r.status != 400 || r.str("Code") != "InvalidTimeRange" {
		t.Errorf("EndTime before StartTime: %d %s", r.status, r.body)
	}
	r = call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK-family"), nil)
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.str("TaskId")
	r = call(t, ts, http.MethodPost, url.Values{
		"Action": {"DescribeUserUsageDataExportTask"}, "Version": {"2018-05-10"}, "Format": {"JSON"}, "AccessKeyId": {"AK-family"},
	}, nil)
	page, _ := r.fields["UsageDataPerPage"].(map[string]any)
	data, _ := page["Data"].(map[string]any)
	items, _ := data["DataItem"].([]any)
	if r.status != 200 || len(items) != 1 || items[0].(map[string]any)["TaskId"] != id {
		t.Errorf("describe does not list the created task %s: %d %s", id, r.status, r.body)
	}
}

// TestRepeatLists checks lists sent as Name.N or Name.N.Field.
func TestRepeatLists(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	n := 0
	tag := func(kv ...string) url.Values {
		n++
		v := url.Values{"Action": {"TagResources"}, "Version": {"2018-05-10"}, "Format": {"JSON"},
			"AccessKeyId": {fmt.Sprintf("AK-list-%d", n)}, "ResourceType": {"DOMAIN"},
			"ResourceId.1": {"example.com"}, "Tag.1.Key": {"env"}, "Tag.1.Value": {"prod"}}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v
	}
	cases := []struct {
		name      string
		params    url.Values
		status    int
		code      string
		parameter string // named by the message
	}{
		{"one item of each", tag(), 200, "", ""},
		{"several items", tag("ResourceId.2", "b.example.com", "Tag.2.Key", "team", "Tag.21.Key", "last"), 200, "", ""},
		{"an item number over maxItems", tag("Tag.22.Key", "x"), 400, "InvalidParameter", "Tag.22.Key"},
		{"item number 0", tag("ResourceId.0", "a.example.com"), 400, "InvalidParameter", "ResourceId.0"},
		{"a required field missing", tag("Tag.1.Key", ""), 400, "MissingParameter", "Tag.1.Key"},
		{"a required field missing in a later item", tag("Tag.2.Value", "v"), 400, "MissingParameter", "Tag.2.Key"},
		{"a required list missing", tag("ResourceId.1", ""), 400, "MissingParameter", "ResourceId"},
		{"the bare name is not the list", tag("ResourceId.1", "", "ResourceId", "example.com"), 400, "MissingParameter", "ResourceId"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, ts, http.MethodPost, tc.params, nil)
			if r.status != tc.status || r.str("Code") != tc.code {
				t.Fatalf("%d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
			if tc.parameter != "" && !strings.Contains(r.str("Message"), `"`+tc.parameter+`"`) {
				t.Errorf("the message does not name %s: %s", tc.parameter, r.str("Message"))
			}
		})
	}

	// Wire names of a list are declared parameters: the journal records no
	// unknown parameter for them; a field the items do not have is one.
	v := url.Values{"Action": {"DescribeUserDomains"}, "Version": {"2018-05-10"}, "Format": {"JSON"}, "AccessKeyId": {"AK-list-journal"},
		"Tag.1.Key": {"env"}, "Tag.1.Value": {"prod"}, "Tag.1.Colour": {"red"}}
	if r := call(t, ts, http.MethodPost, v, nil); r.status != 200 {
		t.Fatalf("DescribeUserDomains with tags: %d %s", r.status, r.body)
	}
	es := srv.Requests(mock.RequestFilter{AccessKeyID: "AK-list-journal"})
	if len(es) != 1 || len(es[0].Violations) != 1 || es[0].Violations[0].Parameter != "Tag.1.Colour" {
		t.Errorf("violations: %+v", es)
	}
}

// A repeat list of integers, in a spec of its own: values are converted to
// the item type and held to its schema; the fixture's sample values at load
// include the list's first item from the item example.
const idsOp = `
post:
  operationId: DescribeThings
  x-acs-methods: [POST]
  parameters:
    - name: Id
      in: query
      required: true
      schema:
        type: array
        maxItems: 3
        items: {type: integer, minimum: 1, maximum: 100, example: 7}
      x-acs-style: repeatList
  responses:
    "200":
      description: OK
      content:
        application/json:
          schema:
            type: object
            additionalProperties: false
            required: [RequestId, First]
            properties:
              RequestId: {type: string}
              First: {type: string, pattern: '^[0-9]+$'}
`

func TestRepeatListOfIntegers(t *testing.T) {
	specBytes := specWithOperation(t, "DescribeThings", idsOp)
	fixture := `{"RequestId": "{{ .RequestId }}", "First": "{{ index .Params \"Id.1\" }}"}`
	_, ts := newServer(t, mock.Config{Spec: specBytes, SpecFile: "spec.yaml",
		Fixtures: withShippedFixtures(t, fstest.MapFS{"DescribeThings/success.json": {Data: []byte(fixture)}})})
	ids := func(kv ...string) url.Values {
		v := url.Values{"Action": {"DescribeThings"}, "Version": {"2018-05-10"}, "Format": {"JSON"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	cases := []struct {
		params    url.Values
		status    int
		parameter string
	}{
		{ids("Id.1", "5", "Id.2", "6"), 200, ""},
		{ids("Id.1", "5", "Id.2", "six"), 400, "Id.2"},
		{ids("Id.1", "500"), 400, "Id.1"},
		{ids("Id.1", "5", "Id.4", "6"), 400, "Id.4"},
		{ids("Id.1.Value", "5"), 400, "Id"}, // not a wire name of a list of integers: the list is missing
		{ids(), 400, "Id"},
	}
	for _, tc := range cases {
		r := call(t, ts, http.MethodPost, tc.params, nil)
		if r.status != tc.status || (tc.parameter != "" && !strings.Contains(r.str("Message"), `"`+tc.parameter+`"`)) {
			t.Errorf("%v: %d %s, want %d naming %s", tc.params, r.status, r.body, tc.status, tc.parameter)
		}
		if tc.status == 200 && r.str("First") != "5" {
			t.Errorf("the fixture does not see Id.1: %s", r.body)
		}
	}
}

// driftExceptions are differences between a hand-written operation and its
// generated twin made on purpose: "Operation.Parameter" → why.
var driftExceptions = map[string]string{
	"DescribeUserUsageDataExportTask.PageSize":         "declared an integer so its range is checked",
	"DescribeUserUsageDataExportTask.PageNumber":       "declared an integer so its range is checked",
	"DescribeUserUsageDetailDataExportTask.PageSize":   "declared an integer so its range is checked",
	"DescribeUserUsageDetailDataExportTask.PageNumber": "declared an integer so its range is checked",
}

// TestHandOperationsMatchTheMetadata compares each hand-written operation
// with its generated twin: the same parameters (names, required, types),
// methods, documented error codes and rate. A re-import that changes the
// metadata shows here what the hand-written spec must follow.
func TestHandOperationsMatchTheMetadata(t *testing.T) {
	docs := loadLayerDocs()
	type paramFacts struct {
		required bool
		typ      string
	}
	facts := func(o *openapi3.Operation) map[string]paramFacts {
		m := map[string]paramFacts{}
		for _, ref := range o.Parameters {
			p := ref.Value
			m[p.Name] = paramFacts{p.Required, strings.Join(p.Schema.Value.Type.Slice(), ",")}
		}
		return m
	}
	codes := func(o *openapi3.Operation) []string {
		var defs []mock.ErrorDef
		_ = json.Unmarshal(extJSON(o.Extensions["x-acs-errors"]), &defs)
		var out []string
		for _, d := range defs {
			if d.Assumed != "" { // the mock's assumption, said so in the spec
				continue
			}
			out = append(out, fmt.Sprintf("%s (%d)", d.Code, d.Status))
		}
		sort.Strings(out)
		return out
	}
	var hands []string
	for name := range docs.hand {
		hands = append(hands, name)
	}
	sort.Strings(hands)
	for _, name := range hands {
		hand, gen := docs.hand[name], docs.gen[name]
		if gen == nil {
			t.Errorf("%s is hand-written but not in the metadata: a typo, or an operation Alibaba removed", name)
			continue
		}
		var diffs []string
		hp, gp := facts(hand), facts(gen)
		for _, p := range sortedKeys(gp) {
			h, ok := hp[p]
			switch {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("parameter %s (%s) is in the metadata only", p, gp[p].typ))
			case h.required != gp[p].required:
				diffs = append(diffs, fmt.Sprintf("parameter %s: required %v by hand, %v in the metadata", p, h.required, gp[p].required))
			case h.typ != gp[p].typ && driftExceptions[name+"."+p] == "":
				diffs = append(diffs, fmt.Sprintf("parameter %s: %s by hand, %s in the metadata", p, h.typ, gp[p].typ))
			}
		}
		for _, p := range sortedKeys(hp) {
			if _, ok := gp[p]; !ok {
				diffs = append(diffs, fmt.Sprintf("parameter %s is hand-written only", p))
			}
		}
		if hc, gc := codes(hand), codes(gen); !slices.Equal(hc, gc) {
			diffs = append(diffs, fmt.Sprintf("error codes differ:\n      by hand:  %s\n      metadata: %s", strings.Join(hc, ", "), strings.Join(gc, ", ")))
		}
		for _, ext := range []string{"x-acs-methods", "x-acs-rate-limit"} {
			if h, g := string(extJSON(hand.Extensions[ext])), string(extJSON(gen.Extensions[ext])); h != g {
				diffs = append(diffs, fmt.Sprintf("%s: %s by hand, %s in the metadata", ext, h, g))
			}
		}
		if len(diffs) > 0 {
			t.Errorf("%s drifted from the metadata (spec/cdn-2018-05-10.yaml vs spec/generated/):\n    %s", name, strings.Join(diffs, "\n    "))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := slices.Sorted(maps.Keys(m))
	return keys
}

// handOps is how many operations the hand-written spec defines: the six
// of the export family and the seventeen that keep resources.
const handOps = 23

// TestLayerRules: which layers a Config serves, how they merge, and how
// problems in either are reported.
func TestLayerRules(t *testing.T) {
	handSpec := []byte(shippedSpec(t))
	genSpec, err := genspec.FS.ReadFile(genspec.Default)
	if err != nil {
		t.Fatal(err)
	}
	count := func(cfg mock.Config) int {
		t.Helper()
		cfg.Clock = mock.FixedClock(testNow)
		srv, err := mock.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return len(srv.Spec().OperationNames())
	}
	if n := count(mock.Config{}); n != 166 {
		t.Errorf("the default serves %d operations, want 166", n)
	}
	if n := count(mock.Config{NoGenerated: true}); n != handOps {
		t.Errorf("NoGenerated serves %d operations, want the %d hand-written", n, handOps)
	}
	if n := count(mock.Config{Spec: handSpec}); n != handOps {
		t.Errorf("a Config with its own Spec serves %d operations, want that spec's %d", n, handOps)
	}
	if n := count(mock.Config{Spec: handSpec, GeneratedSpec: genSpec}); n != 166 {
		t.Errorf("Spec and GeneratedSpec serve %d operations, want 166", n)
	}

	t.Run("the generated file lacks codes the server requires", func(t *testing.T) {
		// The common errors since authentication, as an older import lists them.
		cut := strings.Index(string(genSpec), "  - code: SignatureDoesNotMatch")
		end := strings.Index(string(genSpec), "paths:")
		if cut < 0 || end < cut {
			t.Fatal("unexpected generated spec layout")
		}
		old := string(genSpec[:cut]) + string(genSpec[end:])
		cfg := mock.Config{Spec: handSpec, GeneratedSpec: []byte(old), GeneratedSpecFile: "old.yaml", Clock: mock.FixedClock(testNow)}
		srv, err := mock.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, d := range srv.Spec().CommonErrors() {
			codes = append(codes, d.Code)
		}
		if !slices.Contains(codes, "SignatureDoesNotMatch") || !slices.Contains(codes, "Forbidden.RAM") {
			t.Errorf("common errors %v lack the hand-written file's", codes)
		}
	})

	t.Run("problems name the file and line of their layer", func(t *testing.T) {
		product := strings.Replace(string(genSpec), "x-acs-product: Cdn", "x-acs-product: Dcdn", 1)
		got := problems(t, mock.Config{GeneratedSpec: []byte(product), GeneratedSpecFile: "gen.yaml"})
		assertProblems(t, got, `spec/cdn-2018-05-10.yaml:23: x-acs-product: is "Cdn", but the generated spec (gen.yaml:25) says "Dcdn"`)

		status := strings.Replace(string(genSpec), "status: 404\n", "status: 200\n", 1)
		got = problems(t, mock.Config{GeneratedSpec: []byte(status), GeneratedSpecFile: "gen.yaml"})
		if len(got) != 1 || !strings.HasPrefix(got[0], "gen.yaml:") || strings.HasPrefix(got[0], "gen.yaml: ") ||
			!strings.Contains(got[0], "status must be an HTTP error status (400-599), not 200") {
			t.Errorf("problems: %q", got)
		}
	})

	t.Run("a hand-written fixture shadows the generated one", func(t *testing.T) {
		custom := `{"RequestId": "{{ .RequestId }}", "PageNumber": 7, "PageSize": 20, "TotalCount": 0, "Domains": {"PageData": []}}`
		_, ts := newServer(t, mock.Config{Fixtures: withShippedFixtures(t, fstest.MapFS{
			"DescribeUserDomains/success.json": {Data: []byte(custom)},
			"generated/Nothing/success.json":   {Data: []byte("not read: a layer of its own")},
		})})
		r := call(t, ts, http.MethodPost, url.Values{"Action": {"DescribeUserDomains"}, "Version": {"2018-05-10"}, "Format": {"JSON"}}, nil)
		if r.status != 200 || r.fields["PageNumber"] != 7.0 {
			t.Errorf("%d %s", r.status, r.body)
		}
	})

	t.Run("generated fixtures of hand-written operations are not read", func(t *testing.T) {
		gen := fstest.MapFS{}
		for _, name := range sortedKeys(loadLayerDocs().gen) {
			data, err := genfixtures.FS.ReadFile(name + "/success.json")
			if err != nil {
				t.Fatal(err)
			}
			gen[name+"/success.json"] = &fstest.MapFile{Data: data}
		}
		gen[createAction+"/success.json"] = &fstest.MapFile{Data: []byte("not JSON")}
		// It fills the places x-mock-page names (else those are its problems) and breaks the schema.
		gen["DescribeCdnDeletedDomains/broken.json"] = &fstest.MapFile{Data: []byte("{\n  \"RequestId\": \"x\",\n  \"PageNumber\": \"one\",\n" +
			"  \"PageSize\": 1, \"TotalCount\": 0, \"Domains\": {\"PageData\": []}\n}\n")}
		got := problems(t, mock.Config{GeneratedFixtures: gen, GeneratedFixturesDir: "gen"})
		assertProblems(t, got, "gen/DescribeCdnDeletedDomains/broken.json:3: PageNumber: does not match the spec's response schema for DescribeCdnDeletedDomains")
	})
}

func TestOperationHintInLargeSpecs(t *testing.T) {
	got := problems(t, mock.Config{Scenarios: fstest.MapFS{"x.yaml": {Data: []byte("operations:\n  DescribeUserDomain: {}\n")}}, ScenariosDir: "scenarios"})
	assertProblems(t, got, "scenarios/x.yaml:2: operations.DescribeUserDomain: no operation DescribeUserDomain in the spec; did you mean \"DescribeUserDomains\"? (166 operations; GET /_mock/operations lists them)")
}
