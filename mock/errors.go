package mock

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// ErrorDef is one error code as the spec documents it.
type ErrorDef struct {
	Code    string `json:"code"`
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// apiError is an error of the emulated API, sent to clients in Alibaba's
// error envelope. Errors of the mock itself use codes starting with "Mock.".
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// withName fills the "{name}" placeholder that generic messages carry.
func (d ErrorDef) withName(name string) *apiError {
	return &apiError{Status: d.Status, Code: d.Code, Message: strings.ReplaceAll(d.Message, "{name}", name)}
}

// The gateway errors the server itself produces. Their statuses and messages
// come from the spec's x-acs-common-errors; New refuses a spec that lacks one.
const (
	codeMissingParameter      = "MissingParameter"
	codeInvalidParameter      = "InvalidParameter"
	codeInvalidFormat         = "InvalidParameter.Format"
	codeInvalidVersion        = "InvalidVersion"
	codeInvalidActionNotFound = "InvalidAction.NotFound"
	codeUnsupportedMethod     = "UnsupportedHTTPMethod"
	codeThrottlingUser        = "Throttling.User"
)

var requiredCommonErrors = []string{
	codeMissingParameter, codeInvalidParameter, codeInvalidFormat,
	codeInvalidVersion, codeInvalidActionNotFound, codeUnsupportedMethod,
	codeThrottlingUser,
}

// Errors of the mock itself, in the same envelope so SDKs still show them.
func errUnknownScenario(name string, valid []string) *apiError {
	return &apiError{
		Status:  http.StatusBadRequest,
		Code:    "Mock.UnknownScenario",
		Message: fmt.Sprintf("X-Mock-Scenario names no scenario: %q. Valid scenarios: %s.", name, strings.Join(valid, ", ")),
	}
}

func errRender(action string, err error) *apiError {
	return &apiError{
		Status:  http.StatusInternalServerError,
		Code:    "Mock.FixtureError",
		Message: fmt.Sprintf("rendering the fixture for %s failed: %v", action, err),
	}
}

func errBadRequest(msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "Mock.BadRequest", Message: msg}
}

// errDelayHeader answers an X-Mock-Delay that ParseDelay refused: a delay
// above MaxDelay has a code of its own, so a client can tell it from a typo.
func errDelayHeader(err error) *apiError {
	code := "Mock.BadRequest"
	if errors.Is(err, errDelayTooLong) {
		code = "Mock.DelayTooLong"
	}
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: HeaderDelay + ": " + err.Error()}
}

// Problem is one thing wrong in the mock's own files, with where it is.
type Problem struct {
	File    string
	Line    int    // 0 when unknown
	Field   string // dotted path inside the file, "" for the whole file
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every problem found while loading, reported all at once.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problem(s):\n  %s", len(ps), strings.Join(lines, "\n  "))
}

func (ps *Problems) add(file string, line int, field, format string, args ...any) {
	*ps = append(*ps, Problem{File: file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns nil when there are no problems, so callers can return it directly.
func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
	return ps
}
