package importer

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/alibaba-cloud-mock/cdnmock/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden/")

const (
	sampleFile = "testdata/sample-api-docs.json"
	goldenDir  = "testdata/golden"

	// The checked-in metadata and what go generate ./spec/generated/ makes of it.
	metadataFile = "../spec/generated/cdn-2018-05-10-api-docs.json"
	specFile     = "../spec/generated/cdn-2018-05-10.yaml"
	fixturesDir  = "../fixtures/generated"
	coverageFile = "../docs/coverage.md"
	handSpecFile = "../spec/cdn-2018-05-10.yaml"
)

// handStateful is what the hand-written spec's x-mock-state says keeps state.
func handStateful(t testing.TB) map[string]string {
	t.Helper()
	data, err := os.ReadFile(handSpecFile)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := StatefulOps(data)
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// handDefined is every operation the hand-written spec defines.
func handDefined(t testing.TB) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(handSpecFile)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := HandOps(data)
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

func convertFile(t testing.TB, file string) *Result {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// The sample's export operation keeps state, as the shipped spec says.
	res, err := Convert(data, Options{Source: file, Stateful: map[string]string{"CreateUserUsageDataExportTask": "export tasks: usage"}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestGolden converts a trimmed metadata sample (five operations: a repeat
// list of objects and one of strings, integers with bounds, an operation
// without error codes, examples in Chinese) and compares every output with
// testdata/golden/. go test ./importer/ -update rewrites them.
func TestGolden(t *testing.T) {
	res := convertFile(t, sampleFile)
	want := map[string][]byte{"spec.yaml": res.Spec, "coverage.md": res.Coverage}
	for action, b := range res.Fixtures {
		want[filepath.Join("fixtures", action, FixtureName)] = b
	}
	if *update {
		if err := os.RemoveAll(goldenDir); err != nil {
			t.Fatal(err)
		}
		for name, b := range want {
			if err := writeIfChanged(filepath.Join(goldenDir, name), b); err != nil {
				t.Fatal(err)
			}
		}
	}
	got := map[string]bool{}
	err := filepath.WalkDir(goldenDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(goldenDir, path)
		got[rel] = true
		if want[rel] == nil {
			t.Errorf("%s: no longer produced (go test ./importer/ -update)", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sortedKeys(want) {
		if !got[name] {
			t.Errorf("%s: missing (go test ./importer/ -update)", filepath.Join(goldenDir, name))
			continue
		}
		golden, err := os.ReadFile(filepath.Join(goldenDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(golden, want[name]) {
			t.Errorf("%s differs from the conversion (go test ./importer/ -update, then review the diff):\n%s",
				filepath.Join(goldenDir, name), firstDiff(golden, want[name]))
		}
	}
}

// full is the conversion of the checked-in metadata, made once for the
// tests that only read it.
var full = sync.OnceValues(func() (*Result, error) {
	data, err := os.ReadFile(metadataFile)
	if err != nil {
		return nil, err
	}
	hand, err := os.ReadFile(handSpecFile)
	if err != nil {
		return nil, err
	}
	stateful, err := StatefulOps(hand)
	if err != nil {
		return nil, err
	}
	handOps, err := HandOps(hand)
	if err != nil {
		return nil, err
	}
	return Convert(data, Options{Source: metadataFile, Stateful: stateful, Hand: handOps})
})

func fullResult(t testing.TB) *Result {
	t.Helper()
	res, err := full()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestDeterministic converts the full metadata twice: the same bytes.
func TestDeterministic(t *testing.T) {
	a := fullResult(t)
	data, err := os.ReadFile(metadataFile)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Convert(data, Options{Source: metadataFile, Stateful: handStateful(t), Hand: handDefined(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Spec, b.Spec) || !bytes.Equal(a.Coverage, b.Coverage) {
		t.Fatal("two conversions of the same metadata differ")
	}
	for name, f := range a.Fixtures {
		if !bytes.Equal(f, b.Fixtures[name]) {
			t.Fatalf("fixture %s differs between two conversions", name)
		}
	}
}

// TestGeneratedUpToDate holds the checked-in outputs to what the importer
// makes of the checked-in metadata, so CI fails when someone changes one
// without running go generate ./spec/generated/.
func TestGeneratedUpToDate(t *testing.T) {
	res := fullResult(t)
	stale := func(path string, want []byte) {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (go generate ./spec/generated/)", err)
		} else if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: go generate ./spec/generated/\n%s", path, firstDiff(got, want))
		}
	}
	stale(specFile, res.Spec)
	stale(coverageFile, res.Coverage)
	for _, action := range sortedKeys(res.Fixtures) {
		stale(filepath.Join(fixturesDir, action, FixtureName), res.Fixtures[action])
	}
	entries, err := os.ReadDir(fixturesDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && res.Fixtures[e.Name()] == nil {
			t.Errorf("%s: no such operation any more (go generate ./spec/generated/)", filepath.Join(fixturesDir, e.Name()))
		}
	}
}

// TestFullMetadata checks the counts the issue states for the CDN file.
func TestFullMetadata(t *testing.T) {
	res := fullResult(t)
	if len(res.Operations) != 166 || len(res.Fixtures) != 166 {
		t.Fatalf("%d operations, %d fixtures; want 166", len(res.Operations), len(res.Fixtures))
	}
	withErrors, stateful, rated := 0, 0, 0
	for _, op := range res.Operations {
		if op.Errors > 0 {
			withErrors++
		}
		if op.Stateful {
			stateful++
		}
		if op.RateLimit > 0 {
			rated++
		}
	}
	// 146 operations document error codes; some only as the template
	// "Invalid%s.ValueNotSupported" (DescribeCdnDomainConfigs,
	// DescribeCdnDomainStagingConfig), which becomes one code per parameter.
	if withErrors != 146 {
		t.Errorf("%d operations with error codes, want 146", withErrors)
	}
	// The coverage page marks as stateful exactly what the hand-written
	// spec's x-mock-state says, and what each keeps.
	want := handStateful(t)
	if stateful != len(want) || len(want) < 20 {
		t.Errorf("%d stateful operations, want the %d with x-mock-state in %s", stateful, len(want), handSpecFile)
	}
	for _, row := range []string{
		"| `CreateUserUsageDataExportTask` | stateful (export tasks: usage) |",
		"| `RefreshObjectCaches` | stateful (cache-task) |",
		"| `DescribeRefreshQuota` | stateful (quotas) |",
		"| `AddCdnDomain` | stateful (domain) |",
		"| `DeleteSpecificConfig` | stateful (domain-config) |",
		"| `CheckCdnDomainExist` | stateful (domain) |",
		"| `CheckCdnDomainICP` | stateless (schema-valid examples) |",
	} {
		if !bytes.Contains(res.Coverage, []byte(row)) {
			t.Errorf("the coverage page lacks the row %s", row)
		}
	}
	if rated < 130 {
		t.Errorf("only %d operations with a rate limit", rated)
	}
	if !bytes.Contains(res.Spec, []byte("x-acs-host-id: cdn.aliyuncs.com\n")) {
		t.Error("the host id is not cdn.aliyuncs.com")
	}
}

// TestCommonErrorsMatchHandSpec keeps CommonErrors a copy of the hand-written
// spec's x-acs-common-errors.
func TestCommonErrorsMatchHandSpec(t *testing.T) {
	data, err := spec.FS.ReadFile(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Common []struct {
			Code    string `yaml:"code"`
			Status  int    `yaml:"status"`
			Message string `yaml:"message"`
		} `yaml:"x-acs-common-errors"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var hand []ErrorDef
	for _, d := range doc.Common {
		hand = append(hand, ErrorDef{d.Code, d.Status, d.Message})
	}
	if len(hand) != len(CommonErrors) {
		t.Fatalf("spec/%s lists %d common errors, CommonErrors %d: copy the list", spec.Default, len(hand), len(CommonErrors))
	}
	for i := range hand {
		if hand[i] != CommonErrors[i] {
			t.Errorf("common error %d: spec/%s has %+v, CommonErrors %+v", i, spec.Default, hand[i], CommonErrors[i])
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := slices.Sorted(maps.Keys(m))
	return keys
}

// firstDiff shows the first differing line, for short failure messages.
func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n  have: " + x + "\n  want: " + y
		}
	}
	return "(only line endings differ)"
}
