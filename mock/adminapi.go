package mock

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
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
	TaskView        = adminapi.TaskView
	TaskConfigView  = adminapi.TaskConfigView
	ClockState      = adminapi.ClockState
	ClockChange     = adminapi.ClockChange
	TasksPage       = adminapi.TasksPage
	AccountTasks    = adminapi.AccountTasks
	TaskInfo        = adminapi.TaskInfo
)

// The admin API's own description: its OpenAPI document (adminapi), served
// at GET /_mock/openapi.yaml, and the hook through which the package's
// tests check every admin exchange against it.

func (s *Server) adminOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, adminapi.ContentType, adminapi.Document)
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
