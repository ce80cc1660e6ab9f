package mock

import (
	"io/fs"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/alibaba-cloud-mock/cdnmock/fixtures"
	genfixtures "github.com/alibaba-cloud-mock/cdnmock/fixtures/generated"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
)

// A generated operation without hand-written fixtures maps, in every
// server's fixture set, to the one map the generated layer keeps; a server
// given a hand-written fixture of that operation gets a copy, which the
// other servers' map never sees.
func TestGeneratedFixturesShared(t *testing.T) {
	const action = "DescribeCdnService" // generated, without a hand-written fixture
	fixturesOf := func(cfg Config) fixture.Set {
		t.Helper()
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		set := s.catalog.Load().fixtures
		if set.Get(action, "success") == nil {
			t.Fatalf("no generated success fixture of %s", action)
		}
		return set
	}
	same := func(a, b map[string]*fixture.Fixture) bool {
		return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
	}
	first, second := fixturesOf(Config{}), fixturesOf(Config{})
	if !same(first[action], second[action]) {
		t.Errorf("two servers hold two maps of %s's fixtures: want the kept one", action)
	}

	hand := fstest.MapFS{}
	if err := fs.WalkDir(fixtures.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fixtures.FS, p)
		hand[p] = &fstest.MapFile{Data: data}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	success, err := fs.ReadFile(genfixtures.FS, action+"/success.json")
	if err != nil {
		t.Fatal(err)
	}
	hand[action+"/custom.json"] = &fstest.MapFile{Data: success}
	own := fixturesOf(Config{Fixtures: hand, FixturesDir: "fixtures"})
	if own.Get(action, "custom") == nil || same(own[action], first[action]) {
		t.Fatalf("a hand-written fixture of %s: custom found %v, map shared %v", action, own.Get(action, "custom") != nil, same(own[action], first[action]))
	}
	if first.Get(action, "custom") != nil || second.Get(action, "custom") != nil || fixturesOf(Config{}).Get(action, "custom") != nil {
		t.Errorf("one server's hand-written fixture of %s shows in other servers' sets", action)
	}
}
