package tasks

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
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
		kept := declaredParams(op, params)
		name, ok := kept[contract.ParamTaskName]
		if !ok { // an operation that does not declare it may still be sent one
			name = journal.KeptCopy(params.Get(contract.ParamTaskName), ValueBytes)
		}
		t := &Task{
			Account: account, Family: h.Tasks, Report: h.Report,
			Name: name, Start: kept[contract.ParamStartTime], End: kept[contract.ParamEndTime],
			Params: kept, Created: now, Done: now.Add(ts.duration), Outcome: StatusSuccess,
		}
		if taskOutcome != "" {
			t.Outcome = taskOutcome
		}
		if err := ts.create(t); err != nil {
			return made, errState(err)
		}
		v := t.View(now, BaseURL(r))
		made.Task = &v
	case contract.DoList:
		size := intParam(params, op, contract.ParamPageSize)
		number := intParam(params, op, contract.ParamPageNumber)
		all := ts.list(account, h.Tasks, now)
		page := &fixture.TaskPage{Size: size, Number: number, Total: len(all), Items: []fixture.TaskView{}}
		// Without validation any number and size get here: paging never overflows.
		from, to := paging.Bounds(int64(number), int64(size), len(all))
		base := BaseURL(r)
		for _, t := range all[from:to] {
			page.Items = append(page.Items, t.View(now, base))
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

// declaredParams keeps the first value of each parameter the operation
// declares, for the report (Language, Type, DomainNames…), each a copy cut
// to ValueBytes. The task's name and period are read from it too, so
// they share its copies.
func declaredParams(op *contract.Operation, params url.Values) map[string]string {
	out := map[string]string{}
	for _, p := range op.Params {
		if v := params.Get(p.Name); v != "" {
			out[p.Name] = journal.KeptCopy(v, ValueBytes) // package journal
		}
	}
	return out
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
func BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
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
