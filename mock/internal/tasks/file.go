package tasks

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// compactMinBytes: a --state file smaller than this is never compacted.
const compactMinBytes = 1 << 20

var (
	bucketTasks = []byte("tasks") // big-endian Seq → JSON Task
	bucketMeta  = []byte("meta")
	keyVersion  = []byte("version")
	keySeq      = []byte("seq") // the last id given, so ids of deleted tasks never come back
)

// stateVersion is the format of a --state file. 2: resource items have
// their parent and lower-cased keys (x-mock-fold); a file of format 1 would
// bring back configs without their domain and keys differing by case, so
// it is refused (the project keeps no migrations before a release).
const stateVersion = "2"

// openFile opens the bbolt file at statePath and loads its tasks into the
// empty store ts, moving ts.seq past every id it holds. A file holding
// more than the store's bound (written with a larger one) loses its oldest
// at open; a file that is half free space or more is compacted (compact).
// It then starts the writer of the group commit (commit.go).
func (ts *Store) openFile(statePath string) error {
	seq := ts.seq
	db, err := bolt.Open(statePath, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return fmt.Errorf("--state %s: the file is in use by another process (another cdnmock?)", statePath)
	}
	if err != nil {
		return fmt.Errorf("--state %s: %v", statePath, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		switch v := meta.Get(keyVersion); {
		case v == nil:
			if err := meta.Put(keyVersion, []byte(stateVersion)); err != nil {
				return err
			}
		case string(v) != stateVersion:
			return fmt.Errorf("written by another version of cdnmock (state format %s, this one reads only %s): its tasks and resources cannot be read as they are; delete the file (its state is lost) or pass another --state path", v, stateVersion)
		}
		if v := meta.Get(keySeq); len(v) == 8 && binary.BigEndian.Uint64(v) > seq.Load() {
			seq.Store(binary.BigEndian.Uint64(v)) // nothing else uses seq before New returns
		}
		b, err := tx.CreateBucketIfNotExists(bucketTasks)
		if err != nil {
			return err
		}
		var loaded []*Task
		if err := b.ForEach(func(k, v []byte) error {
			t := &Task{}
			if err := json.Unmarshal(v, t); err != nil {
				return fmt.Errorf("task %s: %v", taskKeyID(k), err)
			}
			loaded = append(loaded, t)
			return nil
		}); err != nil {
			return err
		}
		var evicted []*Task
		for _, t := range loaded { // in Seq order: the keys are big-endian
			if evicted, err = ts.insert(t, evicted); err != nil {
				return err
			}
			if t.Seq > seq.Load() { // nothing else uses seq before New returns
				seq.Store(t.Seq)
			}
		}
		for _, t := range evicted { // after ForEach: bbolt forbids changes during it
			if err := b.Delete(seqKey(t.Seq)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return fmt.Errorf("--state %s: %v", statePath, err)
	}
	ts.db, err = compact(db, statePath)
	if err != nil {
		return fmt.Errorf("--state %s: compacting: %v", statePath, err)
	}
	ts.wake, ts.stopped = make(chan struct{}, 1), make(chan struct{})
	go ts.write()
	return nil
}

// compact rewrites the file at path when free pages make up half of it or
// more: bbolt reuses freed pages but never shrinks its file, so after
// deletes or a reset the file would stay at its largest size for good.
// It copies the live data into path+".compact" (bolt.Compact), syncs it
// and renames it over path, so a crash at any point leaves one whole file
// at path. The copy is opened, and so locked, before the rename, and is
// the database the store goes on with: no other process can slip in.
func compact(db *bolt.DB, path string) (*bolt.DB, error) {
	tmp := path + ".compact"
	_ = os.Remove(tmp) // left by a compaction that was killed; we hold path's lock, so it is ours
	fi, err := os.Stat(path)
	if err != nil || fi.Size() < compactMinBytes || int64(db.Stats().FreeAlloc)*2 < fi.Size() {
		return db, nil
	}
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	err = bolt.Compact(dst, db, 4<<20)
	if err == nil {
		err = dst.Sync() // NoSync above: one fsync for the whole copy, before it replaces path
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = dst.Close()
		_ = os.Remove(tmp)
		_ = db.Close()
		return nil, err
	}
	dst.NoSync = false
	_ = db.Close()
	if d, err := os.Open(filepath.Dir(path)); err == nil { // make the rename durable
		_ = d.Sync()
		_ = d.Close()
	}
	return dst, nil
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// taskKeyID is the TaskId a bucket key stands for (the task's seq,
// big-endian), for messages; a key of another length is shown in hex.
func taskKeyID(k []byte) string {
	if len(k) != 8 {
		return fmt.Sprintf("key %x", k)
	}
	return strconv.FormatUint(binary.BigEndian.Uint64(k), 10)
}
