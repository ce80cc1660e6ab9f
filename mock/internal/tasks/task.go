package tasks

import (
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fifo"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
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

// Task is one export task as the store keeps it (and as --state writes it).
type Task struct {
	ID      string            `json:"id"`  // the TaskId: Seq in decimal
	Seq     uint64            `json:"seq"` // unique for the server, across restarts with --state
	Account string            `json:"account"`
	Family  string            `json:"family"`
	Report  string            `json:"report"` // what its download serves: a key of reports
	Name    string            `json:"name"`
	Start   string            `json:"start"` // the period, as the request gave it
	End     string            `json:"end"`
	Params  map[string]string `json:"params"` // the create's declared parameters, defaults filled
	Created time.Time         `json:"created"`
	Done    time.Time         `json:"done"`    // when it finishes, by the server's clock
	Outcome string            `json:"outcome"` // how it finishes: success or failed
	Token   string            `json:"token"`   // the secret part of its download URL

	in fifo.Elem[*Task] // its place in the store's creation order (Store.order), kept inside the task
}

// Status is the task's status at now: created until Done, then its outcome.
func (t *Task) Status(now time.Time) string {
	if now.Before(t.Done) {
		return StatusCreated
	}
	return t.Outcome
}

// Visible reports whether lists show the task at now: made within the
// last three months.
func (t *Task) Visible(now time.Time) bool {
	return !t.Created.Before(now.AddDate(0, -taskWindowMonths, 0))
}

// View is the task as the API shows it at now; base is the scheme and host
// the request came in on, where its download is served.
func (t *Task) View(now time.Time, base string) fixture.TaskView {
	created := t.Created.UTC().Format(contract.TimeLayout) // once: it is both times until the task is done
	v := fixture.TaskView{
		TaskId: t.ID, TaskName: t.Name, Status: t.Status(now),
		CreateTime: created, UpdateTime: created,
		TaskConfig: fixture.TaskConfigView{StartTime: t.Start, EndTime: t.End},
	}
	if v.Status != StatusCreated {
		v.UpdateTime = t.Done.UTC().Format(contract.TimeLayout)
	}
	if v.Status == StatusSuccess {
		v.DownloadUrl = base + DownloadPath(t.Token)
	}
	return v
}

// DownloadPath is where the admin API serves the file of the task with
// this download token.
func DownloadPath(token string) string { return adminapi.Prefix + "/downloads/" + token }
