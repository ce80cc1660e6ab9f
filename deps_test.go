package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The server binary leaves out what only tests use: excelize, which reads
// the usage-detail export back in tests (mock/report writes it on the
// standard library), and the text encodings it brings. Each costs the
// binary's size and the start its package initialisation.
func TestBinaryLeavesOutTestOnlyModules(t *testing.T) {
	cmd := exec.Command(goTool(t), "list", "-deps", ".")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // "go: downloading …" lines are no packages
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps .: %v\n%s", err, stderr.Bytes())
	}
	for _, banned := range []string{"github.com/xuri/excelize/v2", "golang.org/x/text/encoding"} {
		for pkg := range strings.FieldsSeq(string(out)) {
			if pkg == banned || strings.HasPrefix(pkg, banned+"/") {
				t.Errorf("the server imports %s (`go mod why %s` tells through what)", pkg, pkg)
				break
			}
		}
	}
}

// goTool is the go command of the toolchain running the test, whose
// version go.mod accepts; another on PATH may not be.
func goTool(t *testing.T) string {
	t.Helper()
	name := "go"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if p := filepath.Join(runtime.GOROOT(), "bin", name); runtime.GOROOT() != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool:", err)
	}
	return p
}
