package mock

// The request pipeline: an API request's life from decoding to its answer
// (handleAPI, process, dispatch), and echo's own errors answered in the
// API's envelope (handleError).

import (
	"cmp"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/drift"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/recording"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/resources"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// exchange is one API request on its way through the pipeline.
type exchange struct {
	requestID string
	// The call, held here rather than allocated (x lives on the handler's
	// stack); its Params get the spec's defaults once checked (process).
	call        Call
	op          *Operation
	scenario    string
	from        string // where the scenario choice came from
	outcome     Outcome
	headerDelay *Delay // from X-Mock-Delay
	fixture     *Fixture
	err         *apiError
	violations  []Violation
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
	// Deferred first, run last: even when journaling panics, Close does not
	// wait for this request forever.
	defer s.inflight.add(-1)
	defer func() { // also when a fault or a panic aborts the handler
		s.answered(x, status)
		x.call.Release() // journaled: nothing of the call's parameters is used after
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
	if op.State != nil { // create, list or delete tasks (package tasks)
		made, err := s.tasks.Apply(r, sp, op, call.Caller(), call.Params, x.outcome.Task, x.outcome.Validate, now)
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
