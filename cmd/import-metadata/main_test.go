package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	fixtures := filepath.Join(dir, "fixtures")
	coverage := filepath.Join(dir, "docs", "coverage.md")
	// A fixture of an operation the metadata no longer has is removed; other files stay.
	stale := filepath.Join(fixtures, "Gone", "success.json")
	keep := filepath.Join(fixtures, "embed.go")
	for _, f := range []string{stale, keep} {
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"-in", "../../importer/testdata/sample-api-docs.json", "-spec", spec, "-fixtures", fixtures, "-coverage", coverage}
	var stderr bytes.Buffer
	if code := run(args, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "5 operations") {
		t.Errorf("stderr: %s", stderr.String())
	}
	first := map[string][]byte{}
	for _, f := range []string{spec, coverage, filepath.Join(fixtures, "TagResources", "success.json")} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		first[f] = b
	}
	if _, err := os.Stat(filepath.Join(fixtures, "Gone")); !os.IsNotExist(err) {
		t.Errorf("the stale fixture directory is still there: %v", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a file that is not a fixture was removed: %v", err)
	}
	if code := run(args, &stderr); code != 0 {
		t.Fatalf("second run: exit %d", code)
	}
	for f, b := range first {
		again, _ := os.ReadFile(f)
		if !bytes.Equal(again, b) {
			t.Errorf("%s changed on the second run", f)
		}
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"-in", "x.json"}, {"-nope"}, {"-in", "x.json", "-spec", "s", "extra"}} {
		var stderr bytes.Buffer
		if code := run(args, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	var stderr bytes.Buffer
	if code := run([]string{"-in", "does-not-exist.json", "-spec", filepath.Join(t.TempDir(), "s.yaml")}, &stderr); code != 1 {
		t.Errorf("missing input: exit %d, want 1", code)
	}
}
