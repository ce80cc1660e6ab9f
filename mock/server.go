// Package mock is a local server that answers Alibaba Cloud RPC API calls as
// the real service would, driven by an OpenAPI spec, scenario files and
// response fixtures. New returns an http.Handler, so tests can run it
// in-process; the cdnmock command serves it on a port.
package mock

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/admin"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/auth"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/resources"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// Server is the mock. It is safe for concurrent use.
type Server struct {
	cfg        Config
	catalog    atomic.Pointer[catalog]
	coverage   *coverageTable         // served outcomes, laid out from the spec, which no reload changes (coverage.go)
	reloadErr  atomic.Pointer[string] // the last failed reload, until one succeeds
	control    scenario.Selection
	counters   scenario.Counters
	throttle   scenario.Throttle
	journal    *journal.Ring
	violations *journal.Ring // the journal's entries that broke the spec, kept apart
	echo       *echo.Echo
	api        echo.HandlerFunc // handleAPI in its middleware (serveEcho)
	handler    http.Handler     // serveEcho, made once
	taskSeq    atomic.Uint64
	newTaskID  func() string    // the next TaskId a fixture shows; made once: a method value would allocate one per answer
	tasks      *tasks.Store     // export tasks (package tasks)
	resources  *resources.Store // the spec's resources: refresh tasks, domains… (package resources)
	verifier   *auth.Verifier   // with Config.Credentials: signatures, keys, nonces (package auth); nil without
	closing    chan struct{}
	closeOnce  sync.Once
	inflight   inflight
	proxy      *proxy // proxy mode: forwarding, recording, replay (proxy.go); nil when off

	// Reloads (reload.go): reloadMu serializes them, scenarioMu makes a
	// reload's check of the scenarios in use and its swap one step against
	// SetScenario and Bind, watchMu and watchers let Close stop Watch.
	reloadMu     sync.Mutex
	scenarioMu   sync.RWMutex
	watchMu      sync.Mutex
	watchers     sync.WaitGroup
	reloadSettle time.Duration

	hooks hooks
}

// hooks let tests see and pause the server's steps; all nil in production.
type hooks struct {
	hold          func(start bool) // a request starts (true) or stops (false) being held by a delay or fault:hang
	reloadLoaded  func()           // a reload has read its files and has not installed them yet
	reloadSwapped func()           // a reload has swapped its files in and not returned yet
	reloadWaits   func()           // a reload waits for another one to finish
	installWaits  func()           // a reload's install waits for a SetScenario or Bind to finish
	scenarioOK    func()           // SetScenario or Bind has found the scenario and not yet set it
	stateWrite    func() error     // a resource write to the --state file: its error makes the write fail (stateFile)
}

// New loads and checks every file and returns a ready server. A problem in
// any file makes it fail with Problems that name file, line and field.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Delay.Check(); err != nil {
		return nil, fmt.Errorf("the delay in Config.Delay, %v, is %w", cfg.Delay, err)
	}
	if cfg.MaxHold < 0 {
		return nil, fmt.Errorf("Config.MaxHold is %v: a bound on holds is positive, or zero for none", cfg.MaxHold)
	}
	if cfg.MaxDownloads < 0 {
		return nil, fmt.Errorf("Config.MaxDownloads is %d: a bound on downloads is positive, or zero for the default, %d", cfg.MaxDownloads, admin.DefaultMaxDownloads)
	}
	cat, err := loadCatalog(cfg, cfg.Clock.Now(), true)
	if err != nil {
		return nil, err
	}
	return newWithCatalog(cfg, cat)
}

// newWithCatalog makes a server with fresh state around a loaded catalog,
// which is never changed once loaded: the fuzz tests make one per input.
func newWithCatalog(cfg Config, cat *catalog) (*Server, error) {
	s := &Server{
		cfg:        cfg,
		journal:    journal.NewRing(cfg.JournalSize),
		violations: journal.NewRing(cfg.JournalSize),
		closing:    make(chan struct{}),

		reloadSettle: reloadSettle,
	}
	if cfg.Credentials != nil {
		s.verifier = auth.NewVerifier(cfg.Credentials, cfg.MaxBodyBytes)
	}
	s.catalog.Store(cat)
	s.coverage = newCoverage(cat.spec)
	s.control.SetActive(cfg.Scenario)
	s.taskSeq.Store(100000)
	s.newTaskID = func() string { return strconv.FormatUint(s.taskSeq.Add(1), 10) }
	var err error
	if s.proxy, err = newProxy(cfg); err != nil {
		return nil, err
	}
	if s.tasks, err = tasks.Open(cfg.StatePath, cfg.TaskDuration, &s.taskSeq); err != nil {
		return nil, err
	}
	var file resources.File // resources share the task store's file and its group commit; nil: memory only
	if cfg.StatePath != "" {
		file = stateFile{s}
	}
	if s.resources, err = resources.Open(file); err != nil {
		s.tasks.Close()
		return nil, err
	}
	s.echo = s.routes(cat.spec)
	s.handler = http.HandlerFunc(s.serveEcho)
	return s, nil
}

// ServeHTTP answers API calls on "/" and the admin API under /_mock/.
// Like a net/http handler, it panics with http.ErrAbortHandler when a
// download is cut short once its answer has started (the client went
// away, or took nothing for 30 s): net/http drops the connection
// quietly; a caller of ServeHTTP outside an http.Server recovers it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if serveHook != nil { // tests only (listeners: adminapi.go)
		serveHook(listenerBoth, s.handler, w, r)
		return
	}
	s.serveEcho(w, r)
}

// serveEcho is echo's ServeHTTP, but for API calls (GET or POST on "/"),
// which it hands to the same handler, wrapped in the same middleware once
// and for all: echo wraps a handler in its middleware again on every
// request, an allocation each.
func (s *Server) serveEcho(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" || r.URL.RawPath != "" || (r.Method != http.MethodGet && r.Method != http.MethodPost) {
		s.echo.ServeHTTP(w, r)
		return
	}
	c := s.echo.AcquireContext()
	c.Reset(r, w)
	if err := s.api(c); err != nil {
		s.echo.HTTPErrorHandler(err, c)
	}
	s.echo.ReleaseContext(c)
}

// Close releases every request held by fault:hang or a delay (their
// connections are dropped: there is no answer to give), stops every Watch,
// and returns once those handlers and watchers have finished. Call it when
// the server stops (http.Server.RegisterOnShutdown does); it is safe to call
// more than once, but not from a Watch's onReload.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.watchMu.Lock() // no Watch starts after this
		close(s.closing)
		s.watchMu.Unlock()
	})
	s.watchers.Wait()
	s.inflight.wait()
	s.tasks.Close() // releases the --state file
}

// Clock returns the server's clock, to pin or move it.
func (s *Server) Clock() *Clock { return s.cfg.Clock }

// Spec returns the loaded spec.
func (s *Server) Spec() *Spec { return s.catalog.Load().spec }

// routes lists every route in one place. The API is served on "/", where
// every method reaches the pipeline so that one the spec's operations do not
// accept gets the API's own UnsupportedHTTPMethod; control lives under /_mock/.
func (s *Server) routes(sp *Spec) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(s.recoverPanics) // a panic anywhere is a 500, never a dropped connection (recover.go)
	e.Any("/", s.handleAPI)
	s.api = s.recoverPanics(s.handleAPI)              // serveEcho's way to it
	admin.Routes(e.Group(AdminPrefix), s.adminDeps()) // package admin
	return e
}
