package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every package under mock/ and internal/ has a row in
// docs/architecture.md's package table, every Go file of a package is
// named in its row, and every .go file a row names exists, so the map
// follows a package or a file added, moved or removed.
func TestArchitectureFileLists(t *testing.T) {
	data, err := os.ReadFile("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `((?:mock|internal)(?:/[a-z]+)*)`(?: \\(public\\))? \\|")
	named := regexp.MustCompile("`([a-z0-9_]+\\.go)`")
	rows := 0
	documented := map[string]bool{}
	for line := range strings.SplitSeq(string(data), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rows++
		dir := m[1]
		documented[dir] = true
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
	for _, dir := range packageDirs(t, "mock", "internal") {
		if !documented[dir] {
			t.Errorf("docs/architecture.md: the package %s has no row", dir)
		}
	}
	if rows < 10 {
		t.Errorf("docs/architecture.md: %d package rows read; the table's form changed?", rows)
	}
}

// packageDirs lists the folders under roots that hold a Go package: a
// .go file besides tests, in slash form.
func packageDirs(t *testing.T, roots ...string) []string {
	t.Helper()
	var dirs []string
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			files, err := filepath.Glob(filepath.Join(path, "*.go"))
			if err != nil {
				return err
			}
			for _, f := range files {
				if !strings.HasSuffix(f, "_test.go") {
					dirs = append(dirs, filepath.ToSlash(path))
					break
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dirs
}
