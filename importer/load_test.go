package importer_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/alibaba-cloud-mock/cdnmock/importer"
	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// fixtureFS holds a conversion's fixtures as the server reads them.
func fixtureFS(res *importer.Result) fstest.MapFS {
	fsys := fstest.MapFS{}
	for action, b := range res.Fixtures {
		fsys[action+"/"+importer.FixtureName] = &fstest.MapFile{Data: b}
	}
	return fsys
}

func convert(t testing.TB, file string) *importer.Result {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	res, err := importer.Convert(data, importer.Options{Source: file})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestServerLoads hands the sample's conversion to the real server, which checks
// everything at startup: the OpenAPI document and its examples, the x-acs
// extensions, every error code, and each fixture rendered with sample
// values against its operation's response schema. Zero problems allowed.
func TestServerLoads(t *testing.T) {
	res := convert(t, "testdata/sample-api-docs.json")
	srv, err := mock.New(mock.Config{
		Spec: res.Spec, SpecFile: "generated.yaml",
		Fixtures: fixtureFS(res), FixturesDir: "fixtures/generated",
		Scenarios: fstest.MapFS{}, Clock: mock.FixedClock(testNow),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(srv.Spec().OperationNames()); got != len(res.Operations) {
		t.Fatalf("the server serves %d operations, the conversion made %d", got, len(res.Operations))
	}
}

// TestCheckedInOutputsLoad does the same with the full generated spec and
// fixtures on disk (which TestGeneratedUpToDate holds equal to a fresh
// conversion), read as phase 2 will read them.
func TestCheckedInOutputsLoad(t *testing.T) {
	data, err := os.ReadFile("../spec/generated/cdn-2018-05-10.yaml")
	if err != nil {
		t.Fatal(err)
	}
	err = mock.Check(mock.Config{
		Spec: data, SpecFile: "spec/generated/cdn-2018-05-10.yaml",
		Fixtures: os.DirFS("../fixtures/generated"), FixturesDir: "fixtures/generated",
		Scenarios: fstest.MapFS{}, Clock: mock.FixedClock(testNow),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGeneratedAnswers serves the generated spec alone and calls a
// stateless operation: 200, request values echoed, RequestId filled; then
// forces one of its documented errors by scenario.
func TestGeneratedAnswers(t *testing.T) {
	res := convert(t, "../spec/generated/cdn-2018-05-10-api-docs.json")
	srv, err := mock.New(mock.Config{
		Spec: res.Spec, Fixtures: fixtureFS(res), Scenarios: fstest.MapFS{},
		Clock: mock.FixedClock(testNow), NewRequestID: func() string { return "REQ-1" },
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	call := func(scenario string, params url.Values) (int, map[string]any) {
		t.Helper()
		params.Set("Version", "2018-05-10")
		params.Set("Format", "JSON")
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/?"+params.Encode(), nil)
		if scenario != "" {
			req.Header.Set("X-Mock-Scenario", scenario)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("%s", body)
		}
		return resp.StatusCode, v
	}

	status, body := call("", url.Values{
		"Action": {"DescribeDomainBpsData"}, "DomainName": {"a.example.com"},
		"StartTime": {"2026-11-25T00:00:00Z"},
	})
	if status != 200 || body["RequestId"] != "REQ-1" || body["DomainName"] != "a.example.com" ||
		body["StartTime"] != "2026-11-25T00:00:00Z" || body["EndTime"] != "2015-12-10T20:00Z" {
		t.Errorf("DescribeDomainBpsData: %d %v", status, body)
	}
	if _, ok := body["BpsDataPerInterval"].(map[string]any); !ok {
		t.Errorf("DescribeDomainBpsData: no BpsDataPerInterval: %v", body)
	}

	status, body = call("InvalidEndTime.Mismatch", url.Values{"Action": {"DescribeDomainBpsData"}})
	if status != 400 || body["Code"] != "InvalidEndTime.Mismatch" ||
		body["Message"] != "Specified EndTime does not match the specified StartTime." {
		t.Errorf("forced InvalidEndTime.Mismatch: %d %v", status, body)
	}
	status, body = call("TooManyRequests", url.Values{"Action": {"DescribePreloadDetailById"}})
	if status != 429 || body["Code"] != "TooManyRequests" {
		t.Errorf("forced TooManyRequests: %d %v", status, body)
	}

	status, body = call("", url.Values{"Action": {"DescribeCdnDeletedDomains"}, "PageSize": {"501"}})
	if status != 400 || body["Code"] != "InvalidParameter" || !strings.Contains(body["Message"].(string), "PageSize") {
		t.Errorf("PageSize above its maximum: %d %v", status, body)
	}
}

// BenchmarkLoadGenerated measures the server's startup with the full
// generated spec and its 166 fixtures: parsing and validating the OpenAPI
// document, loading the operations, compiling and checking every fixture.
func BenchmarkLoadGenerated(b *testing.B) {
	res := convert(b, "../spec/generated/cdn-2018-05-10-api-docs.json")
	cfg := mock.Config{
		Spec: res.Spec, Fixtures: fixtureFS(res), Scenarios: fstest.MapFS{},
		Clock: mock.FixedClock(testNow),
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mock.New(cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadGeneratedParts splits the startup cost: the spec alone
// (mock.LoadSpec) and its three big steps; fixtures are the rest of
// BenchmarkLoadGenerated.
func BenchmarkLoadGeneratedParts(b *testing.B) {
	res := convert(b, "../spec/generated/cdn-2018-05-10-api-docs.json")
	b.Run("LoadSpec", func(b *testing.B) {
		for b.Loop() {
			if _, err := mock.LoadSpec("generated.yaml", res.Spec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("yaml.v3-node-parse", func(b *testing.B) { // mock.parseYAML: the line index for problems
		for b.Loop() {
			var n yaml.Node
			if err := yaml.Unmarshal(res.Spec, &n); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("kin-openapi-load", func(b *testing.B) {
		for b.Loop() {
			if _, err := openapi3.NewLoader().LoadFromData(res.Spec); err != nil {
				b.Fatal(err)
			}
		}
	})
	doc, err := openapi3.NewLoader().LoadFromData(res.Spec)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("kin-openapi-validate", func(b *testing.B) {
		for b.Loop() {
			if err := doc.Validate(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
