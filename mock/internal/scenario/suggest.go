package scenario

import (
	"fmt"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// hintListMax is how many operations a message lists in full; a larger spec
// (the generated layer has 166) gets the closest names instead.
const hintListMax = 20

// operationHint says which operations a name that matches none could have
// meant: all of them in a small spec, else the closest spellings.
func operationHint(spec *contract.Spec, name string) string {
	names := spec.OperationNames()
	if len(names) <= hintListMax {
		return "known operations: " + strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s (%d operations; GET %s/operations lists them)", diag.Suggestion(name, names), len(names), adminapi.Prefix)
}

// Unknown says that no scenario is called name, which of names it most
// likely meant, and where to list them all: a few hundred characters
// however many scenarios there are (the spec's codes make ~300).
func Unknown(name string, names []string) string {
	if name == "" {
		return fmt.Sprintf("no scenario named; give one, such as %q (%d scenarios; GET %s/scenarios or cdnmock scenario list shows them)",
			ScenarioDefault, len(names), adminapi.Prefix)
	}
	return fmt.Sprintf("no scenario %s; %s (%d scenarios; GET %s/scenarios or cdnmock scenario list shows them)",
		diag.Quote(name), diag.Suggestion(name, names), len(names), adminapi.Prefix)
}
