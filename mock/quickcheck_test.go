package mock

import (
	"context"
	"net/url"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/spec"
)

// quickCheck may only ever say "valid" when the full validation agrees.
func TestQuickCheckNeverDisagrees(t *testing.T) {
	data, _ := spec.FS.ReadFile(spec.Default)
	sp, err := LoadSpec("spec.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	candidates := []string{"", "2026-11-01T00:00:00Z", "2026-13-01T00:00:00Z", "x", "zh-cn", "en-us", "EN-US",
		"0", "1", "20", "50", "51", "05", "+5", "5.0", "-1", "100000", "100001", "flow", "vas", "中文"}
	helped := 0
	for _, name := range sp.OperationNames() {
		op := sp.Operation(name)
		q := op.quick()
		for _, p := range op.Params {
			for _, v := range candidates {
				for _, values := range [][]string{{v}, {v, v}} {
					params := url.Values{}
					for _, other := range op.Params { // every other parameter valid, from its example
						if other.Example != "" && other != p {
							params.Set(other.Name, other.Example)
						}
					}
					params[p.Name] = values
					full := sp.validateFully(context.Background(), op, params)
					var fullErrs []Violation
					for _, f := range full {
						if f.err != nil {
							fullErrs = append(fullErrs, f)
						}
					}
					quick := q.valid(params)
					if quick && len(fullErrs) > 0 {
						t.Errorf("%s %s=%q: quick check says valid, the spec says %v", name, p.Name, values, fullErrs)
					}
					if quick {
						helped++
					}
				}
			}
		}
	}
	if helped == 0 {
		t.Error("the quick check never helped: it should pass the common valid request")
	}
}
