package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestTaskFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"--task-duration", "0s"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--task-duration: 0s: want a positive duration") {
		t.Errorf("--task-duration 0s: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"--task-duration", "soon"}, &out, &errb); code != 2 {
		t.Errorf("--task-duration soon: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	dir := t.TempDir() // a directory is no state file
	if code := run([]string{"--addr", "127.0.0.1:0", "--state", dir}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "--state "+dir) {
		t.Errorf("--state on a directory: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"validate", "--state", filepath.Join(dir, "x.db"), "--task-duration", "2m"}, &out, &errb); code != 0 {
		t.Errorf("validate with the task flags: exit %d, %q", code, errb.String())
	}
}
