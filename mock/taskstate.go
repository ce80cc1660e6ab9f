package mock

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Task state, driven by the spec. An operation with x-mock-state creates,
// lists or deletes tasks of a family, per account:
//
//	x-mock-state: {tasks: usage, do: create, report: pdf}
//	x-mock-state: {tasks: usage, do: list}
//	x-mock-state: {tasks: usage, do: delete, notFound: InvalidTaskId.Malformed}
//
// The hook runs once the request passed validation (process, in
// server.go); what it stored or found reaches the fixture as .Task (the
// created task) and .Page (one page of the list). The parameters it reads
// follow the API's names, and the spec must declare them: create reads
// StartTime, EndTime and TaskName, and keeps every declared parameter for
// the report; list reads PageSize and PageNumber; delete reads TaskId.
type taskHook struct {
	Tasks    string `json:"tasks"`    // the family: what one create makes, its list and delete see
	Do       string `json:"do"`       // create, list or delete
	Report   string `json:"report"`   // create: the file its download serves, a key of reports
	NotFound string `json:"notFound"` // delete: the code for a TaskId the account does not have
}

// The hook's actions, and the parameters each one reads.
const (
	doCreate = "create"
	doList   = "list"
	doDelete = "delete"

	paramStartTime  = "StartTime"
	paramEndTime    = "EndTime"
	paramTaskName   = "TaskName"
	paramPageSize   = "PageSize"
	paramPageNumber = "PageNumber"
	paramTaskID     = "TaskId"
)

var hookParams = map[string][]string{
	doCreate: {paramStartTime, paramEndTime},
	doList:   {paramPageSize, paramPageNumber},
	doDelete: {paramTaskID},
}

var familyName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// parseTaskHook reads an operation's x-mock-state, if any, and checks it
// against the operation: nil when absent or wrong (problems are reported).
func parseTaskHook(ext map[string]any, op *Operation, knownCode func(string) bool, problem func(sub, format string, args ...any)) *taskHook {
	if _, ok := ext["x-mock-state"]; !ok {
		return nil
	}
	const sub = "/x-mock-state"
	var h taskHook
	if err := decodeExtension(ext, "x-mock-state", &h); err != nil {
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
		if !op.hasParam(p) {
			fail("do: %s reads the parameter %s, which %s does not declare", h.Do, p, op.Name)
		}
	}
	switch {
	case h.Do == doCreate && reports[h.Report].make == nil:
		fail("report: %q; a create names the file its tasks serve: %s", h.Report, strings.Join(reportNames(), ", "))
	case h.Do != doCreate && h.Report != "":
		fail("report: only a create names a report")
	}
	switch {
	case h.Do == doDelete && h.NotFound == "":
		fail("notFound: a delete names the code for an unknown TaskId")
	case h.Do == doDelete && !knownCode(h.NotFound):
		fail("notFound: %s is not documented for %s (x-acs-errors) nor common (x-acs-common-errors)", h.NotFound, op.Name)
	case h.Do != doDelete && h.NotFound != "":
		fail("notFound: only a delete answers it")
	}
	if bad {
		return nil
	}
	return &h
}

// checkTaskOutcome holds a scenario step's task field (how created tasks
// end) to the operation: only a create's success outcomes have one.
func checkTaskOutcome(st *Step, op *Operation, problem func(key, format string, args ...any)) {
	switch {
	case st.Task == "":
	case op.state == nil || op.state.Do != doCreate:
		problem("task", "applies to operations that create tasks (x-mock-state do: create); %s does not", op.Name)
	case st.Error != "" || st.Fault != "":
		problem("task", "applies to success outcomes only")
	}
}

// taskData is what the hook hands the fixture.
type taskData struct {
	Task *TaskView // the task a create stored
	Page *TaskPage // the page a list found
}

// TaskView is a task as the API shows it; its JSON is one item of a list.
type TaskView struct {
	TaskId      string         //nolint:revive // named as in the API
	TaskName    string         // may be ""
	Status      string         // created, success or failed
	CreateTime  string         // yyyy-MM-ddTHH:mm:ssZ
	UpdateTime  string         // when it finished; CreateTime until then
	DownloadUrl string         //nolint:revive // "" until it succeeded
	TaskConfig  TaskConfigView // the period exported
}

// TaskConfigView is the period a task exports.
type TaskConfigView struct{ StartTime, EndTime string }

// TaskPage is one page of a family's tasks, newest first.
type TaskPage struct {
	Size, Number int // as asked (defaults filled in)
	Total        int // the account's tasks in the family, on every page
	Items        []TaskView
}

// apply runs the operation's x-mock-state after the request passed
// validation, and leaves in x what the fixture shows. Its error is the
// API's answer.
func (ts *taskStore) apply(r *http.Request, sp *Spec, op *Operation, x *exchange, now time.Time) *apiError {
	h := op.state
	params := op.withDefaults(x.call.Params)
	account := x.call.account() // the key's account with --credentials, else the access key id (auth.go)
	switch h.Do {
	case doCreate:
		kept := declaredParams(op, params)
		name, ok := kept[paramTaskName]
		if !ok { // an operation that does not declare it may still be sent one
			name = keptCopy(params.Get(paramTaskName), taskValueBytes)
		}
		t := &task{
			Account: account, Family: h.Tasks, Report: h.Report,
			Name: name, Start: kept[paramStartTime], End: kept[paramEndTime],
			Params: kept, Created: now, Done: now.Add(ts.duration), Outcome: statusSuccess,
		}
		if x.outcome.Task != "" {
			t.Outcome = x.outcome.Task
		}
		if err := ts.create(t); err != nil {
			return errState(err)
		}
		v := t.view(now, baseURL(r))
		x.tasks.Task = &v
	case doList:
		size := intParam(params, op, paramPageSize)
		number := intParam(params, op, paramPageNumber)
		all := ts.list(account, h.Tasks, now)
		page := &TaskPage{Size: size, Number: number, Total: len(all), Items: []TaskView{}}
		if from := (number - 1) * size; from < len(all) {
			base := baseURL(r)
			for _, t := range all[from:min(from+size, len(all))] {
				page.Items = append(page.Items, t.view(now, base))
			}
		}
		x.tasks.Page = page
	case doDelete:
		found, err := ts.delete(account, h.Tasks, params.Get(paramTaskID), now)
		if err != nil {
			return errState(err)
		}
		if !found && x.outcome.Validate { // a scenario without validation (success) answers success
			def, _ := sp.errorDef(op, h.NotFound) // checked at load
			return def.withName(paramTaskID)
		}
	}
	return nil
}

// taskValueBytes bounds each value a task keeps, as journalValueBytes does
// for the journal: a longer one is cut and ends with the journal's marker.
// Tasks live as long as the server (up to maxTasks of them) and go to the
// --state file, so they keep copies, never the request's own strings,
// which may pin its whole body. Real values (dates, a name, a few domains)
// are far shorter; an operation declares a handful of parameters, so a
// task holds at most about 8 KiB besides its access key id.
const taskValueBytes = 1 << 10

// declaredParams keeps the first value of each parameter the operation
// declares, for the report (Language, Type, DomainNames…), each a copy cut
// to taskValueBytes. The task's name and period are read from it too, so
// they share its copies.
func declaredParams(op *Operation, params url.Values) map[string]string {
	out := map[string]string{}
	for _, p := range op.Params {
		if v := params.Get(p.Name); v != "" {
			out[p.Name] = keptCopy(v, taskValueBytes) // journal.go
		}
	}
	return out
}

// intParam reads a page parameter; validation checked it unless the
// scenario skips validation, so anything unusable falls back to the spec's
// default, then to 20 items or page 1.
func intParam(params url.Values, op *Operation, name string) int {
	if n, err := strconv.Atoi(params.Get(name)); err == nil && n > 0 {
		return n
	}
	for _, p := range op.Params {
		if n, err := strconv.Atoi(p.Default); p.Name == name && err == nil && n > 0 {
			return n
		}
	}
	if name == paramPageSize {
		return 20
	}
	return 1
}

// baseURL is where the request came in: download links point back there.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func errState(err error) *apiError {
	return &apiError{Status: http.StatusInternalServerError, Code: "Mock.StateError",
		Message: fmt.Sprintf("the mock could not keep its task state: %v", err)}
}

// sampleTaskData is what fixtures see at load, when they are checked
// against the spec: one finished task, made from the spec's examples.
func sampleTaskData(values map[string][]string, now time.Time) taskData {
	first := func(name, def string) string {
		if v := values[name]; len(v) > 0 && v[0] != "" {
			return v[0]
		}
		return def
	}
	now = now.UTC()
	v := TaskView{
		TaskId: "100001", TaskName: first(paramTaskName, "Refresh"), Status: statusSuccess,
		CreateTime: now.Add(-90 * time.Second).Format(timeLayout), UpdateTime: now.Format(timeLayout),
		DownloadUrl: "http://127.0.0.1:8080" + AdminPrefix + "/downloads/sample",
		TaskConfig: TaskConfigView{
			StartTime: first(paramStartTime, now.Add(-24*time.Hour).Format(timeLayout)),
			EndTime:   first(paramEndTime, now.Format(timeLayout)),
		},
	}
	return taskData{Task: &v, Page: &TaskPage{Size: 20, Number: 1, Total: 1, Items: []TaskView{v}}}
}

// sortNewestFirst orders tasks by creation time, newest first; tasks made
// at the same instant, the later created first.
func sortNewestFirst(ts []*task) {
	sort.Slice(ts, func(i, j int) bool {
		if !ts[i].Created.Equal(ts[j].Created) {
			return ts[i].Created.After(ts[j].Created)
		}
		return ts[i].Seq > ts[j].Seq
	})
}
