package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

// cdnmock coverage prints what the server served; --uncovered what it
// never did.
func TestCoverageCommand(t *testing.T) {
	_, ts := startMock(t)
	apiCall(t, ts, "CreateUserUsageDataExportTask", "AK1")
	code, out, errOut := cli(t, "coverage", "--action", "CreateUser*", "--server", ts.URL)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "ACTION") || !strings.Contains(out, "CreateUserUsageDataExportTask") ||
		!strings.Contains(out, "covered: 1 of ") || strings.Contains(out, "CreateUsageDetail") {
		t.Errorf("coverage:\n%s", out)
	}
	success := false
	for _, l := range lines {
		f := strings.Fields(l)
		success = success || (len(f) == 4 && f[1] == "success" && f[3] == "1")
	}
	if !success {
		t.Errorf("no success row counted once:\n%s", out)
	}
	_, out, _ = cli(t, "coverage", "--action", "CreateUser*", "--uncovered", "--server", ts.URL)
	if strings.Contains(out, " success ") || !strings.Contains(out, "InvalidTimeRange") {
		t.Errorf("--uncovered:\n%s", out)
	}
	if code, _, errOut := cli(t, "coverage", "--uncoverd", "--server", ts.URL); code != exitUsage || !strings.Contains(errOut, "did you mean --uncovered?") {
		t.Errorf("a mistyped flag: exit %d %s", code, errOut)
	}
}

// --coverage-out writes the report at shutdown: JSON, or Markdown for .md.
func TestCoverageOut(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	for _, name := range []string{"coverage.json", "coverage.md"} {
		file := filepath.Join(dir, name)
		cmd, addr, logs := startBinary(t, bin, "--coverage-out", file, "--clock", "2026-11-25T12:00:00Z")
		resp, err := http.Post("http://"+addr+"/?Action=CreateUserUsageDataExportTask&Version=2018-05-10&Format=JSON&StartTime=2026-11-01T00:00:00Z&EndTime=2026-11-02T00:00:00Z", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if code := exitCode(cmd.Wait()); code != 0 {
			t.Fatalf("%s: exit %d\n%s", name, code, logs)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".md") {
			if !strings.Contains(string(data), "| CreateUserUsageDataExportTask | success | 200 | 1 |") {
				t.Errorf("%s:\n%s", name, data)
			}
			continue
		}
		var r adminapi.CoverageReport
		if err := json.Unmarshal(data, &r); err != nil || r.Covered != 1 || r.Total < 100 {
			t.Errorf("%s: %v covered %d of %d", name, err, r.Covered, r.Total)
		}
	}
	if code, _, errOut := cli(t, "--coverage-out", filepath.Join(dir, "nope", "c.md")); code != 2 || !strings.Contains(errOut, "--coverage-out") {
		t.Errorf("a missing directory: exit %d %s", code, errOut)
	}
}
