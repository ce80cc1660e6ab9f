package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every Go file of a package in docs/architecture.md's package table is
// named in its row, and every .go file a row names exists, so the map
// follows a file added, moved or removed.
func TestArchitectureFileLists(t *testing.T) {
	data, err := os.ReadFile("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `((?:mock|internal)(?:/[a-z]+)*)`(?: \\(public\\))? \\|")
	named := regexp.MustCompile("`([a-z0-9_]+\\.go)`")
	rows := 0
	for line := range strings.SplitSeq(string(data), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rows++
		dir := m[1]
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			base := filepath.Base(f)
			if strings.HasSuffix(base, "_test.go") || base == "doc.go" {
				continue
			}
			if !strings.Contains(line, "`"+base+"`") {
				t.Errorf("docs/architecture.md: %s's row does not name %s", dir, base)
			}
		}
		for _, n := range named.FindAllStringSubmatch(line, -1) {
			if _, err := os.Stat(filepath.Join(dir, n[1])); err != nil {
				t.Errorf("docs/architecture.md: %s's row names %s, which it does not have", dir, n[1])
			}
		}
	}
	if rows < 10 {
		t.Errorf("docs/architecture.md: %d package rows read; the table's form changed?", rows)
	}
}
