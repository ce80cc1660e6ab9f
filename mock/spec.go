package mock

import (
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// The contract's types under the names mock has always given them.
type (
	// Spec is a loaded and checked API description: everything the server
	// knows about the API comes from here.
	Spec = contract.Spec
	// Operation is one Action of the API.
	Operation = contract.Operation
	// Param is one request parameter.
	Param = contract.Param
	// ErrorDef is one error code as the spec documents it.
	ErrorDef = contract.ErrorDef
	// Violation is one way a request broke the spec.
	Violation = contract.Violation

	apiError = contract.APIError

	// Call is one decoded RPC request: which Action, who calls, and with what.
	Call = wire.Call

	// Fixture is one success body of an operation, compiled.
	Fixture = fixture.Fixture
	// TaskPage is one page of a family's tasks, as a list's fixture shows it.
	TaskPage = fixture.TaskPage
	// TaskView is an export task as the API shows it to a fixture.
	TaskView = fixture.TaskView
	// TaskConfigView is the period an export task exports.
	TaskConfigView = fixture.TaskConfigView
)

// LoadSpec parses and checks an OpenAPI document in the mock's conventions
// (see the comment at the top of spec/cdn-2018-05-10.yaml). file names the
// document in problem reports.
func LoadSpec(file string, data []byte) (*Spec, error) {
	return contract.Load(file, data, contract.LoadOptions{RequireCommon: true, Reports: tasks.ReportNames()})
}
