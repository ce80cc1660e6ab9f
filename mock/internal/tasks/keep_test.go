package tasks

import (
	"testing"
	"time"
)

// TestCreateTimeCacheFormatsEachTime: the cached CreateTime is the time's own,
// whether the second repeats, moves on or back, or the zone, the
// fraction or the number of digits of the year differ.
func TestCreateTimeCacheFormatsEachTime(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	times := []time.Time{
		storeNow,
		storeNow.Add(999 * time.Millisecond),        // the same second
		storeNow.Add(time.Second),                   // the next
		storeNow.Add(time.Second).In(tokyo),         // the same instant elsewhere
		storeNow.Add(-time.Second),                  // back
		storeNow.AddDate(8000, 0, 0),                // a five-digit year
		storeNow,                                    // back from it
		time.Date(1960, 1, 2, 3, 4, 5, 6, time.UTC), // before 1970: Unix seconds below zero
		time.Date(1960, 1, 2, 3, 4, 6, 0, time.UTC),
	}
	var c createTimeCache
	for _, at := range times {
		if got, want := string(c.format(at)), string(appendCreateTime(nil, at)); got != want {
			t.Errorf("%v: cached %q, want %q", at, got, want)
		}
	}
}

// TestTaskCreateTimeEachOwn: each task's CreateTime is its own second's,
// whether the cache holds that second or moves on to the next, and the
// task keeps it after the cache's next refresh: a cache that never
// refreshes, or a task that keeps the cache's bytes, fails here.
func TestTaskCreateTimeEachOwn(t *testing.T) {
	ts := openTestStore(t, "", 100)
	at := []time.Time{storeNow, storeNow.Add(500 * time.Millisecond), storeNow.Add(1500 * time.Millisecond)}
	var made []*Task
	for _, c := range at {
		x := newTask("AK")
		x.Created = c
		if err := createTask(ts, x); err != nil {
			t.Fatal(err)
		}
		made = append(made, x)
	}
	for i, x := range made {
		if want := string(appendCreateTime(nil, at[i])); x.createTime != want {
			t.Errorf("task %d: CreateTime %q, want %q", i, x.createTime, want)
		}
	}
}
