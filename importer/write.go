package importer

import (
	"bytes"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// FixtureName is the file each generated fixture is written to, under
// <dir>/<Action>/.
const FixtureName = "success.json"

// WriteFiles writes the spec, the fixtures (<fixturesDir>/<Action>/success.json)
// and the coverage page; an empty path skips that output. A file whose
// content is unchanged is not rewritten. Generated fixtures of operations
// the result no longer has are removed, with their directory when it is
// left empty; nothing else in fixturesDir is touched.
func (r *Result) WriteFiles(specPath, fixturesDir, coveragePath string) error {
	if specPath != "" {
		if err := writeIfChanged(specPath, r.Spec); err != nil {
			return err
		}
	}
	if coveragePath != "" {
		if err := writeIfChanged(coveragePath, r.Coverage); err != nil {
			return err
		}
	}
	if fixturesDir == "" {
		return nil
	}
	actions := slices.Sorted(maps.Keys(r.Fixtures))
	for _, a := range actions {
		if err := writeIfChanged(filepath.Join(fixturesDir, a, FixtureName), r.Fixtures[a]); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(fixturesDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() || r.Fixtures[e.Name()] != nil {
			continue
		}
		dir := filepath.Join(fixturesDir, e.Name())
		if err := os.Remove(filepath.Join(dir, FixtureName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if rest, err := os.ReadDir(dir); err == nil && len(rest) == 0 {
			if err := os.Remove(dir); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
