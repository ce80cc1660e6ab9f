package tasks

import (
	"net/http"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fifo"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
)

// Task statuses, as the API spells them.
const (
	StatusCreated = "created"
	StatusSuccess = "success"
	StatusFailed  = "failed"
)

// taskWindowMonths is how far back lists reach: the API lists the tasks of
// the last three months.
const taskWindowMonths = 3

// Task is one export task as the store keeps it; --state writes it as
// taskJSON (json.go). Only create and UnmarshalJSON make one: its id,
// name, period and token are views into one allocation (keep), so they
// are read through methods and never set.
type Task struct {
	Seq     uint64 // unique for the server, across restarts with --state
	Account string
	Family  string
	Report  string // what its download serves: a key of reports
	Created time.Time
	Done    time.Time // when it finishes, by the server's clock
	failed  bool      // how it finishes: failed, else success

	// id, token, createTime, params and most often name, start and end
	// share one allocation (keep): a task is two objects, not a dozen.
	id         string // the TaskId: Seq in decimal
	name       string
	start, end string // the period, as the request gave it
	token      string // the secret part of its download URL
	createTime string // Created as the API shows it, formatted once
	params     string // the create's declared parameters, defaults filled, packed (journal.Unpack)

	in fifo.Elem[*Task] // its place in the store's creation order (Store.order), kept inside the task
}

// ID is the task's TaskId: its Seq in decimal.
func (t *Task) ID() string { return t.id }

// Name is the task's TaskName.
func (t *Task) Name() string { return t.name }

// Start and End are the task's period, as the create gave it.
func (t *Task) Start() string { return t.start }

// End: see Start.
func (t *Task) End() string { return t.end }

// Token is the secret part of the task's download URL.
func (t *Task) Token() string { return t.token }

// Outcome is how the task finishes: StatusSuccess or StatusFailed.
func (t *Task) Outcome() string {
	if t.failed {
		return StatusFailed
	}
	return StatusSuccess
}

// Params are the create's declared parameters, defaults filled (each cut
// to ValueBytes): a new map, read by reports and the admin API.
func (t *Task) Params() map[string]string {
	out := make(map[string]string)
	for name, v := range journal.Unpack(t.params) {
		out[name] = v
	}
	return out
}

// Status is the task's status at now: created until Done, then its outcome.
func (t *Task) Status(now time.Time) string {
	if now.Before(t.Done) {
		return StatusCreated
	}
	return t.Outcome()
}

// Visible reports whether lists show the task at now: made within the
// last three months.
func (t *Task) Visible(now time.Time) bool {
	return !t.Created.Before(now.AddDate(0, -taskWindowMonths, 0))
}

// View is the task as the API shows it at now; its download is served
// where r came in.
func (t *Task) View(now time.Time, r *http.Request) fixture.TaskView {
	v := fixture.TaskView{
		TaskId: t.id, TaskName: t.name, Status: t.Status(now),
		CreateTime: t.createTime, UpdateTime: t.createTime,
		TaskConfig: fixture.TaskConfigView{StartTime: t.start, EndTime: t.end},
	}
	if v.Status != StatusCreated {
		v.UpdateTime = t.Done.UTC().Format(contract.TimeLayout)
	}
	if v.Status == StatusSuccess {
		v.DownloadUrl = scheme(r) + "://" + r.Host + downloads + t.token // one allocation
	}
	return v
}

// DownloadPath is where the admin API serves the file of the task with
// this download token.
func DownloadPath(token string) string { return downloads + token }

const downloads = adminapi.Prefix + "/downloads/"
