package mock_test

import (
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// Broken onFull, full and update settings are refused at load with one
// problem each, naming what is wrong, not with the noise of every
// operation of a resource dropped for it (or of a resource whose create
// was refused "created by no operation").
func TestBrokenResourceLimits(t *testing.T) {
	good := shippedSpec(t)
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"an unknown onFull", "    onFull: refuse\n  domain-config:", "    onFull: reject\n  domain-config:", "onFull"},
		{"refuse without a full code", "        full: DomainOverLimit\n        invalid: InvalidSources.Malformed", "        invalid: InvalidSources.Malformed",
			"full: domain refuses creates when full"},
		{"an undocumented full code", "        full: ConfigExceedLimit", "        full: ConfigsFull", "full: ConfigsFull is not documented"},
		{"update without notFound", `update: {key: "{{ with .Each.Function.configId }}{{ . }}{{ end }}", notFound: Config.NotFound}`,
			`update: {key: "{{ with .Each.Function.configId }}{{ . }}{{ end }}"}`, "update: needs key"},
		{"update's key that does not compile", `update: {key: "{{ with .Each.Function.configId }}{{ . }}{{ end }}"`,
			`update: {key: "{{ with .Each.Function.configId }}{{ . }}"`, "update.key"},
		{"a resource no operation creates", "x-mock-resources:\n", "x-mock-resources:\n  orphan:\n    key: Id\n", "x-mock-resources.orphan: no operation creates it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.old) {
				t.Fatalf("the shipped spec has no %q", tc.old)
			}
			got := problems(t, mock.Config{Spec: []byte(strings.Replace(good, tc.old, tc.new, 1)), SpecFile: "spec.yaml"})
			assertProblems(t, got, tc.want)
		})
	}
}

// x-mock-fold on an operation that keeps no resource state would change
// nothing: refused at load, naming the parameter.
func TestFoldWithoutState(t *testing.T) {
	good := shippedSpec(t)
	old := "      operationId: CreateUserUsageDataExportTask\n"
	i := strings.Index(good, old)
	j := strings.Index(good[i:], "        - name: StartTime\n")
	if i < 0 || j < 0 {
		t.Fatal("the shipped spec has no CreateUserUsageDataExportTask StartTime")
	}
	k := i + j + len("        - name: StartTime\n")
	broken := good[:k] + "          x-mock-fold: lower\n" + good[k:]
	got := problems(t, mock.Config{Spec: []byte(broken), SpecFile: "spec.yaml"})
	assertProblems(t, got, "x-mock-fold: CreateUserUsageDataExportTask keeps no resource state")
}
