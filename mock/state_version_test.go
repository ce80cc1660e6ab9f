package mock_test

import (
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// A --state file of format 1 holds resource items without their parent
// and with keys not lower-cased: loading it would bring back configs a
// domain lost and names that differ by case. It is refused at startup,
// naming the file and what to do; a file this version wrote opens again.
func TestStateFileOfAnOldFormatRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("version"), []byte("1"))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = mock.New(mock.Config{StatePath: path})
	if err == nil {
		t.Fatal("a --state file of format 1 was opened")
	}
	for _, want := range []string{path, "format 1", "delete the file", "another --state path"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal %q does not say %q", err, want)
		}
	}

	fresh := filepath.Join(t.TempDir(), "new.db")
	for range 2 {
		srv, err := mock.New(mock.Config{StatePath: fresh})
		if err != nil {
			t.Fatalf("a file this version wrote: %v", err)
		}
		srv.Close()
	}
}
