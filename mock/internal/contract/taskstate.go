package contract

import (
	"regexp"
	"slices"
	"strings"
)

// Task state, driven by the spec. An operation with x-mock-state creates,
// lists or deletes tasks of a family, per account:
//
//	x-mock-state: {tasks: usage, do: create, report: pdf}
//	x-mock-state: {tasks: usage, do: list}
//	x-mock-state: {tasks: usage, do: delete, notFound: InvalidTaskId.Malformed}
//
// This package reads and checks the hook as data. It runs (package tasks,
// hook.go) once the request passed validation and returns what it
// stored or found, which the fixture shows as .Task (the created task) and
// .Page (one page of the list). The parameters it reads follow the API's
// names, and the spec must declare them: create reads
// StartTime, EndTime and TaskName, and keeps every declared parameter for
// the report; list reads PageSize and PageNumber; delete reads TaskId.
type TaskHook struct {
	Tasks    string `json:"tasks"`    // the family: what one create makes, its list and delete see
	Do       string `json:"do"`       // create, list or delete
	Report   string `json:"report"`   // create: the file its download serves, a key of reports
	NotFound string `json:"notFound"` // delete: the code for a TaskId the account does not have
}

// The hook's actions, and the parameters each one reads.
const (
	DoCreate = "create"
	DoList   = "list"
	DoDelete = "delete"

	ParamStartTime  = "StartTime"
	ParamEndTime    = "EndTime"
	ParamTaskName   = "TaskName"
	ParamPageSize   = "PageSize"
	ParamPageNumber = "PageNumber"
	ParamTaskID     = "TaskId"
)

var hookParams = map[string][]string{
	DoCreate: {ParamStartTime, ParamEndTime},
	DoList:   {ParamPageSize, ParamPageNumber},
	DoDelete: {ParamTaskID},
}

var familyName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// ParseTaskHook reads an operation's x-mock-state, if any, and checks it
// against the operation and the reports an export can serve: nil when absent or wrong (problems are reported).
func parseTaskHook(ext map[string]any, op *Operation, knownCode func(string) bool, reports []string, problem func(sub, format string, args ...any)) *TaskHook {
	if raw, ok := ext["x-mock-state"].(map[string]any); !ok || raw["tasks"] == nil {
		return nil // absent, or a resource's hook (statehook.go)
	}
	const sub = "/x-mock-state"
	var h TaskHook
	if err := DecodeExtension(ext, "x-mock-state", &h); err != nil {
		problem(sub, "%v", err)
		return nil
	}
	bad := false
	fail := func(format string, args ...any) { problem(sub, format, args...); bad = true }
	if !familyName.MatchString(h.Tasks) {
		fail("tasks: name the family of tasks in lower case, e.g. usage, not %q", h.Tasks)
	}
	need, ok := hookParams[h.Do]
	if !ok {
		fail("do: %q; want create, list or delete", h.Do)
	}
	for _, p := range need {
		if !op.HasParam(p) {
			fail("do: %s reads the parameter %s, which %s does not declare", h.Do, p, op.Name)
		}
	}
	switch {
	case h.Do == DoCreate && !slices.Contains(reports, h.Report):
		fail("report: %q; a create names the file its tasks serve: %s", h.Report, strings.Join(reports, ", "))
	case h.Do != DoCreate && h.Report != "":
		fail("report: only a create names a report")
	}
	switch {
	case h.Do == DoDelete && h.NotFound == "":
		fail("notFound: a delete names the code for an unknown TaskId")
	case h.Do == DoDelete && !knownCode(h.NotFound):
		fail("notFound: %s is not documented for %s (x-acs-errors) nor common (x-acs-common-errors)", h.NotFound, op.Name)
	case h.Do != DoDelete && h.NotFound != "":
		fail("notFound: only a delete answers it")
	}
	if bad {
		return nil
	}
	return &h
}
