package tasks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// taskJSON is a Task as the --state file holds it (format stateVersion):
// Task keeps its strings packed (keep), the file keeps the same object
// it always did.
type taskJSON struct {
	ID      string            `json:"id"`
	Seq     uint64            `json:"seq"`
	Account string            `json:"account"`
	Family  string            `json:"family"`
	Report  string            `json:"report"`
	Name    string            `json:"name"`
	Start   string            `json:"start"`
	End     string            `json:"end"`
	Params  map[string]string `json:"params"`
	Created time.Time         `json:"created"`
	Done    time.Time         `json:"done"`
	Outcome string            `json:"outcome"`
	Token   string            `json:"token"`
}

func (t *Task) MarshalJSON() ([]byte, error) {
	return json.Marshal(taskJSON{ID: t.ID, Seq: t.Seq, Account: t.Account, Family: t.Family, Report: t.Report,
		Name: t.Name, Start: t.Start, End: t.End, Params: t.Params(), Created: t.Created, Done: t.Done,
		Outcome: t.Outcome(), Token: t.Token})
}

func (t *Task) UnmarshalJSON(data []byte) error {
	var j taskJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	if j.Outcome != StatusSuccess && j.Outcome != StatusFailed {
		return fmt.Errorf("outcome %q: want %s or %s", j.Outcome, StatusSuccess, StatusFailed)
	}
	params := make([]Param, 0, len(j.Params))
	for name, v := range j.Params {
		params = append(params, Param{name, v})
	}
	slices.SortFunc(params, func(a, b Param) int { return strings.Compare(a.Name, b.Name) })
	*t = Task{Seq: j.Seq, Account: j.Account, Family: j.Family, Report: j.Report,
		Created: j.Created, Done: j.Done, failed: j.Outcome == StatusFailed}
	t.keep([]byte(j.Token), params, "")
	// The file's own strings where they differ from what keep found (they
	// never do in a file this server wrote).
	if t.ID != j.ID {
		t.ID = j.ID
	}
	if t.Name != j.Name {
		t.Name = j.Name
	}
	if t.Start != j.Start {
		t.Start = j.Start
	}
	if t.End != j.End {
		t.End = j.End
	}
	return nil
}
