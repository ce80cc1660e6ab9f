package tasks

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
)

// Param is one parameter a task keeps: the first value sent (or the
// spec's default), cut to ValueBytes when kept.
type Param struct{ Name, Value string }

// tokenBytes is the size of a download token before hex: 128 bits.
const tokenBytes = 16

// keep copies into one allocation, and points t at, the strings the task
// keeps: its download token, its creation time as the API shows it
// (created: t.Created formatted, by appendCreateTime or a createTimeCache), its
// id, its parameters and its name. Name, start and end are read from the
// parameters (TaskName, StartTime, EndTime) when they are among them;
// name is the one sent when the operation does not declare TaskName.
// Every value is cut to ValueBytes: a task never keeps the request's own
// strings, which may pin its whole body. Invalid UTF-8 is kept as U+FFFD,
// as the answers and the --state file (JSON) show it anyway: a value kept
// once is then kept the same when the file is loaded. keep rewrites the
// values of params it is given.
func (t *Task) keep(token, created []byte, params []Param, name string) {
	name = strings.ToValidUTF8(name, "\uFFFD")
	for i, p := range params {
		params[i].Value = strings.ToValidUTF8(p.Value, "\uFFFD")
	}
	var idBuf [20]byte
	id := strconv.AppendUint(idBuf[:0], t.Seq, 10)
	size := len(token) + len(created) + len(id) + journal.KeptLen(name, ValueBytes)
	for _, p := range params {
		size += journal.PackedLen(p.Name, p.Value, ValueBytes)
	}
	var b strings.Builder
	b.Grow(size)
	b.Write(token)
	b.Write(created)
	b.Write(id)
	named := b.Len()
	journal.AppendKept(&b, name, ValueBytes)
	start := b.Len()
	for _, p := range params {
		journal.AppendPacked(&b, p.Name, p.Value, ValueBytes)
	}
	all := b.String()
	t.token = all[:len(token)]
	t.createTime = all[len(token) : len(token)+len(created)]
	t.id = all[len(token)+len(created) : named]
	t.name = all[named:start]
	t.params = all[start:]
	for name, v := range journal.Unpack(t.params) {
		switch name {
		case contract.ParamTaskName:
			t.name = v
		case contract.ParamStartTime:
			t.start = v
		case contract.ParamEndTime:
			t.end = v
		}
	}
}

// appendCreateTime appends t as the API shows a task's CreateTime.
func appendCreateTime(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(b, contract.TimeLayout)
}

// createTimeCache keeps the creation time of the last second formatted:
// formatting costs ~100 ns, a fifth to a quarter of keep, and a busy store
// formats the same second many times (BenchmarkStoreCreate). Guarded by
// the store's mu.
type createTimeCache struct {
	sec  int64
	text []byte // appendCreateTime of sec; nil until the first use
}

// format returns t as appendCreateTime writes it. The bytes are the
// cache's own: valid until the next call.
func (c *createTimeCache) format(t time.Time) []byte {
	if c.text == nil || t.Unix() != c.sec {
		c.text, c.sec = appendCreateTime(c.text[:0], t), t.Unix()
	}
	return c.text
}

// newToken is a download token: tokenBytes from the store's generator,
// in hex. Called with mu held: the generator is not safe for concurrent use.
func (ts *Store) newToken() (tok [2 * tokenBytes]byte) {
	var raw [tokenBytes]byte
	_, _ = ts.rng.Read(raw[:]) // never fails (ChaCha8)
	hex.Encode(tok[:], raw[:])
	return tok
}
