package tasks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// taskJSON is a Task as the --state file holds it (format stateVersion):
// Task keeps its strings packed (keep), the file keeps the same object
// it always did, but for "params":null, which loads as no parameters and
// is written back as {}.
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
	return json.Marshal(taskJSON{ID: t.id, Seq: t.Seq, Account: t.Account, Family: t.Family, Report: t.Report,
		Name: t.name, Start: t.start, End: t.end, Params: t.Params(), Created: t.Created, Done: t.Done,
		Outcome: t.Outcome(), Token: t.token})
}

// UnmarshalJSON loads a task as create made it: keep derives its id from
// seq and its period (and name, when declared) from params, as create did,
// so a file this server wrote gives back the same strings. A file whose
// id, name or period says otherwise was changed by hand: it is an error,
// not quietly read one way or the other.
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
	name := j.Name // as create passes it: the name sent when params lack TaskName
	if _, ok := j.Params[contract.ParamTaskName]; ok {
		name = ""
	}
	var created [64]byte
	t.keep([]byte(j.Token), appendCreateTime(created[:0], t.Created), params, name)
	for _, f := range []struct{ field, file, kept, from string }{
		{"id", j.ID, t.id, "seq"},
		{"name", j.Name, t.name, "params." + contract.ParamTaskName},
		{"start", j.Start, t.start, "params." + contract.ParamStartTime},
		{"end", j.End, t.end, "params." + contract.ParamEndTime},
	} {
		if f.file != f.kept {
			return fmt.Errorf("%s %s: its %s says %s", f.field, quoteStart(f.file), f.from, quoteStart(f.kept))
		}
	}
	return nil
}

// quoteStart quotes s, or its first 64 bytes when longer: a kept value may
// be 1 KiB, too long for a message that shows two of them.
func quoteStart(s string) string {
	const show = 64
	if len(s) <= show {
		return strconv.Quote(s)
	}
	n := show
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strconv.Quote(s[:n]) + "…"
}
