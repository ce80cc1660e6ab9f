package mock

import (
	"cmp"
	"net/http"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/admin"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// The admin API's types live in package adminapi, shared by the server and
// the command line; mock keeps their names.
type (
	ScenarioInfo    = adminapi.ScenarioInfo
	StepInfo        = adminapi.StepInfo
	ScenarioState   = adminapi.ScenarioState
	ScenarioChange  = adminapi.ScenarioChange
	ViolationsPage  = adminapi.ViolationsPage
	ViolationRecord = adminapi.ViolationRecord
	Duration        = adminapi.Duration
	ClockState      = adminapi.ClockState
	ClockChange     = adminapi.ClockChange
	TasksPage       = adminapi.TasksPage
	AccountTasks    = adminapi.AccountTasks
	TaskInfo        = adminapi.TaskInfo
	RequestsPage    = adminapi.RequestsPage
	OperationsPage  = adminapi.OperationsPage
	OperationInfo   = adminapi.OperationInfo
	ParamInfo       = adminapi.ParamInfo
	ErrorInfo       = adminapi.ErrorInfo
)

// AdminPrefix is where the admin API lives; it can never clash with the
// API, which is served on "/" only.
const AdminPrefix = adminapi.Prefix

func isAdminPath(p string) bool { return admin.IsPath(p) }

// adminDeps is what the admin API (package admin) reads and drives.
func (s *Server) adminDeps() admin.Deps {
	return admin.Deps{
		Control:       s,
		Token:         s.cfg.AdminToken,
		Clock:         s.cfg.Clock,
		Tasks:         s.tasks,
		Resources:     s.resources,
		NewRequestID:  s.cfg.NewRequestID,
		Logger:        s.cfg.Logger,
		DownloadSlots: make(chan struct{}, cmp.Or(s.cfg.MaxDownloads, admin.DefaultMaxDownloads)),
		Reports:       tasks.Reports,
		Catalog: func() admin.Catalog {
			c := s.catalog.Load()
			return admin.Catalog{Spec: c.spec, Scenarios: c.scenarios, Order: c.order, Fixtures: c.fixtures}
		},
		State: s.state,
		ReloadError: func() string {
			if e := s.reloadErr.Load(); e != nil {
				return *e
			}
			return ""
		},
		ClearViolations: s.clearViolations,
	}
}

// Which handler served an exchange, for serveHook.
const (
	listenerBoth  = "both"  // ServeHTTP: the API and the admin API
	listenerAPI   = "api"   // APIHandler
	listenerAdmin = "admin" // AdminHandler
)

// serveHook, when set, serves every request in place of the handlers
// (ServeHTTP, APIHandler, AdminHandler), given the handler to call. Only
// the package's tests set it, before any server starts: they check each
// admin exchange against the OpenAPI document (adminapi_test.go).
var serveHook func(listener string, next http.Handler, w http.ResponseWriter, r *http.Request)

// hooked is h through serveHook, when one is set.
func hooked(listener string, h http.Handler) http.Handler {
	if serveHook == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serveHook(listener, h, w, r) })
}
