// Package mock is a local server that answers Alibaba Cloud RPC API calls as
// the real service would, driven by an OpenAPI spec, scenario files and
// response fixtures. New returns an http.Handler, so tests can run it
// in-process; the cdnmock command serves it on a port.
package mock

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/admin"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/auth"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/drift"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/recording"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/resources"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
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
	newTaskID  func() string    // nextTaskID, as a func value made once: s.nextTaskID would allocate one per answer
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
	s.newTaskID = s.nextTaskID
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

// exchange is one API request on its way through the pipeline.
type exchange struct {
	requestID   string
	call        Call // held here, not allocated: x lives on the handler's stack
	op          *Operation
	scenario    string
	from        string // where the scenario choice came from
	outcome     Outcome
	headerDelay *Delay // from X-Mock-Delay
	fixture     *Fixture
	err         *apiError
	violations  []Violation
	params      url.Values    // the call's parameters with the spec's defaults, for the task hook and the fixture
	tasks       fixture.Tasks // what an x-mock-state hook made, for the fixture
	warning     string        // X-Mock-Warning: the scenario had no outcome for the call

	// Proxy mode (proxy.go): the call leaves the pipeline for a recording
	// (replayed) or the upstream (forward).
	forward   bool
	replayed  *recording.Exchange
	replay    *ReplayInfo
	upstream  *UpstreamInfo
	mockWould *apiError // the mock's own validation's answer, to compare
	drift     []drift.Finding

	// The journal (answered, record.go): the exchange is recorded once,
	// just before its answer leaves or its connection is dropped.
	spec     *Spec
	start    time.Time // zero: latency 0
	recorded bool
}

// handleAPI is the whole life of an API request, top to bottom: decide the
// answer, wait if asked to, record and answer (or break the connection).
func (s *Server) handleAPI(c echo.Context) error {
	start := time.Now()
	cat := s.catalog.Load()
	r := c.Request()
	x := &exchange{requestID: s.cfg.NewRequestID(), spec: cat.spec, start: start}
	status := 0
	s.inflight.add(1)
	defer func() { // also when a fault or a panic aborts the handler
		s.answered(x, status)
		x.call.Release() // journaled: nothing of the call's parameters is used after
		s.inflight.add(-1)
	}()
	defer s.recoverAPI(c, cat.spec, x, &status) // a panic answers 500 InternalError, then is journaled (recover.go)

	x.err = s.process(r, cat, x)
	d, hang := s.delay(x), x.err == nil && x.outcome.Fault == "hang"
	if d > 0 || hang {
		// Read the body no step read (one that is not a form), within the
		// limit: net/http notices a client leaving a held request only
		// once its body was read to the end. A body above the limit is
		// answered at once.
		if _, err := x.call.WholeBody(r, s.cfg.MaxBodyBytes); err != nil {
			x.err, d = err, 0
		}
	}
	if d > 0 && !s.sleep(r.Context(), d) {
		// The client gave up, MaxHold passed or the server closed while we
		// waited. Returning would make net/http send an empty 200, which a
		// client still listening would take as an answer.
		s.answered(x, 0)
		dropConnection(c, false)
		return nil
	}
	if x.err == nil && (x.forward || x.replayed != nil) { // proxy mode (proxy.go)
		status = s.answerRelayed(c, cat.spec, x)
		return nil
	}
	if x.err == nil && x.outcome.Fault != "" {
		status = s.breakConnection(c, x)
		return nil
	}
	status = s.write(c, cat.spec, x)
	return nil
}

// process decodes the call, checks it against the spec, picks the scenario
// and the outcome. It returns the API error to answer, or nil for success
// with x.fixture (or a fault in x.outcome).
func (s *Server) process(r *http.Request, cat *catalog, x *exchange) *apiError {
	sp := cat.spec
	call := &x.call
	if err := call.Decode(r, sp, s.cfg.MaxBodyBytes); err != nil {
		return err
	}
	if err := s.admit(r, sp, call); err != nil { // limits, then signatures, keys and RAM (admit.go, package auth)
		return err
	}
	if !slices.Contains(sp.AllMethods, r.Method) {
		return sp.Gateway(contract.CodeUnsupportedMethod, "")
	}
	if h := r.Header.Get(HeaderDelay); h != "" {
		d, err := ParseDelay(h)
		if err != nil {
			return errDelayHeader(err)
		}
		x.headerDelay = &d
	}

	x.scenario, x.from = s.control.Choose(r.Header.Get(HeaderScenario), call.AccessKeyID)
	sc := cat.scenarios[x.scenario]
	if sc == nil {
		name := x.scenario
		x.scenario = ""
		return errUnknownScenario(name, cat.scenarioNames())
	}

	op, err := dispatch(sp, call)
	x.op = op
	if err != nil {
		if s.relay(sp, x, sc, call.Action, nil, err) { // proxy mode: the upstream decides (proxy.go)
			return nil
		}
		return err
	}
	full, loadErr := op.Full() // a generated operation is loaded on its first call (package fixture, lazy.go)
	if loadErr != nil {
		s.cfg.Logger.LogAttrs(r.Context(), slog.LevelError, "operation cannot be loaded",
			slog.String("action", op.Name), slog.String("error", loadErr.Error()))
		return errOperationUnavailable(op.Name, loadErr)
	}
	op = full
	x.op = op

	// Contract violations are recorded whatever the scenario answers.
	x.violations = sp.CheckRequest(r.Context(), op, call.Params)
	now := s.cfg.Clock.Now()
	if sc.Throttle && !s.cfg.DisableThrottling && s.throttles() && !s.throttle.Allow(op, call.AccessKeyID, now) {
		return sp.Gateway(contract.CodeThrottlingUser, "")
	}

	var picked bool
	x.outcome, picked = s.counters.Pick(sc, call.AccessKeyID, op.Name, call.Params)
	if s.proxy != nil && s.relay(sp, x, sc, op.Name, &x.outcome, mockWould(sp, op, call, x.violations, now)) {
		return nil // a recording or the upstream answers (proxy.go)
	}
	if !picked && sc.Name != ScenarioDefault {
		x.warning = fallbackWarning(sc, op.Name) // warning.go
	}
	switch o := x.outcome; {
	case o.Fault != "":
		return nil
	case o.Error != "":
		def, _ := sp.ErrorDef(op, o.Error) // checked at load
		e := def.WithName(op.Subject())
		e.Message = cmp.Or(o.Message, e.Message)
		return e
	case o.Validate:
		for _, v := range x.violations {
			if v.Err != nil {
				return v.Err
			}
		}
		if err := sp.CheckRules(op, call.Params, now); err != nil {
			return err
		}
	}
	// The defaults, for the hook and the fixture, are added to the call's
	// own parameters (no copy), and taken out again before the journal
	// keeps them (record).
	op.AddDefaults(call.Params)
	x.params = call.Params
	if op.State != nil { // create, list or delete tasks (package tasks)
		made, err := s.tasks.Apply(r, sp, op, call.Caller(), x.params, x.outcome.Task, x.outcome.Validate, now)
		if err != nil {
			return err
		}
		x.tasks = made
	}
	if op.Resource != nil { // create, get, list, update or delete items (package resources)
		made, err := s.resources.Apply(resources.Call{Spec: sp, Op: op, Account: call.Caller(),
			Params: op.StateParams(call.Params), Failed: x.outcome.Task == tasks.StatusFailed, Now: now})
		if err != nil {
			return err
		}
		x.tasks = made
	}
	x.fixture = cat.fixtures.Get(op.Name, x.outcome.Fixture)
	return nil
}

// dispatch finds the call's operation, or the gateway's error: no Action
// or Version, another Version, an unknown Action, a method it does not take.
func dispatch(sp *Spec, call *Call) (*Operation, *apiError) {
	switch {
	case call.Action == "":
		return nil, sp.Gateway(contract.CodeMissingParameter, wire.ParamAction)
	case call.Version == "":
		return nil, sp.Gateway(contract.CodeMissingParameter, wire.ParamVersion)
	case call.Version != sp.Version:
		return nil, sp.Gateway(contract.CodeInvalidVersion, wire.ParamVersion)
	}
	op := sp.Summary(call.Action) // loaded once the call is known to reach it (process)
	if op == nil {
		return nil, sp.Gateway(contract.CodeInvalidActionNotFound, wire.ParamAction)
	}
	if !op.Allows(call.Method) {
		return op, sp.Gateway(contract.CodeUnsupportedMethod, "")
	}
	return op, nil
}

// handleError turns errors from echo itself (no route, wrong method, a
// panic) into answers: the Alibaba envelope on the API path, JSON under
// /_mock/.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
	}
	if isAdminPath(c.Request().URL.Path) {
		s.adminRouteError(c, status) // 404 lists the endpoints, 405 the methods (adminroutes.go)
		return
	}
	sp := s.catalog.Load().spec
	x := &exchange{requestID: s.cfg.NewRequestID(), spec: sp}
	if derr := x.call.Decode(c.Request(), sp, s.cfg.MaxBodyBytes); derr != nil {
		x.call.Release()
		x.call = Call{Format: wire.FormatXML} // answered as XML, whatever the call asked
	}
	defer x.call.Release()
	switch status {
	case http.StatusNotFound:
		x.err = sp.Gateway(contract.CodeInvalidActionNotFound, "")
	case http.StatusMethodNotAllowed:
		x.err = sp.Gateway(contract.CodeUnsupportedMethod, "")
	case http.StatusInternalServerError:
		x.err = internalError(sp) // recover.go
	default: // another status of echo's: its text, under the same code
		x.err = &apiError{Status: status, Code: internalError(sp).Code, Message: http.StatusText(status)}
	}
	s.write(c, sp, x) // journaled as it answers
}
