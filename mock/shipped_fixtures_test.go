package mock_test

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/alibaba-cloud-mock/cdnmock/fixtures"
)

// withShippedFixtures returns files plus the shipped fixtures of every
// operation files has no directory for: a test about one operation's
// fixtures still loads against the whole shipped spec, where every
// operation needs a success fixture.
func withShippedFixtures(t testing.TB, files fstest.MapFS) fstest.MapFS {
	t.Helper()
	mentioned := map[string]bool{}
	out := fstest.MapFS{}
	for p, f := range files {
		mentioned[path.Dir(p)] = true
		out[p] = f
	}
	for p, data := range shippedFixtureFiles(t) {
		if !mentioned[path.Dir(p)] {
			out[p] = &fstest.MapFile{Data: data}
		}
	}
	return out
}

// writeShippedFixtures writes into dir the shipped fixtures of every
// operation dir has no directory for.
func writeShippedFixtures(t testing.TB, dir string) {
	t.Helper()
	for p, data := range shippedFixtureFiles(t) {
		opDir := filepath.Join(dir, path.Dir(p))
		if _, err := os.Stat(opDir); err == nil {
			continue
		}
		if err := os.MkdirAll(opDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// shippedFixtureFiles maps each shipped <Action>/<name>.json to its bytes.
func shippedFixtureFiles(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := fs.WalkDir(fixtures.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		out[p], err = fs.ReadFile(fixtures.FS, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
