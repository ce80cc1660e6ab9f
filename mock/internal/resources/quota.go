package resources

import (
	"container/list"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// maxQuotaEntries bounds the quota use kept: one entry per account and
// quota used today. Beyond it the entry used least recently is dropped, so
// that account's quota is whole again; an entry takes about 100 bytes
// besides its access key id.
const maxQuotaEntries = 10000

// quotaUse is how much of one quota an account used on one day.
type quotaUse struct {
	Account string    `json:"account"`
	Quota   string    `json:"quota"`
	Day     time.Time `json:"day"` // the start of the quota's day it counts
	Used    int       `json:"used"`
	Touch   uint64    `json:"touch"` // when it was last used, in adds: the file keeps the LRU order across restarts
}

// quotaBook keeps quota use, bounded, least recently used first out.
// Called with the store's mu held.
type quotaBook struct {
	byKey map[string]*list.Element // account \x00 quota → *quotaUse
	lru   *list.List               // front: used most recently
	limit int
	touch uint64      // adds so far (the newest Touch)
	boot  []*quotaUse // read from the file, until loaded
}

func newQuotaBook(limit int) quotaBook {
	return quotaBook{byKey: map[string]*list.Element{}, lru: list.New(), limit: limit}
}

func quotaKey(account, quota string) string { return account + "\x00" + quota }

// used is what the account used of q today (at now).
func (b *quotaBook) used(account, name string, q *contract.Quota, now time.Time) int {
	e := b.byKey[quotaKey(account, name)]
	if e == nil {
		return 0
	}
	u := e.Value.(*quotaUse)
	if u.Day.Before(q.DayStart(now)) {
		return 0 // a later day: the quota is whole again
	}
	return u.Used
}

// add uses n more of q today and returns the file writes: the entry, and
// the entry it pushed out, if any.
func (b *quotaBook) add(account, name string, q *contract.Quota, n int, now time.Time) []tasks.RawWrite {
	key := quotaKey(account, name)
	day := q.DayStart(now)
	var ws []tasks.RawWrite
	e := b.byKey[key]
	if e == nil {
		if b.lru.Len() >= b.limit {
			old := b.lru.Back()
			u := old.Value.(*quotaUse)
			delete(b.byKey, quotaKey(u.Account, u.Quota))
			b.lru.Remove(old)
			ws = append(ws, tasks.RawWrite{Bucket: bucketQuotas, Key: []byte(quotaKey(u.Account, u.Quota))})
		}
		e = b.lru.PushFront(&quotaUse{Account: account, Quota: name, Day: day})
		b.byKey[key] = e
	} else {
		b.lru.MoveToFront(e)
	}
	u := e.Value.(*quotaUse)
	// A day never moves back: a request that read the clock before
	// midnight but got the lock after one that read it after counts on
	// the new day.
	if u.Day.Before(day) {
		u.Day, u.Used = day, 0
	}
	u.Used += n
	b.touch++
	u.Touch = b.touch
	data, _ := json.Marshal(u)
	return append(ws, tasks.RawWrite{Bucket: bucketQuotas, Key: []byte(key), Value: data})
}

// load reads one entry of the --state file (in key order); loaded then
// puts them back in the order they were used.
func (b *quotaBook) load(_, v []byte) error {
	u := &quotaUse{}
	if err := json.Unmarshal(v, u); err != nil {
		return err
	}
	b.boot = append(b.boot, u)
	return nil
}

// loaded keeps the limit entries used most recently of those load read.
func (b *quotaBook) loaded() {
	sort.Slice(b.boot, func(i, j int) bool { return b.boot[i].Touch > b.boot[j].Touch })
	for _, u := range b.boot {
		b.touch = max(b.touch, u.Touch)
		if b.lru.Len() < b.limit {
			b.byKey[quotaKey(u.Account, u.Quota)] = b.lru.PushBack(u)
		}
	}
	b.boot = nil
}

// reset forgets an account's use (nil: every account's) and returns the
// file writes for an account.
func (b *quotaBook) reset(account *string) []tasks.RawWrite {
	if account == nil {
		b.byKey, b.lru = map[string]*list.Element{}, list.New()
		return nil
	}
	var ws []tasks.RawWrite
	for key, e := range b.byKey {
		if strings.HasPrefix(key, *account+"\x00") {
			b.lru.Remove(e)
			delete(b.byKey, key)
			ws = append(ws, tasks.RawWrite{Bucket: bucketQuotas, Key: []byte(key)})
		}
	}
	return ws
}
