package mock_test

import (
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// A filter's text template that does not compile is refused at load,
// naming the filter, like every other broken state rule.
func TestBrokenFilterText(t *testing.T) {
	good := shippedSpec(t)
	old := `text: '{{ join (pluck .Source "Content") "\n" }}'`
	if !strings.Contains(good, old) {
		t.Fatalf("the shipped spec has no %q", old)
	}
	got := problems(t, mock.Config{Spec: []byte(strings.Replace(good, old, `text: '{{ join (pluck .Source "Content") }'`, 1)), SpecFile: "spec.yaml"})
	assertProblems(t, got, "filters: Source: text:")
}
