package mock_test

import (
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// TestBrokenStateRules: the rule kinds, filters, each bounds and folds of
// the stateful operations are checked at load, each problem named.
func TestBrokenStateRules(t *testing.T) {
	good := shippedSpec(t)
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"requires on an unknown parameter", "if: [DomainName, Status]", "if: [DomainName, Statuss]",
			"requires rule: if[1]: Statuss is not a parameter of DescribeRefreshTasks"},
		{"requires with an undocumented code", "error: MissingParameter.ObjectType", "error: MissingObjectType",
			"x-mock-rules.0.error: MissingObjectType is not documented for DescribeRefreshTasks"},
		{"time-range with an undocumented together code", "together: MissingTimeParameter", "together: MissingTimes",
			"x-mock-rules.1.error: MissingTimes is not documented for DescribeRefreshTasks"},
		{"a match kind matchBy maps to that does not exist", "pre_match: prefix", "pre_match: starts",
			`DomainName: matchBy.kinds.pre_match: "starts" is not a match kind`},
		{"hide without values", "match: hide, values: [checking, check_failed, configure_failed]", "match: hide",
			"CheckDomainShow: values go with match hide, and hide needs them"},
		{"an each pattern that does not compile", "maxLength: 1024, invalid: InvalidObjectPath.Malformed}]", "maxLength: 1024, invalid: InvalidObjectPath.Malformed, pattern: '('}]",
			"each: pattern"},
		{"a fold that is not lower", "x-mock-fold: lower", "x-mock-fold: upper",
			"x-mock-fold: lower is the one fold"},
		{"an empty assumption", `x-mock-assumed: ["an id the domain lacks`, `x-mock-assumed: ["", "an id the domain lacks`,
			"DeleteSpecificConfig.post.x-mock-state: x-mock-assumed[0]: empty"},
		{"an assumption that is not a list", `x-mock-assumed: ["an id the domain lacks refuses the whole call: nothing is deleted"]`, `x-mock-assumed: 3`,
			"x-mock-state: malformed"},
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
