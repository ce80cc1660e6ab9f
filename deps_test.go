package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The server binary leaves out what only tests use: excelize, which reads
// the usage-detail export back in tests (mock/report writes it on the
// standard library), and the text encodings it brings. Each costs the
// binary's size and the start its package initialisation.
func TestBinaryLeavesOutTestOnlyModules(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool:", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps .: %v\n%s", err, out)
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
