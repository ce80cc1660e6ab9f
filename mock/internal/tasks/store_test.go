package tasks

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// The task store's bounds, eviction, group commit and compaction, tested
// on the store itself at a pinned time: the API tests are in
// lifecycle_test.go and persist_test.go.

var storeNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func openTestStore(t testing.TB, path string, limit int) *Store {
	t.Helper()
	var seq atomic.Uint64
	seq.Store(100000)
	ts, err := openStore(path, time.Minute, &seq, limit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.Close)
	return ts
}

func newTask(account string) *Task {
	return &Task{Account: account, Family: "usage", Report: "pdf", Created: storeNow, Done: storeNow.Add(time.Minute)}
}

// createTask creates x with the parameter Language and more.
func createTask(ts *Store, x *Task, more ...Param) error {
	return ts.create(x, append([]Param{{"Language", "en-us"}}, more...), "n-"+x.Account)
}

func mustCreate(t testing.TB, ts *Store, account string) *Task {
	t.Helper()
	x := newTask(account)
	if err := createTask(ts, x); err != nil {
		t.Fatal(err)
	}
	return x
}

// checkIndexes holds the store's maps and its creation-order list to one
// another; it returns the tasks oldest first.
func checkIndexes(t *testing.T, ts *Store) []*Task {
	t.Helper()
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	order := slices.Collect(ts.order.All())
	inFamilies := 0
	for k, list := range ts.byFamily {
		if len(list) == 0 {
			t.Errorf("an empty list is kept for %v", k)
		}
		inFamilies += len(list)
	}
	if n := ts.order.Len(); len(order) != n || len(ts.byToken) != n || inFamilies != n {
		t.Errorf("n %d, linked %d, by token %d, in families %d", n, len(order), len(ts.byToken), inFamilies)
	}
	return order
}

func fileTasks(t *testing.T, path string) []uint64 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var seqs []uint64
	_ = db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTasks).ForEach(func(k, _ []byte) error {
			seqs = append(seqs, bytesSeq(k))
			return nil
		})
	})
	return seqs
}

func bytesSeq(k []byte) uint64 {
	var s uint64
	for _, b := range k {
		s = s<<8 | uint64(b)
	}
	return s
}

// A new access key per create, as CI suites without --credentials do:
// the store stays at maxTasks, whatever the clock, and so does the heap.
func TestTaskStoreGlobalBound(t *testing.T) {
	ts := openTestStore(t, "", maxTasks)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	create := func(from, to int) {
		for i := from; i < to; i++ {
			mustCreate(t, ts, "AK-"+strconv.Itoa(i))
		}
	}
	create(0, 2*maxTasks)
	before := heap()
	create(2*maxTasks, 5*maxTasks) // unbounded, this would add 30,000 tasks (tens of MB)
	after := heap()
	order := checkIndexes(t, ts)
	if len(order) != maxTasks || len(ts.byFamily) != maxTasks {
		t.Fatalf("%d tasks in %d lists after %d creates; want %d", len(order), len(ts.byFamily), 5*maxTasks, maxTasks)
	}
	if first := order[0].Account; first != "AK-"+strconv.Itoa(4*maxTasks) {
		t.Errorf("the oldest Task kept is %s's; want the newest %d", first, maxTasks)
	}
	if after > before+4<<20 {
		t.Errorf("the heap grew from %d to %d bytes at the bound", before, after)
	}
	t.Logf("heap at the bound: %.1f MB", float64(after)/(1<<20))
}

// The same bound holds for the file: evicted tasks leave it in the
// create's own transaction, and a file holding more than the bound (one
// written with a larger bound) is trimmed, oldest first, at open.
func TestStateFileBound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	ts := openTestStore(t, path, 50)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				mustCreate(t, ts, fmt.Sprintf("AK-%d-%d", g, i))
			}
		}()
	}
	wg.Wait()
	want := checkIndexes(t, ts)
	ts.Close()
	if got := fileTasks(t, path); len(got) != 50 || got[0] != want[0].Seq || got[49] != want[49].Seq {
		t.Fatalf("the file holds %d tasks, %v…; want %d to %d", len(got), got[:min(3, len(got))], want[0].Seq, want[49].Seq)
	}

	ts = openTestStore(t, path, 20)
	kept := checkIndexes(t, ts)
	if len(kept) != 20 || kept[0].Seq != want[30].Seq || len(ts.byFamily) != 20 {
		t.Fatalf("reopened with a bound of 20: %d tasks, in %d lists", len(kept), len(ts.byFamily))
	}
	ts.Close()
	if got := fileTasks(t, path); len(got) != 20 || got[0] != want[30].Seq {
		t.Fatalf("after the reopen the file holds %d tasks", len(got))
	}
}

// Eviction is oldest first across accounts, after the per-account cap;
// deletes leave the order intact, and an account whose last task goes
// leaves no trace.
func TestTaskStoreEvictsOldestFirst(t *testing.T) {
	ts := openTestStore(t, "", 5)
	var made []*Task
	for _, ak := range []string{"A", "B", "A", "C", "B"} {
		made = append(made, mustCreate(t, ts, ak))
	}
	if ok, err := ts.delete("A", "usage", made[2].ID(), storeNow); !ok || err != nil {
		t.Fatalf("delete: %v %v", ok, err)
	}
	made = append(made, mustCreate(t, ts, "D")) // 5 tasks: nothing to evict
	made = append(made, mustCreate(t, ts, "E")) // evicts made[0], A's last
	made = append(made, mustCreate(t, ts, "F")) // evicts made[1], B's first
	var got []string
	for _, x := range checkIndexes(t, ts) {
		got = append(got, x.Account+x.ID())
	}
	var want []string
	for _, x := range []*Task{made[3], made[4], made[5], made[6], made[7]} {
		want = append(want, x.Account+x.ID())
	}
	if !slices.Equal(got, want) {
		t.Errorf("kept %v; want %v", got, want)
	}
	if _, ok := ts.byFamily[familyKey{"A", "usage"}]; ok || ts.ByDownload(made[0].Token()) != nil {
		t.Error("account A lost its last Task but is still indexed")
	}
	if ok, _ := ts.delete("B", "usage", made[1].ID(), storeNow); ok {
		t.Error("an evicted Task could be deleted")
	}

	// The per-account cap drops the account's own oldest, not the store's.
	ts = openTestStore(t, "", maxTasksPerFamily+10)
	other := mustCreate(t, ts, "other")
	first := mustCreate(t, ts, "busy")
	for i := 0; i < maxTasksPerFamily; i++ {
		mustCreate(t, ts, "busy")
	}
	if ts.ByDownload(first.Token()) != nil || ts.ByDownload(other.Token()) == nil || len(ts.list("busy", "usage", storeNow)) != maxTasksPerFamily {
		t.Errorf("the per-account cap: busy has %d tasks", len(ts.list("busy", "usage", storeNow)))
	}
	checkIndexes(t, ts)
}

// bbolt never shrinks its file: a file mostly freed by deletes is
// compacted when it is opened, keeping every task and the id counter.
func TestStateFileCompaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	ts := openTestStore(t, path, maxTasks)
	var wg sync.WaitGroup
	created := make([][]*Task, 16)
	for g := range created {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 80; i++ {
				x := newTask("AK-" + strconv.Itoa(g))
				padding := Param{"Padding", fmt.Sprintf("%01000d", i)} // 1,280 tasks of about 1.3 KB
				if err := createTask(ts, x, padding); err != nil {
					t.Error(err)
					return
				}
				created[g] = append(created[g], x)
			}
			for _, x := range created[g][1:] { // keep each account's first
				if ok, err := ts.delete(x.Account, x.Family, x.ID(), storeNow); !ok || err != nil {
					t.Errorf("delete %s: %v %v", x.ID(), ok, err)
				}
			}
		}()
	}
	wg.Wait()
	last := ts.seq.Load()
	ts.Close()
	big := fileSize(t, path)
	if big < 2*compactMinBytes {
		t.Fatalf("the test file is only %d bytes", big)
	}
	if err := os.WriteFile(path+".compact", []byte("left by a compaction killed midway"), 0o600); err != nil {
		t.Fatal(err)
	}

	ts = openTestStore(t, path, maxTasks)
	small := fileSize(t, path)
	t.Logf("%d bytes before compaction, %d after", big, small)
	if small > big/4 {
		t.Errorf("the file is %d bytes after compaction, %d before", small, big)
	}
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Errorf("the temporary file is left: %v", err)
	}
	kept := checkIndexes(t, ts)
	if len(kept) != 16 || ts.seq.Load() != last {
		t.Fatalf("after compaction: %d tasks, last id %d; want 16, %d", len(kept), ts.seq.Load(), last)
	}
	for _, list := range created {
		if x := ts.ByDownload(list[0].Token()); x == nil || x.Params()["Padding"] != list[0].Params()["Padding"] {
			t.Errorf("task %s lost or changed by compaction", list[0].ID())
		}
	}
	// The compacted file is the one in use, and locked: writes reach it.
	mustCreate(t, ts, "after")
	if _, err := openStore(path, 0, new(atomic.Uint64), maxTasks); err == nil {
		t.Error("a second store opened the compacted file")
	}
	ts.Close()
	if got := fileTasks(t, path); len(got) != 17 {
		t.Errorf("the compacted file holds %d tasks after a create; want 17", len(got))
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// fsync happens outside the store lock: while the file's writer is held
// up, creates still go into memory and lists and downloads answer; the
// creates return only once on disk, and share one commit.
func TestStateGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	ts := openTestStore(t, path, maxTasks)
	txid := func() int {
		tx, err := ts.db.Begin(false)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback() }()
		return tx.ID()
	}
	start := txid()
	const n = 16
	var queued sync.WaitGroup
	queued.Add(n)
	ts.mu.Lock()
	ts.queued = queued.Done
	ts.mu.Unlock()

	hold, err := ts.db.Begin(true) // bbolt's writer lock: the store's writer waits for it
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hold.Rollback() }() // also when the test fails midway
	var returned atomic.Int32
	var done sync.WaitGroup
	tasks := make([]*Task, n)
	for i := range tasks {
		tasks[i] = newTask("AK-" + strconv.Itoa(i%4))
		done.Add(1)
		go func() {
			defer done.Done()
			if err := createTask(ts, tasks[i]); err != nil {
				t.Error(err)
			}
			returned.Add(1)
		}()
	}
	allQueued := make(chan struct{})
	go func() { queued.Wait(); close(allQueued) }()
	select {
	case <-allQueued:
	case <-time.After(10 * time.Second):
		t.Fatal("creates wait for one another's disk writes")
	}
	if r := returned.Load(); r != 0 {
		t.Errorf("%d creates returned before their write was committed", r)
	}
	if got := len(ts.list("AK-0", "usage", storeNow)); got != n/4 || ts.ByDownload(tasks[0].Token()) == nil {
		t.Errorf("lists see %d of AK-0's tasks while the file is busy; want %d", got, n/4)
	}
	_ = hold.Rollback()
	done.Wait()
	if commits := txid() - start; commits > 2 {
		t.Errorf("%d creates took %d commits; want at most 2 (the batch being written, and the next)", n, commits)
	}
	ts.Close()
	if got := fileTasks(t, path); len(got) != n {
		t.Errorf("the file holds %d tasks; want %d", len(got), n)
	}
}

// Creates, deletes, lists and downloads from many goroutines, under
// -race: what was answered is what the file holds after a reopen.
func TestStateConcurrentWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	ts := openTestStore(t, path, 300)
	var wg sync.WaitGroup
	var mu sync.Mutex
	live := map[uint64]bool{}
	for g := 0; g < 12; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ak := "AK-" + strconv.Itoa(g)
			for i := 0; i < 40; i++ {
				x := mustCreate(t, ts, ak)
				mu.Lock()
				live[x.Seq] = true
				mu.Unlock()
				_ = ts.ByDownload(x.Token())
				if i%3 == 0 {
					if ok, err := ts.delete(ak, "usage", x.ID(), storeNow); ok && err == nil {
						mu.Lock()
						delete(live, x.Seq)
						mu.Unlock()
					}
				}
				_ = ts.list(ak, "usage", storeNow)
				_ = ts.All()
			}
		}()
	}
	wg.Wait()
	order := checkIndexes(t, ts)
	ts.Close()
	got := fileTasks(t, path)
	var want []uint64 // the live tasks, less those evicted: always the oldest
	for s := range live {
		want = append(want, s)
	}
	slices.Sort(want)
	want = want[max(0, len(want)-len(order)):]
	if len(order) < 200 || !slices.Equal(got, want) || !slices.EqualFunc(order, want, func(x *Task, s uint64) bool { return x.Seq == s }) {
		t.Fatalf("the file holds %d tasks, memory %d, of %d answered and not deleted; want the newest of them", len(got), len(order), len(live))
	}
	// After close, writes fail and leave nothing behind.
	if err := createTask(ts, newTask("late")); err == nil || len(ts.list("late", "usage", storeNow)) != 0 {
		t.Errorf("a create after close: %v", err)
	}
}

// An account's tasks share one copy of its access key id: each create gets
// its own (the request decodes a fresh one), which the task would keep
// otherwise. The live heap per task is logged with and without the
// sharing's saving (a key of contract.MaxAccessKeyIDBytes, the most).
func TestAccountKeyShared(t *testing.T) {
	ts := openTestStore(t, "", maxTasks)
	key := fmt.Sprintf("%0128d", 7)
	var ms runtime.MemStats
	live := func() uint64 {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	const n = maxTasksPerFamily
	made := make([]*Task, 0, n)
	before := live()
	for range n {
		x := newTask(strings.Clone(key))
		if err := ts.create(x, nil, ""); err != nil {
			t.Fatal(err)
		}
		made = append(made, x)
	}
	t.Logf("%d bytes live per task of one account, a %d-byte key", (int64(live())-int64(before))/n, len(key))
	first := unsafe.StringData(made[0].Account)
	for i, x := range made {
		if x.Account != key || unsafe.StringData(x.Account) != first {
			t.Fatalf("task %d keeps its own copy of the account's key id", i)
		}
	}
}

// BenchmarkStoreCreate creates tasks into an in-memory store whose account
// is at its per-family cap, so that each create also evicts, as under
// load. Every task is of one second, as a busy store's are.
func BenchmarkStoreCreate(b *testing.B) {
	ts := openTestStore(b, "", maxTasks)
	for range maxTasksPerFamily {
		mustCreate(b, ts, "busy")
	}
	params := []Param{{"Language", "en-us"}}
	b.ReportAllocs()
	for b.Loop() {
		if err := ts.create(newTask("busy"), params, "n-busy"); err != nil {
			b.Fatal(err)
		}
	}
}
