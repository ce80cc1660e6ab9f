package admin

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/journal"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/resources"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// IsPath tells a path of the admin API.
func IsPath(p string) bool {
	return p == adminapi.Prefix || strings.HasPrefix(p, adminapi.Prefix+"/")
}

// Clock is the server's clock, as the admin API reads and moves it
// (*mock.Clock).
type Clock interface {
	Now() time.Time
	Pinned() bool
	Set(time.Time)
	Advance(time.Duration)
}

// Catalog is what the server has loaded: the spec, the scenarios by name
// (Order lists them as shown) and the fixtures.
type Catalog struct {
	Spec      *contract.Spec
	Scenarios map[string]*scenario.Scenario
	Order     []string
	Fixtures  fixture.Set
}

// Control is what the admin API drives through the server's own public
// methods; *mock.Server satisfies it.
type Control interface {
	SetScenario(name string) error
	Bind(accessKeyID, name string) error
	ResetScenarios()
	Requests(f journal.RequestFilter) []*adminapi.Entry
	ClearRequests()
	Violations() []adminapi.ViolationRecord
	ViolationCount() int
	ResetState() error
	Unbind(accessKeyID string) error
	Coverage(glob string) adminapi.CoverageReport
	ResetCoverage()
}

// Deps is everything the admin API reads and drives, handed in by package
// mock.
type Deps struct {
	Control
	Token           string // --admin-token: "" leaves the API open (token.go)
	Clock           Clock
	Tasks           *tasks.Store
	Resources       *resources.Store // the items of x-mock-resources (resources.go)
	NewRequestID    func() string
	Logger          *slog.Logger
	DownloadSlots   chan struct{}                 // a download holds one while its file is made (download.go)
	Reports         map[string]tasks.ReportKind   // tasks.Reports, by a task's Report; handed in so a test can make one fail
	Catalog         func() Catalog                // the catalog serving now
	State           func() adminapi.ScenarioState // the active scenario and the bindings
	ReloadError     func() string                 // the last failed reload, "" when none
	ClearViolations func()
}

// api serves the admin API's routes.
type api struct{ Deps }

// Routes adds the admin API to g, the group under adminapi.Prefix.
func Routes(g *echo.Group, d Deps) {
	s := &api{d}
	s.protect(g) // --admin-token: before the routes, which it wraps (token.go)
	g.GET("/health", s.adminHealth)
	g.GET("/openapi.yaml", s.adminOpenAPI) // this API's description (openapi.go)
	g.GET("/scenarios", s.adminScenarios)
	g.PUT("/scenario", s.adminSetScenario)
	g.DELETE("/scenario", s.adminResetScenario)
	g.GET("/requests", s.adminRequests)
	g.DELETE("/requests", s.adminClearRequests)
	g.GET("/violations", s.adminViolations)
	g.DELETE("/violations", s.adminClearViolations)
	// The clock, tasks, state and downloads: tasks.go.
	s.taskRoutes(g)
	s.resourceRoutes(g) // the items of x-mock-resources: resources.go
	s.uiRoutes(g)       // the web console and GET /operations: ui.go
	s.coverageRoutes(g) // outcome coverage: coverage.go
}

func (s *api) adminHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, adminapi.Health{Status: adminapi.HealthOK})
}

func (s *api) adminScenarios(c echo.Context) error {
	cat := s.Catalog()
	st := s.State()
	for _, name := range cat.Order {
		st.Scenarios = append(st.Scenarios, scenarioInfo(cat.Spec, cat.Scenarios[name]))
	}
	st.ReloadError = s.ReloadError()
	return c.JSON(http.StatusOK, st)
}

func scenarioInfo(sp *contract.Spec, sc *scenario.Scenario) adminapi.ScenarioInfo {
	info := adminapi.ScenarioInfo{Name: sc.Name, Source: sc.Source, Description: sc.Description, Throttle: sc.Throttle}
	for action, steps := range sc.Operations() {
		if info.Operations == nil {
			info.Operations = map[string][]adminapi.StepInfo{}
		}
		op := sp.Summary(action) // listing loads nothing
		for _, st := range steps {
			si := adminapi.StepInfo{Fixture: st.Fixture, Validate: st.Validate, Error: st.Error, Fault: st.Fault, Times: st.Times, When: st.When, Task: st.Task}
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

// maxBody bounds the JSON bodies the admin API reads.
const maxBody = 64 << 10

// decodeJSON decodes an admin request's JSON body into v: at most
// maxBody bytes, no unknown fields. Every admin body is read here.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, c.Request().Body, maxBody))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func (s *api) adminSetScenario(c echo.Context) error {
	var ch adminapi.ScenarioChange
	if err := decodeJSON(c, &ch); err != nil {
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
	case errors.Is(err, scenario.ErrAccessKeyTooLong):
		return c.JSON(http.StatusBadRequest, adminapi.Error{Code: "Mock.AccessKeyIdTooLong", Message: err.Error()})
	case err != nil:
		return c.JSON(http.StatusNotFound, adminapi.Error{Code: "Mock.UnknownScenario", Message: err.Error()})
	}
	return c.JSON(http.StatusOK, s.State())
}

func (s *api) adminResetScenario(c echo.Context) error {
	if q := c.QueryParams(); q.Has("accessKeyId") {
		// An empty key must not fall through to resetting everything: a
		// test that meant to unbind one key would undo every other one.
		if q.Get("accessKeyId") == "" {
			return c.JSON(http.StatusBadRequest, adminapi.Error{Code: "Mock.EmptyAccessKeyId",
				Message: "accessKeyId is empty: give the access key to unbind, or leave the parameter out to reset every scenario and binding"})
		}
		return s.adminUnbind(c, q.Get("accessKeyId")) // one key only: coverage.go
	}
	s.ResetScenarios()
	return c.JSON(http.StatusOK, s.State())
}

func (s *api) adminRequests(c echo.Context) error {
	f := journal.RequestFilter{Action: c.QueryParam("action"), AccessKeyID: c.QueryParam("accessKeyId")}
	if since := c.QueryParam("since"); since != "" {
		if err := f.ParseSince(since); err != nil {
			return c.JSON(http.StatusBadRequest, adminapi.Error{Code: "Mock.BadFilter", Message: err.Error()})
		}
	}
	return c.JSON(http.StatusOK, adminapi.RequestsPage{Requests: s.Requests(f)})
}

func (s *api) adminClearRequests(c echo.Context) error {
	s.ClearRequests()
	return c.NoContent(http.StatusNoContent)
}

func (s *api) adminViolations(c echo.Context) error {
	vs := s.Violations()
	return c.JSON(http.StatusOK, adminapi.ViolationsPage{Total: s.ViolationCount(), Violations: vs})
}

func (s *api) adminClearViolations(c echo.Context) error {
	s.ClearViolations()
	return c.NoContent(http.StatusNoContent)
}
