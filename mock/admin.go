package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// AdminPrefix is where the control API lives; it can never clash with the
// API, which is served on "/" only.
const AdminPrefix = "/_mock"

func isAdminPath(p string) bool {
	return p == AdminPrefix || strings.HasPrefix(p, AdminPrefix+"/")
}

// adminError is the body of every admin API error.
type adminError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ScenarioInfo describes one scenario in GET /_mock/scenarios.
type ScenarioInfo struct {
	Name        string                 `json:"name"`
	Source      string                 `json:"source"`
	Description string                 `json:"description"`
	Operations  map[string]OutcomeInfo `json:"operations,omitempty"`
}

// OutcomeInfo describes what one operation answers in a scenario.
type OutcomeInfo struct {
	Fixture  string `json:"fixture,omitempty"`
	Validate bool   `json:"validate,omitempty"`
	Error    string `json:"error,omitempty"`
	Status   int    `json:"status,omitempty"`
	Message  string `json:"message,omitempty"`
	Delay    string `json:"delay,omitempty"`
}

// ScenarioState is the body of GET /_mock/scenarios and of the changes.
type ScenarioState struct {
	Active    string            `json:"active"`
	Bindings  map[string]string `json:"bindings"`
	Scenarios []ScenarioInfo    `json:"scenarios,omitempty"`
}

// ScenarioChange is the body of PUT /_mock/scenario.
type ScenarioChange struct {
	Scenario    string `json:"scenario"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
}

func (s *Server) adminRoutes(g *echo.Group) {
	g.GET("/health", s.adminHealth)
	g.GET("/scenarios", s.adminScenarios)
	g.PUT("/scenario", s.adminSetScenario)
	g.DELETE("/scenario", s.adminResetScenario)
}

func (s *Server) adminHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) adminScenarios(c echo.Context) error {
	cat := s.catalog.Load()
	st := s.state()
	for _, name := range cat.order {
		sc := cat.scenarios[name]
		info := ScenarioInfo{Name: sc.Name, Source: sc.Source, Description: sc.Description}
		for action, o := range sc.ops {
			if info.Operations == nil {
				info.Operations = map[string]OutcomeInfo{}
			}
			oi := OutcomeInfo{Fixture: o.Fixture, Validate: o.Validate, Error: o.Error, Message: o.Message}
			if o.Error != "" {
				op := cat.spec.Operation(action)
				d, _ := cat.spec.errorDef(op, o.Error)
				oi.Status, oi.Message = d.Status, firstOf(o.Message, d.withName(op.subject()).Message)
			}
			if o.Delay.Max > 0 {
				oi.Delay = o.Delay.String()
			}
			info.Operations[action] = oi
		}
		st.Scenarios = append(st.Scenarios, info)
	}
	return c.JSON(http.StatusOK, st)
}

func (s *Server) adminSetScenario(c echo.Context) error {
	var ch ScenarioChange
	dec := json.NewDecoder(http.MaxBytesReader(nil, c.Request().Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ch); err != nil {
		return c.JSON(http.StatusBadRequest, adminError{Code: "Mock.MalformedJSON",
			Message: fmt.Sprintf(`the body must be JSON such as {"scenario":"InvalidTimeRange","accessKeyId":"AKID"}: %v`, err)})
	}
	cat := s.catalog.Load()
	if ch.Scenario == "" || cat.scenarios[ch.Scenario] == nil {
		return c.JSON(http.StatusNotFound, adminError{Code: "Mock.UnknownScenario",
			Message: fmt.Sprintf("no scenario %q; valid: %s", ch.Scenario, strings.Join(cat.order, ", "))})
	}
	if ch.AccessKeyID != "" {
		s.control.bind(ch.AccessKeyID, ch.Scenario)
	} else {
		s.control.setActive(ch.Scenario)
	}
	return c.JSON(http.StatusOK, s.state())
}

func (s *Server) adminResetScenario(c echo.Context) error {
	s.control.reset()
	return c.JSON(http.StatusOK, s.state())
}

func (s *Server) state() ScenarioState {
	active, bindings := s.control.snapshot()
	return ScenarioState{Active: active, Bindings: bindings}
}
