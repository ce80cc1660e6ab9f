package mock

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/spec"
	genspec "github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

// leanDropped are the keys kin-openapi's MarshalJSON writes that draft 4
// does not validate with, which leanSchema leaves out.
var leanDropped = []string{"example", "description", "title", "default", "nullable", "readOnly", "writeOnly",
	"deprecated", "xml", "discriminator", "externalDocs", "allowEmptyValue"}

// stripForLean removes from a marshalled schema what leanSchema leaves out.
func stripForLean(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range leanDropped {
			delete(x, k)
		}
		for k, c := range x {
			switch {
			case strings.HasPrefix(k, "x-"):
				delete(x, k)
			case k == "properties":
				for pk, pv := range c.(map[string]any) {
					c.(map[string]any)[pk] = stripForLean(pv)
				}
			case k == "items" || k == "not" || k == "additionalProperties":
				x[k] = stripForLean(c)
			case k == "oneOf" || k == "anyOf" || k == "allOf":
				for i, s := range c.([]any) {
					c.([]any)[i] = stripForLean(s)
				}
			}
		}
	}
	return v
}

// TestLeanSchemaIsTheMarshalledOne: for every response schema of both spec
// files, leanSchema writes what json.Marshal writes, less the keys draft 4
// ignores, so fixtures are checked as before.
func TestLeanSchemaIsTheMarshalledOne(t *testing.T) {
	for _, f := range []struct {
		name string
		read func(string) ([]byte, error)
		file string
	}{{"hand", spec.FS.ReadFile, spec.Default}, {"generated", genspec.FS.ReadFile, genspec.Default}} {
		data, err := f.read(f.file)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := contract.Load(f.file, data, contract.LoadOptions{Reports: reportNames()})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range sp.Names {
			op := sp.Ops[name]
			lean, ok := leanSchema(op.Response)
			if !ok {
				t.Errorf("%s %s: not written lean", f.name, name)
				continue
			}
			full, err := json.Marshal(op.Response)
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			if err := json.Unmarshal(lean, &a); err != nil {
				t.Fatalf("%s %s: lean JSON does not parse: %v\n%s", f.name, name, err, lean)
			}
			if err := json.Unmarshal(full, &b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, stripForLean(b)) {
				t.Errorf("%s %s:\n lean %s\n full %s", f.name, name, lean, full)
			}
		}
	}
}

func TestLeanSchemaFallsBack(t *testing.T) {
	str := &openapi3.Types{openapi3.TypeString}
	for name, s := range map[string]*openapi3.Schema{
		"const (OpenAPI 3.1)": {Type: str, Const: "x"},
		"a $ref": {Type: &openapi3.Types{openapi3.TypeObject}, Properties: openapi3.Schemas{
			"A": {Ref: "#/components/schemas/A", Value: &openapi3.Schema{Type: str}}}},
		"an extension not named x-": {Type: str, Extensions: map[string]any{"id": "x"}},
		"a numeric exclusive bound": {Type: str, ExclusiveMin: openapi3.ExclusiveBound{Value: new(float64)}},
	} {
		if _, ok := leanSchema(s); ok {
			t.Errorf("%s: written lean", name)
		}
	}
}
