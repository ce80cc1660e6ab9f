package mock

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Reload reads the scenarios and fixtures again and swaps them in at once.
// Requests in flight keep the set they started with. Reloads run one at a
// time, so the set installed last is the one read last. A broken set is
// refused, and so is one that drops the active scenario or a scenario an
// access key is bound to: the last good set stays, and the problems are
// returned and shown by GET /_mock/scenarios as reloadError until a reload
// succeeds.
func (s *Server) Reload() error {
	if !s.reloadMu.TryLock() {
		if h := s.hooks.reloadWaits; h != nil {
			h()
		}
		s.reloadMu.Lock()
	}
	defer s.reloadMu.Unlock()
	cfg := s.cfg
	cfg.Scenario = "" // the startup scenario may be long gone; install checks the live one
	cat, err := loadCatalog(cfg, cfg.Clock.Now(), true)
	if err == nil {
		if h := s.hooks.reloadLoaded; h != nil {
			h()
		}
		err = s.install(cat)
	}
	if err != nil {
		msg := err.Error()
		s.reloadErr.Store(&msg)
		s.cfg.Logger.Error("reload refused; keeping the last good scenarios and fixtures", "problems", msg)
		return err
	}
	s.reloadErr.Store(nil)
	s.counters.Reset("", "")
	s.cfg.Logger.Info("reloaded scenarios and fixtures", "scenarios", len(cat.order))
	return nil
}

// install swaps cat in, unless it lacks a scenario in use: every call would
// then get Mock.UnknownScenario. SetScenario and Bind check and set under
// the same lock, so none of them can pick a scenario this swap drops.
func (s *Server) install(cat *catalog) error {
	if !s.scenarioMu.TryLock() {
		if h := s.hooks.installWaits; h != nil {
			h()
		}
		s.scenarioMu.Lock()
	}
	defer s.scenarioMu.Unlock()
	old := s.catalog.Load()
	active, bindings := s.control.Snapshot()
	var ps Problems
	gone := func(name string) bool { return cat.scenarios[name] == nil && old.scenarios[name] != nil }
	source := func(name string) string {
		if src := old.scenarios[name].Source; src != "builtin" {
			return src
		}
		return s.cfg.ScenariosDir
	}
	if gone(active) {
		ps.Add(source(active), 0, "", "scenario %q is the active one and would be dropped; set another first (PUT %s/scenario)", active, AdminPrefix)
	}
	keys := map[string][]string{} // dropped scenario → the access keys bound to it
	for key, name := range bindings {
		if gone(name) {
			keys[name] = append(keys[name], key)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(keys)) {
		ks := keys[name]
		slices.Sort(ks)
		const show = 5
		list := fmt.Sprintf("%q", ks[:min(len(ks), show)])
		if len(ks) > show {
			list += fmt.Sprintf(" and %d more", len(ks)-show)
		}
		ps.Add(source(name), 0, "", "scenario %q is bound to access key(s) %s and would be dropped; bind them to another first, or reset (DELETE %s/scenario)", name, list, AdminPrefix)
	}
	if err := ps.Err(); err != nil {
		return err
	}
	s.catalog.Store(cat)
	if h := s.hooks.reloadSwapped; h != nil {
		h()
	}
	return nil // the coverage counts are the server's, not the catalog's: nothing to carry
}

// reloadSettle is how long the files must stay quiet before a reload, so an
// editor's burst of writes gives one reload of the finished files. Tests
// shorten it per server.
const reloadSettle = 100 * time.Millisecond

// Watch reloads whenever a file changes under the given directories (and
// their subdirectories, which fixtures use). The directories are watched
// when it returns; stop, or the server's Close, ends the watching and waits
// for it. Each reload's result goes to onReload when it is not nil.
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
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	select {
	case <-s.closing: // Close would not wait for this watcher
		w.Close()
		return nil, errors.New("watching files: the server is closed")
	default:
	}
	s.watchers.Add(1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer s.watchers.Done()
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
		case <-s.closing:
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
			settle.Reset(s.reloadSettle)
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			s.cfg.Logger.Error("watching files", "err", err)
		case <-settle.C:
			if ctx.Err() != nil || s.isClosed() {
				return // stopping won the race with the timer: no reload after stop or Close
			}
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

func (s *Server) isClosed() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}
