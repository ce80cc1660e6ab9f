package importer

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// one converts metadata holding the single operation X, given as JSON.
func one(t *testing.T, api string) (*Result, map[string]any) {
	t.Helper()
	doc := `{"info": {"style": "RPC", "product": "Cdn", "version": "2018-05-10"},
		"endpoints": [{"regionId": "cn-hangzhou", "endpoint": "cdn.aliyuncs.com"}],
		"apis": {"X": ` + api + `}}`
	res, err := Convert([]byte(doc), Options{Source: "x.json"})
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := yaml.Unmarshal(res.Spec, &spec); err != nil {
		t.Fatal(err)
	}
	item := spec["paths"].(map[string]any)["/?Action=X"].(map[string]any)
	for _, verb := range []string{"post", "get"} {
		if op, ok := item[verb].(map[string]any); ok {
			return res, op
		}
	}
	t.Fatalf("no operation: %v", item)
	return nil, nil
}

func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			s, _ := v.([]any)
			if k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

func hasNote(res *Result, part string) bool {
	return slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, part) })
}

const okResponse = `"responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}}}}}`

func TestMethodsAndVerb(t *testing.T) {
	res, op := one(t, `{"methods": ["get"], "parameters": [], `+okResponse+`}`)
	if op["operationId"] != "X" || !slices.Equal(res.Operations[0].Methods, []string{"GET"}) {
		t.Errorf("get-only: %v", op)
	}
	res, op = one(t, `{"methods": ["post", "get", "put"], "parameters": [], `+okResponse+`}`)
	if m := dig(op, "x-acs-methods"); len(m.([]any)) != 2 || m.([]any)[0] != "GET" || m.([]any)[1] != "POST" {
		t.Errorf("x-acs-methods = %v, want [GET POST]", m)
	}
	if !hasNote(res, `method "put" dropped`) {
		t.Errorf("notes: %v", res.Notes)
	}
	if _, err := Convert([]byte(`{"info": {"product": "Cdn", "version": "1"}, "endpoints": [{"endpoint": "a"}], "apis": {"X": {"methods": ["put"]}}}`), Options{}); err == nil {
		t.Error("an operation without GET or POST was accepted")
	}
}

func TestParameters(t *testing.T) {
	res, op := one(t, `{"methods": ["post"], "parameters": [
		{"name": "PageSize", "in": "query", "schema": {"type": "integer", "format": "int32", "required": false,
			"maximum": "500", "minimum": "1", "example": "5\n", "default": "20", "description": "prose"}},
		{"name": "Force", "in": "query", "schema": {"type": "boolean", "example": "true"}},
		{"name": "Lang", "in": "query", "schema": {"type": "string", "required": true, "enum": ["zh", "en", "zh"], "example": "jp"}},
		{"name": "Empty", "in": "query", "schema": {"type": "string", "enum": [], "example": "中文"}},
		{"name": "Body", "in": "formData", "schema": {"type": "string", "pattern": "^\\d+$", "example": "12"}},
		{"name": "Body", "in": "query", "schema": {"type": "string"}},
		{"name": "Tag", "in": "query", "style": "repeatList", "schema": {"type": "array", "required": true, "maxItems": 21, "example": "1",
			"items": {"type": "object", "properties": {"Key": {"type": "string", "required": true, "example": "env"}, "Value": {"type": "string"}}}}},
		{"name": "Id", "in": "query", "style": "repeatList", "schema": {"type": "array", "maxItems": "51", "items": {"type": "string", "example": "1"}}},
		{"name": "Json", "in": "query", "style": "json", "schema": {"type": "object", "properties": {"A": {"type": "string"}}}}
	], `+okResponse+`}`)
	ps := dig(op, "parameters").([]any)
	if len(ps) != 8 || !hasNote(res, "parameter Body is declared twice") {
		t.Fatalf("%d parameters, notes %v", len(ps), res.Notes)
	}
	byName := map[string]any{}
	for _, p := range ps {
		byName[dig(p, "name").(string)] = p
		if dig(p, "in") != "query" {
			t.Errorf("%v: not in query", p)
		}
	}
	want := map[string]any{"type": "integer", "format": "int32", "minimum": 1, "maximum": 500, "default": 20, "example": 5}
	if got := dig(byName["PageSize"], "schema").(map[string]any); !equalJSON(got, want) {
		t.Errorf("PageSize schema = %v, want %v", got, want)
	}
	if dig(byName["PageSize"], "required") != false || dig(byName["Lang"], "required") != true {
		t.Error("required flags not kept")
	}
	if got := dig(byName["Force"], "schema", "example"); got != true {
		t.Errorf("boolean example = %#v", got)
	}
	if got := dig(byName["Lang"], "schema"); !equalJSON(got, map[string]any{"type": "string", "enum": []any{"zh", "en"}}) {
		t.Errorf("Lang schema = %v (enum deduplicated, the example outside it dropped)", got)
	}
	if !hasNote(res, `parameter Lang: example "jp" is not in the enum; dropped`) {
		t.Errorf("notes: %v", res.Notes)
	}
	if got := dig(byName["Empty"], "schema"); !equalJSON(got, map[string]any{"type": "string"}) {
		t.Errorf("Empty schema = %v (no empty enum, no example in Chinese)", got)
	}
	if dig(byName["Body"], "x-acs-in") != "formData" || dig(byName["Body"], "schema", "pattern") != `^\d+$` {
		t.Errorf("Body = %v", byName["Body"])
	}
	tag := byName["Tag"]
	if dig(tag, "x-acs-style") != "repeatList" || dig(tag, "required") != true ||
		dig(tag, "schema", "maxItems") != 21 || dig(tag, "schema", "example") != nil ||
		dig(tag, "schema", "items", "additionalProperties") != false ||
		!equalJSON(dig(tag, "schema", "items", "required"), []any{"Key"}) ||
		dig(tag, "schema", "items", "properties", "Key", "example") != "env" {
		t.Errorf("Tag = %v", tag)
	}
	if dig(byName["Id"], "schema", "items", "type") != "string" || dig(byName["Id"], "schema", "maxItems") != 51 {
		t.Errorf("Id = %v", byName["Id"])
	}
	if dig(byName["Json"], "x-acs-style") != "json" || dig(byName["Json"], "schema", "type") != "string" {
		t.Errorf("Json = %v", byName["Json"])
	}
	if info := res.Operations[0]; info.Params != 8 || info.Required != 2 {
		t.Errorf("info = %+v", info)
	}
	if strings.Contains(string(res.Spec), "prose") {
		t.Error("a description was copied")
	}
}

func TestErrorCodes(t *testing.T) {
	res, op := one(t, `{"methods": ["post"], "parameters": [], `+okResponse+`, "errorCodes": {
		"404": [{"errorCode": "Gone", "errorMessage": "Gone."}, {"errorCode": "Twice", "errorMessage": "Other."}],
		"400": [{"errorCode": "Bad ", "errorMessage": " Bad. "}, {"errorCode": "Invalid%s.Malformed", "errorMessage": "%s"},
		        {"errorCode": "Twice", "errorMessage": "Once."}, {"errorCode": "Twice", "errorMessage": "Once."},
		        {"errorCode": "Silent", "errorMessage": ""}, {"errorCode": "Mock.X", "errorMessage": "m"}],
		"200": [{"errorCode": "Ok", "errorMessage": "not an error"}]}}`)
	var got []string
	for _, e := range dig(op, "x-acs-errors").([]any) {
		got = append(got, dig(e, "code").(string)+"|"+itoaAny(dig(e, "status"))+"|"+dig(e, "message").(string))
	}
	want := []string{"Bad|400|Bad.", "Twice|400|Once.", "Silent|400|Silent", "Gone|404|Gone."}
	if !slices.Equal(got, want) {
		t.Errorf("x-acs-errors = %v, want %v", got, want)
	}
	for _, n := range []string{`"Invalid%s.Malformed" dropped: a template whose %s names no parameter`, "Twice is listed again with status 404", "Silent has no message",
		"Mock.X dropped", `status "200" dropped`} {
		if !hasNote(res, n) {
			t.Errorf("no note %q in %v", n, res.Notes)
		}
	}
	if res.Operations[0].FirstError != "Bad" {
		t.Errorf("first error = %q", res.Operations[0].FirstError)
	}
}

// A code template that names a parameter becomes one code per parameter;
// a code the metadata also lists itself keeps its own entry; a template
// that names something else is dropped.
func TestErrorCodeTemplates(t *testing.T) {
	res, op := one(t, `{"methods": ["post"], "parameters": [
		{"name": "DomainName", "in": "query", "schema": {"type": "string"}},
		{"name": "FunctionNames", "in": "query", "schema": {"type": "string"}}], `+okResponse+`, "errorCodes": {
		"400": [{"errorCode": "Invalid%s.ValueNotSupported", "errorMessage": "FunctionName [%s] is not supported."},
		        {"errorCode": "InvalidDomainName.ValueNotSupported", "errorMessage": "Its own."},
		        {"errorCode": "MissingParameter%s", "errorMessage": "ArgName[%s] is missing."}],
		"403": [{"errorCode": "%sServiceRisked", "errorMessage": "Your %s service is risked."}]}}`)
	var got []string
	for _, e := range dig(op, "x-acs-errors").([]any) {
		got = append(got, dig(e, "code").(string)+"|"+itoaAny(dig(e, "status"))+"|"+dig(e, "message").(string))
	}
	want := []string{
		"InvalidDomainName.ValueNotSupported|400|Its own.",
		"InvalidFunctionNames.ValueNotSupported|400|FunctionName [FunctionNames] is not supported.",
		"MissingParameterDomainName|400|ArgName[DomainName] is missing.",
		"MissingParameterFunctionNames|400|ArgName[FunctionNames] is missing.",
	}
	if !slices.Equal(got, want) {
		t.Errorf("x-acs-errors =\n%v\nwant\n%v", got, want)
	}
	if !hasNote(res, `"%sServiceRisked" dropped`) || hasNote(res, "InvalidDomainName.ValueNotSupported is listed again") {
		t.Errorf("notes: %v", res.Notes)
	}
}

func TestRateLimit(t *testing.T) {
	for desc, want := range map[string]int{
		`- 单用户调用频率：30次/秒。`:                 30,
		`> 单个用户的调用频率为：100次/秒。`:             100,
		`- 单用户调用频率：6000次/分。`:               100,
		`- 单用户调用频率：50次/分。`:                 0, // not a whole number per second
		`单用户调用频率：10次/秒。另一个接口单用户调用频率：50次/秒`: 0, // two rates
		`QPS 100`: 0,
		``:        0,
	} {
		descJSON, _ := json.Marshal(desc)
		res, op := one(t, `{"methods": ["post"], "parameters": [], `+okResponse+`, "description": `+string(descJSON)+`}`)
		got, _ := dig(op, "x-acs-rate-limit").(int)
		if got != want || res.Operations[0].RateLimit != want {
			t.Errorf("%q: rate limit %d, want %d", desc, got, want)
		}
	}
}

func TestResponse(t *testing.T) {
	demo, _ := json.Marshal([]map[string]string{{"type": "json", "example": `{
		"RequestId": "R-1", "DomainName": "demo.com", "Count": 7, "Ratio": 0.5, "On": true, "Name": "名字",
		"Open": {"a": 1, "b": "x"}, "Cn": {"键": 1}, "Partial": {"Listed": "l", "Extra": "e"}, "Tpl": "{{x}}",
		"List": [{"DomainName": "d1", "N": "bad"}, {"DomainName": "d2", "N": 3}, {"DomainName": "d3"}, {"DomainName": "d4"}]}`}})
	res, op := one(t, `{"methods": ["post"], "parameters": [
		{"name": "DomainName", "in": "query", "schema": {"type": "string", "required": false, "example": "p.example.com"}},
		{"name": "Count", "in": "query", "schema": {"type": "integer"}}],
		"responses": {"200": {"schema": {"type": "object", "properties": {
			"RequestId": {"type": "string", "example": "R-0"},
			"DomainName": {"type": "string"},
			"Count": {"type": "integer", "format": "int32", "example": "5"},
			"Ratio": {"type": "number", "format": "float"},
			"On": {"type": "boolean"},
			"Name": {"type": "string", "example": "名字"},
			"Open": {"type": "object", "example": "{}"},
			"Cn": {"type": "object"},
			"Partial": {"type": "object", "properties": {"Listed": {"type": "string"}}},
			"Tpl": {"type": "string"},
			"Missing": {"type": "string"},
			"List": {"type": "array", "items": {"type": "object", "properties": {
				"DomainName": {"type": "string"}, "N": {"type": "integer", "example": "9"}}}}}}}},
		"responseDemo": `+strconvQuote(string(demo))+`}`)
	schema := dig(op, "responses", "200", "content", "application/json", "schema")
	if dig(schema, "additionalProperties") != false || !equalJSON(dig(schema, "required"), []any{"RequestId"}) {
		t.Errorf("top-level schema: %v", schema)
	}
	if dig(schema, "properties", "Open", "additionalProperties") != nil || dig(schema, "properties", "Partial", "additionalProperties") != nil {
		t.Error("free-form or incompletely listed objects were closed")
	}
	if dig(schema, "properties", "List", "items", "additionalProperties") != false {
		t.Error("a completely listed object was left open")
	}
	if dig(schema, "properties", "Count", "format") != "int32" || dig(schema, "properties", "Count", "example") != 5 {
		t.Errorf("Count: %v", dig(schema, "properties", "Count"))
	}
	if !hasNote(res, "response.Partial: the example has keys the schema does not list (1); left open") {
		t.Errorf("notes: %v", res.Notes)
	}

	var fixture map[string]any
	if err := json.Unmarshal(res.Fixtures["X"], &fixture); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"RequestId":  "{{ .RequestId }}",
		"DomainName": `{{ or .Params.DomainName "demo.com" }}`, // optional: falls back to the example
		"Count":      7,                                        // an integer parameter: not echoed
		"Ratio":      0.5, "On": true,
		"Name":    placeholder, // Chinese: not copied
		"Open":    map[string]any{"a": 1, "b": "x"},
		"Cn":      map[string]any{}, // keys that cannot be XML elements
		"Partial": map[string]any{"Listed": "l"},
		"Tpl":     `{{ "{{x}}" }}`,
		"Missing": placeholder,
		"List": []any{ // three items at most; inside arrays nothing is echoed
			map[string]any{"DomainName": "d1", "N": 9},
			map[string]any{"DomainName": "d2", "N": 3},
			map[string]any{"DomainName": "d3", "N": 9},
		},
	}
	if !equalJSON(fixture, want) {
		got, _ := json.MarshalIndent(fixture, "", "  ")
		t.Errorf("fixture:\n%s", got)
	}
	keys := []string{}
	for _, line := range strings.Split(string(res.Fixtures["X"]), "\n") {
		if strings.HasPrefix(line, `  "`) {
			keys = append(keys, strings.SplitN(strings.TrimSpace(line), `"`, 3)[1])
		}
	}
	if strings.Join(keys, ",") != "RequestId,DomainName,Count,Ratio,On,Name,Open,Cn,Partial,Tpl,Missing,List" {
		t.Errorf("fixture keys out of schema order: %v", keys)
	}
	example := dig(op, "responses", "200", "content", "application/json", "example")
	if dig(example, "RequestId") != "R-1" || dig(example, "DomainName") != "demo.com" || dig(example, "Tpl") != "{{x}}" {
		t.Errorf("example: %v", example)
	}
}

func TestRequestIdAdded(t *testing.T) {
	res, op := one(t, `{"methods": ["post"], "parameters": [], "responses": {"200": {"schema": {"type": "object", "properties": {"A": {"type": "string"}}}}}}`)
	if dig(op, "responses", "200", "content", "application/json", "schema", "properties", "RequestId", "type") != "string" {
		t.Error("RequestId not added")
	}
	if !strings.Contains(string(res.Fixtures["X"]), `"RequestId": "{{ .RequestId }}"`) || !hasNote(res, "lacks RequestId") {
		t.Errorf("fixture %s, notes %v", res.Fixtures["X"], res.Notes)
	}
}

func TestHostID(t *testing.T) {
	ep := func(list ...string) *value {
		v := &value{kind: kindArray}
		for _, e := range list {
			v.vals = append(v.vals, &value{kind: kindObject, keys: []string{"endpoint"}, vals: []*value{{kind: kindString, text: e}}})
		}
		return v
	}
	for _, tc := range []struct {
		eps  *value
		want string
	}{
		{ep("cdn.ap-southeast-1.aliyuncs.com", "cdn.ap-southeast-1.aliyuncs.com", "cdn.aliyuncs.com"), "cdn.aliyuncs.com"},
		{ep("b.example", "a.example", "b.example"), "b.example"},
		{ep("b.example", "a.example"), "a.example"},
		{ep(), ""},
	} {
		if got := hostID("Cdn", tc.eps); got != tc.want {
			t.Errorf("hostID = %q, want %q", got, tc.want)
		}
	}
}

func TestYAMLQuoting(t *testing.T) {
	_, op := one(t, `{"methods": ["post"], "parameters": [
		{"name": "A", "in": "query", "schema": {"type": "string", "enum": ["on", "off", "yes", "2015-12-10T20:00:00Z", "20", "null"]}}], `+okResponse+`}`)
	got := dig(op, "parameters", 0, "schema", "enum")
	if !equalJSON(got, []any{"on", "off", "yes", "2015-12-10T20:00:00Z", "20", "null"}) {
		t.Errorf("enum read back as %#v", got)
	}
}

func TestBadMetadata(t *testing.T) {
	for _, doc := range []string{
		`not json`,
		`{"info": {"product": "Cdn"}}`,
		`{"info": {"style": "ROA", "product": "CS", "version": "1"}, "apis": {}}`,
		`{"info": {"product": "Cdn", "version": "1"}, "endpoints": [{"endpoint": "a"}], "apis": {}}`,
		`{"info": {"product": "Cdn", "version": "1"}, "apis": {"X": {"methods": ["get"]}}}`,
	} {
		if _, err := Convert([]byte(doc), Options{}); err == nil {
			t.Errorf("accepted %s", doc)
		}
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func itoaAny(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
