package contract

import (
	"fmt"
	"strings"
)

// ErrorDef is one error code as the spec documents it.
type ErrorDef struct {
	Code    string `json:"code"`
	Status  int    `json:"status"`
	Message string `json:"message"`
	// Assumed, when set, says why the mock answers a code the metadata
	// does not document for the operation (x-mock-assumed).
	Assumed string `json:"x-mock-assumed,omitempty"`
}

// APIError is an error of the emulated API, sent to clients in Alibaba's
// error envelope. Errors of the mock itself use codes starting with "Mock.".
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// WithName fills the "{name}" placeholder that generic messages carry.
func (d ErrorDef) WithName(name string) *APIError {
	return &APIError{Status: d.Status, Code: d.Code, Message: strings.ReplaceAll(d.Message, "{name}", name)}
}

// The gateway errors the server itself produces. Their statuses and messages
// come from the spec's x-acs-common-errors; New refuses a spec that lacks one.
const (
	CodeMissingParameter      = "MissingParameter"
	CodeInvalidParameter      = "InvalidParameter"
	CodeInvalidFormat         = "InvalidParameter.Format"
	CodeInvalidVersion        = "InvalidVersion"
	CodeInvalidActionNotFound = "InvalidAction.NotFound"
	CodeUnsupportedMethod     = "UnsupportedHTTPMethod"
	CodeThrottlingUser        = "Throttling.User"
)

var requiredCommonErrors = []string{
	CodeMissingParameter, CodeInvalidParameter, CodeInvalidFormat,
	CodeInvalidVersion, CodeInvalidActionNotFound, CodeUnsupportedMethod,
	CodeThrottlingUser,
}
