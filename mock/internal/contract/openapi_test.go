package contract

import (
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	genspec "github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

// TestSplitPaths: the generated spec read in parts has every path of the
// whole; documents of another layout are read whole.
func TestSplitPaths(t *testing.T) {
	data, err := genspec.FS.ReadFile(genspec.Default)
	if err != nil {
		t.Fatal(err)
	}
	parts := splitPaths(data, 4)
	if len(parts) < 2 {
		t.Fatalf("the generated spec is not split: %d parts", len(parts))
	}
	split, err := loadOpenAPI(data)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := loadDoc(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := split.Paths.InMatchingOrder(), whole.Paths.InMatchingOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("split paths %d, whole %d", len(got), len(want))
	}
	for path, item := range whole.Paths.Map() {
		if got := split.Paths.Value(path); got == nil || !reflect.DeepEqual(opIDs(got), opIDs(item)) {
			t.Errorf("%s differs", path)
		}
	}

	s := string(data)
	for name, doc := range map[string]string{
		"a key after paths": s + "components: {}\n",
		"a path twice":      s + s[strings.Index(s, "  /?Action=AddCdnDomain:"):],
		"a tab":             s + "\t\n",
		"a second document": s + "---\n",
		"an odd indent":     strings.Replace(s, "  /?Action=AddFCTrigger:", " /?Action=AddFCTrigger:", 1),
		"small":             s[:splitMin-1],
	} {
		if parts := splitPaths([]byte(doc), 4); parts != nil {
			t.Errorf("%s: split into %d parts", name, len(parts))
		}
	}
	if parts := splitPaths(data, 1); parts != nil {
		t.Error("split for one processor")
	}
}

func opIDs(item *openapi3.PathItem) map[string]string {
	out := map[string]string{}
	for m, o := range item.Operations() {
		out[m] = o.OperationID
	}
	return out
}
