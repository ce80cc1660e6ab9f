package mock

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"
)

// AdminPrefix is where the control API lives; it can never clash with the
// API, which is served on "/" only.
const AdminPrefix = adminapi.Prefix

func isAdminPath(p string) bool {
	return p == AdminPrefix || strings.HasPrefix(p, AdminPrefix+"/")
}

func (s *Server) adminRoutes(g *echo.Group) {
	s.protectAdmin(g) // --admin-token: before the routes, which it wraps (auth.go)
	g.GET("/health", s.adminHealth)
	g.GET("/openapi.yaml", s.adminOpenAPI) // this API's description (adminapi.go)
	g.GET("/scenarios", s.adminScenarios)
	g.PUT("/scenario", s.adminSetScenario)
	g.DELETE("/scenario", s.adminResetScenario)
	g.GET("/requests", s.adminRequests)
	g.DELETE("/requests", s.adminClearRequests)
	g.GET("/violations", s.adminViolations)
	g.DELETE("/violations", s.adminClearViolations)
	// The clock, tasks, state and downloads: admintasks.go.
	s.taskRoutes(g)
	s.uiRoutes(g)       // the web console and GET /operations: ui.go
	s.coverageRoutes(g) // outcome coverage: admincoverage.go
}

func (s *Server) adminHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) adminScenarios(c echo.Context) error {
	cat := s.catalog.Load()
	st := s.state()
	for _, name := range cat.order {
		st.Scenarios = append(st.Scenarios, scenarioInfo(cat.spec, cat.scenarios[name]))
	}
	if e := s.reloadErr.Load(); e != nil {
		st.ReloadError = *e
	}
	return c.JSON(http.StatusOK, st)
}

func scenarioInfo(sp *Spec, sc *Scenario) ScenarioInfo {
	info := ScenarioInfo{Name: sc.Name, Source: sc.Source, Description: sc.Description, Throttle: sc.Throttle}
	for action, steps := range sc.Ops {
		if info.Operations == nil {
			info.Operations = map[string][]StepInfo{}
		}
		op := sp.Operation(action)
		for _, st := range steps {
			si := StepInfo{Fixture: st.Fixture, Validate: st.Validate, Error: st.Error, Fault: st.Fault, Times: st.Times, When: st.When, Task: st.Task}
			if st.Error != "" {
				d, _ := sp.ErrorDef(op, st.Error)
				si.Status, si.Message = d.Status, cmp.Or(st.Message, d.WithName(op.Subject()).Message)
			}
			if st.Delay.Max > 0 {
				si.Delay = st.Delay.String()
			}
			info.Operations[action] = append(info.Operations[action], si)
		}
	}
	return info
}

// maxAdminBody bounds the JSON bodies the admin API reads.
const maxAdminBody = 64 << 10

// decodeAdminJSON decodes an admin request's JSON body into v: at most
// maxAdminBody bytes, no unknown fields. Every admin body is read here.
func decodeAdminJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, c.Request().Body, maxAdminBody))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func (s *Server) adminSetScenario(c echo.Context) error {
	var ch ScenarioChange
	if err := decodeAdminJSON(c, &ch); err != nil {
		return c.JSON(http.StatusBadRequest, adminapi.Error{Code: "Mock.MalformedJSON",
			Message: fmt.Sprintf(`the body must be JSON such as {"scenario":"InvalidTimeRange","accessKeyId":"AKID"}: %v`, err)})
	}
	var err error
	if ch.AccessKeyID != "" {
		err = s.Bind(ch.AccessKeyID, ch.Scenario)
	} else {
		err = s.SetScenario(ch.Scenario)
	}
	switch {
	case errors.Is(err, scenario.ErrTooManyBindings):
		return c.JSON(http.StatusConflict, adminapi.Error{Code: "Mock.TooManyBindings", Message: err.Error()})
	case err != nil:
		return c.JSON(http.StatusNotFound, adminapi.Error{Code: "Mock.UnknownScenario", Message: err.Error()})
	}
	return c.JSON(http.StatusOK, s.state())
}

func (s *Server) adminResetScenario(c echo.Context) error {
	if ak := c.QueryParam("accessKeyId"); ak != "" {
		return s.adminUnbind(c, ak) // one key only: admincoverage.go
	}
	s.ResetScenarios()
	return c.JSON(http.StatusOK, s.state())
}

func (s *Server) state() ScenarioState {
	active, bindings := s.control.Snapshot()
	return ScenarioState{Active: active, Bindings: bindings}
}

// RequestsPage is the body of GET /_mock/requests.
type RequestsPage struct {
	Requests []*Entry `json:"requests"`
}

func (s *Server) adminRequests(c echo.Context) error {
	f := RequestFilter{Action: c.QueryParam("action"), AccessKeyID: c.QueryParam("accessKeyId")}
	if since := c.QueryParam("since"); since != "" {
		if err := f.ParseSince(since); err != nil {
			return c.JSON(http.StatusBadRequest, adminapi.Error{Code: "Mock.BadFilter", Message: err.Error()})
		}
	}
	return c.JSON(http.StatusOK, RequestsPage{Requests: s.Requests(f)})
}

func (s *Server) adminClearRequests(c echo.Context) error {
	s.journal.Clear()
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) adminViolations(c echo.Context) error {
	vs := s.Violations()
	return c.JSON(http.StatusOK, ViolationsPage{Total: s.ViolationCount(), Violations: vs})
}

func (s *Server) adminClearViolations(c echo.Context) error {
	s.violations.Clear()
	return c.NoContent(http.StatusNoContent)
}

// SetScenario makes name the active scenario, for every caller without a
// binding, and restarts its sequences.
func (s *Server) SetScenario(name string) error {
	s.scenarioMu.RLock() // a reload cannot drop name between the check and the set
	defer s.scenarioMu.RUnlock()
	if err := s.knownScenario(name); err != nil {
		return err
	}
	s.control.SetActive(name)
	s.counters.Reset(name, "")
	return nil
}

// Bind makes one access key use a scenario, and restarts its sequences for
// that key. At most scenario.MaxBindings keys can be bound at once (selection.go).
func (s *Server) Bind(accessKeyID, name string) error {
	s.scenarioMu.RLock() // a reload cannot drop name between the check and the set
	defer s.scenarioMu.RUnlock()
	if err := s.knownScenario(name); err != nil {
		return err
	}
	if err := s.control.Bind(accessKeyID, name); err != nil {
		return err
	}
	s.counters.Reset(name, accessKeyID)
	return nil
}

// ResetScenarios goes back to default and drops every binding.
func (s *Server) ResetScenarios() {
	s.control.Reset()
	s.counters.Reset("", "")
}

func (s *Server) knownScenario(name string) error {
	cat := s.catalog.Load()
	if name == "" || cat.scenarios[name] == nil {
		return errors.New(scenario.Unknown(name, cat.order)) // did-you-mean, not ~300 names
	}
	return nil
}
