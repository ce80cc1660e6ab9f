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
	"net/http"
	"os"
	"os/exec"
	"regexp"
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
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--clock", "2026-11-25T12:00:00Z")
	addr, err := start(cmd)
	if err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	base := "http://" + addr

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

// servingAt is the server's first line, once it listens: "... on http://ADDR (admin API: ...".
var servingAt = regexp.MustCompile(`on http://(127\.0\.0\.1:\d+) `)

// start starts the server on a port of the system's choosing and returns
// its address, read from the line it prints once it listens. The rest of
// its log (a line per call) is read and thrown away as it comes, so the
// server never blocks on it.
func start(cmd *exec.Cmd) (string, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return "", err
	}
	cmd.Stderr = pw
	err = cmd.Start()
	pw.Close() // the server holds the only writer: EOF when it exits
	if err != nil {
		pr.Close()
		return "", err
	}
	lines := bufio.NewReader(pr)
	first, err := lines.ReadString('\n')
	m := servingAt.FindStringSubmatch(first)
	if m == nil {
		pr.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return "", fmt.Errorf("cdnmock did not start: %q %v", first, err)
	}
	go func() {
		defer pr.Close()
		_, _ = io.Copy(io.Discard, lines)
	}()
	return m[1], nil
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
