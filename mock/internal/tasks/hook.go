package tasks

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/paging"
)

// Apply runs the operation's x-mock-state after the request passed
// validation, for the caller's account (with --credentials the key's
// account, else the access key id), and returns what the fixture shows.
// Two things of the outcome chosen matter: how a created task ends
// (taskOutcome, StatusFailed or "" for success) and whether it validates
// (a delete of an unknown task is then the spec's error). Its error is the
// API's answer.
func (ts *Store) Apply(r *http.Request, sp *contract.Spec, op *contract.Operation, account string, params url.Values, taskOutcome string, validate bool, now time.Time) (fixture.Tasks, *contract.APIError) {
	h := op.State
	params = op.WithDefaults(params)
	var made fixture.Tasks
	switch h.Do {
	case contract.DoCreate:
		var buf [maxDeclaredOnStack]Param
		kept, name := declaredParams(op, params, buf[:0]), ""
		if !slices.ContainsFunc(kept, func(p Param) bool { return p.Name == contract.ParamTaskName }) {
			name = params.Get(contract.ParamTaskName) // an operation that does not declare it may still be sent one
		}
		t := &Task{Account: account, Family: h.Tasks, Report: h.Report, Created: now, Done: now.Add(ts.duration),
			failed: taskOutcome == StatusFailed}
		if err := ts.create(t, kept, name); err != nil {
			return made, errState(err)
		}
		v := t.View(now, r)
		made.Task = &v
	case contract.DoList:
		size := intParam(params, op, contract.ParamPageSize)
		number := intParam(params, op, contract.ParamPageNumber)
		all := ts.list(account, h.Tasks, now)
		page := &fixture.TaskPage{Size: size, Number: number, Total: len(all), Items: []fixture.TaskView{}}
		// Without validation any number and size get here: paging never overflows.
		from, to := paging.Bounds(int64(number), int64(size), len(all))
		for _, t := range all[from:to] {
			page.Items = append(page.Items, t.View(now, r))
		}
		made.Page = page
	case contract.DoDelete:
		found, err := ts.delete(account, h.Tasks, params.Get(contract.ParamTaskID), now)
		if err != nil {
			return made, errState(err)
		}
		if !found && validate { // a scenario without validation (success) answers success
			def, _ := sp.ErrorDef(op, h.NotFound) // checked at load
			return made, def.WithName(contract.ParamTaskID)
		}
	}
	return made, nil
}

// ValueBytes bounds each value a task keeps, as the journal bounds its
// values: a longer one is cut and ends with the journal's marker. Tasks
// live as long as the server (up to maxTasks of them) and go to the
// --state file, so they keep copies, never the request's own strings,
// which may pin its whole body. Real values (dates, a name, a few domains)
// are far shorter; an operation declares a handful of parameters, so a
// task holds at most about 8 KiB besides its access key id.
const ValueBytes = 1 << 10

// maxDeclaredOnStack is how many declared parameters a create holds
// without allocating: an operation declares a handful; more only make
// append allocate.
const maxDeclaredOnStack = 16

// declaredParams appends to kept the first value of each parameter the
// operation declares, for the report (Language, Type, DomainNames…); the
// task's name and period are read from them too. keep copies them.
func declaredParams(op *contract.Operation, params url.Values, kept []Param) []Param {
	for _, p := range op.Params {
		if v := params.Get(p.Name); v != "" {
			kept = append(kept, Param{p.Name, v})
		}
	}
	return kept
}

// intParam reads a page parameter; validation checked it unless the
// scenario skips validation, so anything unusable falls back to the spec's
// default, then to 20 items or page 1.
func intParam(params url.Values, op *contract.Operation, name string) int {
	if n, err := strconv.Atoi(params.Get(name)); err == nil && n > 0 {
		return n
	}
	for _, p := range op.Params {
		if n, err := strconv.Atoi(p.Default); p.Name == name && err == nil && n > 0 {
			return n
		}
	}
	if name == contract.ParamPageSize {
		return 20
	}
	return 1
}

// BaseURL is where the request came in: download links point back there.
func BaseURL(r *http.Request) string { return scheme(r) + "://" + r.Host }

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

func errState(err error) *contract.APIError {
	return &contract.APIError{Status: http.StatusInternalServerError, Code: "Mock.StateError",
		Message: fmt.Sprintf("the mock could not keep its Task state: %v", err)}
}

// sortNewestFirst orders tasks by creation time, newest first; tasks made
// at the same instant, the later created first.
func sortNewestFirst(ts []*Task) {
	sort.Slice(ts, func(i, j int) bool {
		if !ts[i].Created.Equal(ts[j].Created) {
			return ts[i].Created.After(ts[j].Created)
		}
		return ts[i].Seq > ts[j].Seq
	})
}
