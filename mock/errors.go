package mock

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"
)

// Errors of the mock itself, in the same envelope so SDKs still show them.
func errUnknownScenario(name string, valid []string) *apiError {
	return &apiError{
		Status:  http.StatusBadRequest,
		Code:    "Mock.UnknownScenario",
		Message: HeaderScenario + ": " + scenario.Unknown(name, valid),
	}
}

func errNotBound(accessKeyID string) error {
	return fmt.Errorf("access key %s is not bound to a scenario (GET %s/scenarios lists the bindings)", diag.Quote(accessKeyID), AdminPrefix)
}

func errRender(action string, err error) *apiError {
	return &apiError{
		Status:  http.StatusInternalServerError,
		Code:    "Mock.FixtureError",
		Message: fmt.Sprintf("rendering the fixture for %s failed: %v", action, err),
	}
}

// errOperationUnavailable answers a call of a generated operation that
// failed to load on its first call (package fixture, lazy.go): the
// embedded files are checked by validate and CI, so this is a bug.
func errOperationUnavailable(action string, err error) *apiError {
	return &apiError{
		Status:  http.StatusInternalServerError,
		Code:    "Mock.OperationUnavailable",
		Message: fmt.Sprintf("the mock cannot load %s: %v", action, err),
	}
}

// errDelayHeader answers an X-Mock-Delay that ParseDelay refused: a delay
// above MaxDelay has a code of its own, so a client can tell it from a typo.
func errDelayHeader(err error) *apiError {
	code := "Mock.BadRequest"
	if errors.Is(err, scenario.ErrDelayTooLong) {
		code = "Mock.DelayTooLong"
	}
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: HeaderDelay + ": " + err.Error()}
}

// Problem is one thing wrong in the mock's own files, with where it is.
type Problem = diag.Problem

// Problems is every problem found while loading, reported all at once.
type Problems = diag.Problems
