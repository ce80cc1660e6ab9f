package mock_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// TestCrashSoak is kill -9 during concurrent creates, round after round,
// on one --state file. Each round starts the built binary on the file,
// checks it, sends creates from 8 clients at once (a new access key per
// client and round) and kills the server with SIGKILL once a random number
// of them was answered, while others are in flight. The check, after each
// restart: every Create answered 200 is listed by GET /_mock/tasks, under
// its access key and with its TaskName, and no TaskId is listed twice.
// And no TaskId answered is ever one answered or stored before. Creates
// in flight at the kill may be kept or not. CDNMOCK_SOAK_SEED replays a
// run's kill moments.
func TestCrashSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "cdnmock")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/alibaba-cloud-mock/cdnmock").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CDNMOCK_SOAK_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("CDNMOCK_SOAK_SEED=%d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	args := []string{"--state", filepath.Join(t.TempDir(), "state.db"), "--clock", "2026-11-25T12:00:00Z", "--throttle", "off"}

	const rounds, clients = 8, 8
	var (
		mu    sync.Mutex
		acked = map[string]string{} // TaskId → access key/TaskName, once answered 200
		given = map[string]bool{}   // every TaskId answered, or found in the file
	)
	const minRounds = 3                      // fewer prove little: the test fails rather than pass on them
	stop := time.Now().Add(40 * time.Second) // a bound on the whole test on a slow machine
	ran := 0
	for r := 0; r < rounds && time.Now().Before(stop); r++ {
		ran++
		cmd, addr := startCdnmock(t, bin, args...)
		checkAcked(t, addr, acked, given)
		target := int64(1 + rng.IntN(300))
		var answered atomic.Int64
		reached := make(chan struct{})
		var once sync.Once
		var wg sync.WaitGroup
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 20 * time.Second}
				ak := fmt.Sprintf("AK-soak-%d-%d", r, c)
				for i := 0; ; i++ {
					name := fmt.Sprintf("r%d-c%d-%d", r, c, i)
					id, err := soakCreate(t, client, addr, ak, name)
					if err != nil {
						return // killed: it may or may not be kept
					}
					mu.Lock()
					if given[id] {
						t.Errorf("round %d: TaskId %s answered again", r, id)
					}
					given[id], acked[id] = true, ak+"/"+name
					mu.Unlock()
					if answered.Add(1) == target {
						once.Do(func() { close(reached) })
					}
				}
			}()
		}
		select {
		case <-reached:
		case <-time.After(30 * time.Second):
			t.Fatalf("round %d: %d of %d creates answered in 30s", r, answered.Load(), target)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		wg.Wait()
		if t.Failed() {
			return
		}
	}
	_, addr := startCdnmock(t, bin, args...)
	checkAcked(t, addr, acked, given)
	t.Logf("%d rounds of kill -9, %d creates answered, all kept", ran, len(acked))
	if ran < minRounds {
		t.Errorf("only %d rounds of kill -9 ran within the time bound, want at least %d", ran, minRounds)
	}
}

// soakCreate creates a usage task and returns its TaskId; an error is a
// broken connection, or an answer other than 200, which fails the test.
func soakCreate(t *testing.T, client *http.Client, addr, ak, name string) (string, error) {
	resp, err := client.Post("http://"+addr+"/?"+createParams("AccessKeyId", ak, "TaskName", name).Encode(), "", nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var body struct {
		TaskId string //nolint:revive // as in the API
		Code   string
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return "", err // cut off by the kill
	}
	if resp.StatusCode != http.StatusOK || body.TaskId == "" {
		t.Errorf("create answered %d %s", resp.StatusCode, body.Code) // a bug, not the crash
		return "", fmt.Errorf("status %d", resp.StatusCode)
	}
	return body.TaskId, nil
}

// checkAcked fails the test unless the server lists every acknowledged
// task as it was created, and no TaskId twice; it adds the ids listed to
// given.
func checkAcked(t *testing.T, addr string, acked map[string]string, given map[string]bool) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/_mock/tasks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page mock.TasksPage
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, a := range page.Accounts {
		for _, x := range a.Tasks {
			if _, dup := listed[x.TaskID]; dup {
				t.Errorf("TaskId %s is listed twice", x.TaskID)
			}
			listed[x.TaskID] = a.AccessKeyID + "/" + x.TaskName
			given[x.TaskID] = true
		}
	}
	lost := 0
	for id, want := range acked {
		if got := listed[id]; got != want {
			lost++
			if lost <= 5 {
				t.Errorf("TaskId %s (%s) was answered 200; after kill -9 and a restart: %q", id, want, got)
			}
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged creates lost", lost, len(acked))
	}
}
