// Package mock is a local server that answers Alibaba Cloud RPC API calls as
// the real service would, driven by an OpenAPI spec, scenario files and
// response fixtures. New returns an http.Handler, so tests can run it
// in-process; the cdnmock command serves it on a port.
package mock

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

// Server is the mock. It is safe for concurrent use.
type Server struct {
	cfg     Config
	catalog atomic.Pointer[catalog]
	control control
	echo    *echo.Echo
	taskSeq atomic.Uint64
}

// New loads and checks every file and returns a ready server. A problem in
// any file makes it fail with Problems that name file, line and field.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	cat, err := loadCatalog(cfg, cfg.Clock.Now())
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg}
	s.catalog.Store(cat)
	s.control.setActive(cfg.Scenario)
	s.taskSeq.Store(100000)
	s.echo = s.routes(cat.spec)
	return s, nil
}

// ServeHTTP answers API calls on "/" and the admin API under /_mock/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Clock returns the server's clock, to pin or move it.
func (s *Server) Clock() *Clock { return s.cfg.Clock }

// Spec returns the loaded spec.
func (s *Server) Spec() *Spec { return s.catalog.Load().spec }

// routes lists every route in one place. The API is served on "/" for the
// methods the spec's operations accept; control lives under /_mock/.
func (s *Server) routes(sp *Spec) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Match(sp.methods, "/", s.handleAPI)
	s.adminRoutes(e.Group("/_mock"))
	return e
}

// exchange is one API request on its way through the pipeline.
type exchange struct {
	requestID  string
	call       *Call
	op         *Operation
	scenario   string
	from       string // where the scenario choice came from
	outcome    Outcome
	fixture    *Fixture
	err        *apiError
	violations []Violation
}

// handleAPI is the whole life of an API request, top to bottom.
func (s *Server) handleAPI(c echo.Context) error {
	start := time.Now()
	cat := s.catalog.Load()
	r := c.Request()
	x := &exchange{requestID: s.cfg.NewRequestID()}

	x.err = s.process(r, cat, x)
	if d := x.outcome.Delay.pick(); d > 0 {
		if !sleep(r.Context(), d) {
			s.logRequest(x, 0, time.Since(start), "client gone during delay")
			return nil
		}
	}
	status := s.write(c, cat.spec, x)
	s.logRequest(x, status, time.Since(start), "")
	return nil
}

// process decodes the call, picks the scenario and the outcome, and checks
// the request when the outcome asks for it. It returns the API error to
// answer, or nil for success with x.fixture.
func (s *Server) process(r *http.Request, cat *catalog, x *exchange) *apiError {
	sp := cat.spec
	call, err := decodeCall(r, sp, s.cfg.MaxBodyBytes)
	x.call = call
	if err != nil {
		return err
	}

	x.scenario, x.from = s.control.choose(r.Header.Get(HeaderScenario), call.AccessKeyID)
	sc := cat.scenarios[x.scenario]
	if sc == nil {
		name := x.scenario
		x.scenario = ""
		return errUnknownScenario(name, cat.scenarioNames())
	}

	switch {
	case call.Action == "":
		return sp.gateway(codeMissingParameter, paramAction)
	case call.Version == "":
		return sp.gateway(codeMissingParameter, paramVersion)
	case call.Version != sp.Version:
		return sp.gateway(codeInvalidVersion, paramVersion)
	}
	x.op = sp.Operation(call.Action)
	if x.op == nil {
		return sp.gateway(codeInvalidActionNotFound, paramAction)
	}
	if !x.op.allows(call.Method) {
		return sp.gateway(codeUnsupportedMethod, "")
	}

	x.outcome = sc.outcome(x.op.Name)
	if x.outcome.Error != "" {
		def, _ := sp.errorDef(x.op, x.outcome.Error) // checked at load
		e := def.withName(x.op.subject())
		e.Message = firstOf(x.outcome.Message, e.Message)
		return e
	}
	if x.outcome.Validate {
		x.violations = sp.checkSchema(r.Context(), x.op, call.Params)
		if len(x.violations) > 0 {
			return x.violations[0].err
		}
		if err := sp.checkRules(x.op, call.Params, s.cfg.Clock.Now()); err != nil {
			return err
		}
	}
	x.fixture = cat.fixtures.get(x.op.Name, x.outcome.Fixture)
	return nil
}

// sleep waits for d, or until ctx ends; it reports whether it waited fully.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) logRequest(x *exchange, status int, latency time.Duration, note string) {
	code := ""
	if x.err != nil {
		code = x.err.Code
	}
	var action, key string
	if x.call != nil {
		action, key = x.call.Action, x.call.AccessKeyID
	}
	attrs := []any{
		"action", action, "accessKeyId", key, "scenario", x.scenario,
		"code", code, "status", status, "latency", latency.Round(time.Microsecond).String(),
	}
	if note != "" {
		attrs = append(attrs, "note", note)
	}
	s.cfg.Logger.Info("request", attrs...)
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
		_ = c.JSON(status, adminError{Code: "Mock." + strconv.Itoa(status), Message: http.StatusText(status)})
		return
	}
	sp := s.catalog.Load().spec
	x := &exchange{requestID: s.cfg.NewRequestID(), call: &Call{Format: formatXML}}
	if call, derr := decodeCall(c.Request(), sp, s.cfg.MaxBodyBytes); derr == nil {
		x.call = call
	}
	switch status {
	case http.StatusNotFound:
		x.err = sp.gateway(codeInvalidActionNotFound, "")
	case http.StatusMethodNotAllowed:
		x.err = sp.gateway(codeUnsupportedMethod, "")
	default:
		x.err = &apiError{Status: status, Code: "InternalError", Message: http.StatusText(status)}
		if d, ok := sp.common["InternalError"]; ok && status == http.StatusInternalServerError {
			x.err.Message = d.Message
		}
	}
	st := s.write(c, sp, x)
	s.logRequest(x, st, 0, err.Error())
}
