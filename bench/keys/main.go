// Command keys measures what many distinct access keys cost cdnmock: it
// starts the given cdnmock binary at a pinned clock with throttling on, as
// CI runs it, sends one call per new access key over one connection, and
// prints the median latency of the first and the last -window keys and how
// much the server's RSS grew. bench/keys.sh builds and runs it:
//
//	keys --cdnmock PATH [--keys 40000] [--window 2000] [--action DescribeCdnService]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	bin := flag.String("cdnmock", "", "the cdnmock binary to start")
	keys := flag.Int("keys", 40_000, "distinct access keys, one call each")
	window := flag.Int("window", 2_000, "keys in the first and the last window compared")
	action := flag.String("action", "DescribeCdnService", "the operation called (CreateUserUsageDataExportTask also creates a task per key)")
	flag.Parse()
	if *bin == "" || *window <= 0 || *keys < 2**window {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*bin, *keys, *window, *action); err != nil {
		fmt.Fprintln(os.Stderr, "keys:", err)
		os.Exit(1)
	}
}

func run(bin string, keys, window int, action string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "--addr", "127.0.0.1:"+strconv.Itoa(port), "--clock", "2026-11-25T12:00:00Z")
	if err := cmd.Start(); err != nil { // output to /dev/null: a log line per call would measure the pipe
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	if err := waitHealthy(base); err != nil {
		return err
	}

	target := base + "/?Action=" + action + "&Version=2018-05-10&Format=JSON" +
		"&StartTime=2026-11-01T00%3A00%3A00Z&EndTime=2026-11-02T00%3A00%3A00Z&AccessKeyId="
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	get := func(ak string) (time.Duration, int, error) {
		start := time.Now()
		resp, err := client.Get(target + ak)
		if err != nil {
			return 0, 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(start), resp.StatusCode, nil
	}
	for range 100 { // warm up the connection and the handler, within one key's rate
		if _, _, err := get("AK-warm"); err != nil {
			return err
		}
	}
	rss0, err := rssKB(cmd.Process.Pid)
	if err != nil {
		return err
	}
	took := make([]time.Duration, keys)
	for i := range took {
		d, status, err := get("AK-" + strconv.Itoa(i))
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return fmt.Errorf("key %d: status %d", i, status)
		}
		took[i] = d
	}
	rss1, err := rssKB(cmd.Process.Pid)
	if err != nil {
		return err
	}
	fmt.Printf("%s, %d keys at a pinned clock, throttling on\n", action, keys)
	fmt.Printf("median latency: first %d keys %v, last %d keys %v\n", window, median(took[:window]), window, median(took[keys-window:]))
	fmt.Printf("RSS: %.1f MB before, %.1f MB after, +%.1f MB\n", float64(rss0)/1024, float64(rss1)/1024, float64(rss1-rss0)/1024)
	return nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2].Round(time.Microsecond)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitHealthy(base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/_mock/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("cdnmock not healthy on %s after 30s", base)
}

// rssKB reads the process's resident set size from /proc (Linux).
func rssKB(pid int) (int, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}
