package mock

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Reload reads the scenarios and fixtures again and swaps them in at once.
// Requests in flight keep the set they started with. A broken set is
// refused: the last good one stays, and the problems are returned and shown
// by GET /_mock/scenarios as reloadError until a reload succeeds.
func (s *Server) Reload() error {
	cat, err := loadCatalog(s.cfg, s.cfg.Clock.Now())
	if err != nil {
		msg := err.Error()
		s.reloadErr.Store(&msg)
		s.cfg.Logger.Error("reload refused; keeping the last good scenarios and fixtures", "problems", msg)
		return err
	}
	s.catalog.Store(cat)
	s.reloadErr.Store(nil)
	s.counters.reset("", "")
	s.cfg.Logger.Info("reloaded scenarios and fixtures", "scenarios", len(cat.order))
	return nil
}

// reloadSettle is how long the files must stay quiet before a reload, so an
// editor's burst of writes gives one reload of the finished files.
const reloadSettle = 100 * time.Millisecond

// Watch reloads whenever a file changes under the given directories (and
// their subdirectories, which fixtures use). The directories are watched
// when it returns; stop ends the watching and waits for it. Each reload's
// result goes to onReload when it is not nil.
func (s *Server) Watch(onReload func(error), dirs ...string) (stop func(), err error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		if err := watchTree(w, d); err != nil {
			w.Close()
			return nil, err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer w.Close()
		s.watch(ctx, w, onReload)
	}()
	return func() { cancel(); <-done }, nil
}

func (s *Server) watch(ctx context.Context, w *fsnotify.Watcher, onReload func(error)) {
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					_ = watchTree(w, ev.Name) // a new fixture directory
				}
			}
			settle.Reset(reloadSettle)
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			s.cfg.Logger.Error("watching files", "err", err)
		case <-settle.C:
			err := s.Reload()
			if onReload != nil {
				onReload(err)
			}
		}
	}
}

func watchTree(w *fsnotify.Watcher, root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if err := w.Add(p); err != nil {
				return fmt.Errorf("watching %s: %w", p, err)
			}
		}
		return nil
	})
}
