package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds the command once per test binary run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cdnmock")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var servingLine = regexp.MustCompile(`on http://(127\.0\.0\.1:\d+) `)

// startBinary runs the server on a free port and returns its address, once
// it has said it is serving, and the rest of its log.
func startBinary(t *testing.T, bin string, args ...string) (*exec.Cmd, string, *serverLog) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	// A pipe of our own, not StderrPipe: cmd.Wait would close StderrPipe's
	// reader, perhaps before the last log lines were read.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = pw
	err = cmd.Start()
	pw.Close() // the server holds the only writer: EOF when it exits
	if err != nil {
		pr.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := bufio.NewReader(pr)
	first, err := lines.ReadString('\n')
	if err != nil {
		t.Fatalf("the server said nothing: %v", err)
	}
	m := servingLine.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("unexpected first line: %q", first)
	}
	log := &serverLog{done: make(chan struct{})}
	go func() { // keep reading so the server never blocks on its log
		defer close(log.done)
		defer pr.Close()
		_, _ = io.Copy(&log.buf, lines)
	}()
	return cmd, m[1], log
}

// serverLog is what the server wrote after its first line.
type serverLog struct {
	buf  bytes.Buffer
	done chan struct{} // closed once the server's stderr is at EOF
}

// String waits for the server to exit (at most 5s), then returns its log.
func (l *serverLog) String() string {
	select {
	case <-l.done:
		return l.buf.String()
	case <-time.After(5 * time.Second):
		return "(the server is still running: its log is not complete)"
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestFailOnViolationExitsWith3(t *testing.T) {
	bin := buildBinary(t)
	cmd, addr, _ := startBinary(t, bin, "--fail-on-violation", "--scenario", "success")
	resp, err := http.Post("http://"+addr+"/?Action=CreateUserUsageDataExportTask&Version=2018-05-10&Format=JSON&StartTme=x", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the success scenario answered %d", resp.StatusCode)
	}
	out := &bytes.Buffer{}
	cmd.Stdout = out
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(cmd.Wait()); code != 3 {
		t.Fatalf("exit code %d, want 3", code)
	}
}

func TestCleanShutdownWithoutViolations(t *testing.T) {
	bin := buildBinary(t)
	cmd, addr, logs := startBinary(t, bin, "--fail-on-violation", "--clock", "2026-11-25T12:00:00Z")
	resp, err := http.Post("http://"+addr+"/?Action=CreateUserUsageDataExportTask&Version=2018-05-10&Format=JSON&StartTime=2026-11-01T00:00:00Z&EndTime=2026-11-02T00:00:00Z", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(cmd.Wait()); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	// One log line per request: action, access key, scenario, code, status, latency.
	for _, want := range []string{"action=CreateUserUsageDataExportTask", "scenario=default", "status=200", "latency="} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestValidateCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"validate"}, &out, &errb); code != 0 {
		t.Fatalf("validate on the shipped files: %d %s", code, errb.String())
	}

	dir := t.TempDir()
	bad := "operations:\n  CreateUserUsageDataExportTask:\n    error: NoSuchCode\n  DescribeNothing: {}\n"
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"validate", "--scenarios", dir}, &out, &errb); code != 1 {
		t.Fatalf("validate on a broken scenario: exit %d, want 1", code)
	}
	for _, want := range []string{
		"broken.yaml:3: operations.CreateUserUsageDataExportTask.error: NoSuchCode is not documented",
		"broken.yaml:4: operations.DescribeNothing: no operation DescribeNothing in the spec",
	} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, errb.String())
		}
	}
}

func TestBadFlags(t *testing.T) {
	cases := map[string][]string{
		"unknown flag":      {"--nope"},
		"bad clock":         {"--clock", "yesterday"},
		"bad delay":         {"--delay", "soon"},
		"bad throttle":      {"--throttle", "maybe"},
		"missing spec":      {"--spec", "/no/such/spec.yaml"},
		"not a directory":   {"--scenarios", "/no/such/dir"},
		"stray argument":    {"serve-please"},
		"tiny journal size": {"--journal-size", "0"},
		"bad log mode":      {"--log", "verbose"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(args, &out, &errb); code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, errb.String())
			}
			if errb.Len() == 0 {
				t.Error("no message")
			}
		})
	}
}

// --no-shipped-scenarios reaches Config.NoShippedScenarios, and only when given.
func TestNoShippedScenariosFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{{nil, false}, {[]string{"--no-shipped-scenarios"}, true}} {
		o, err := parseFlags("serve", c.args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := o.config()
		if err != nil {
			t.Fatal(err)
		}
		if cfg.NoShippedScenarios != c.want {
			t.Errorf("%q: Config.NoShippedScenarios = %v, want %v", c.args, cfg.NoShippedScenarios, c.want)
		}
	}
}
