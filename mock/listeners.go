package mock

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/escape"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// Two listeners: APIHandler and AdminHandler split the server for
// --admin-addr; ServeHTTP serves both.

// APIHandler serves the API only (and export downloads, whose URLs the API
// hands out on its own address): for --admin-addr, where the admin API has
// a listener of its own. /_mock/ answers 404 here.
func (s *Server) APIHandler() http.Handler {
	return hooked(listenerAPI, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAdminPath(r.URL.Path) && !strings.HasPrefix(r.URL.Path, tasks.DownloadPath("")) {
			writeAdminJSON(w, http.StatusNotFound, adminapi.Error{Code: "Mock.NotFound",
				Message: "the admin API is not served on this address (it has its own, --admin-addr)"})
			return
		}
		s.serveEcho(w, r)
	}))
}

// AdminHandler serves the admin API only, under /_mock/.
func (s *Server) AdminHandler() http.Handler {
	return hooked(listenerAdmin, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isAdminPath(r.URL.Path) {
			writeAdminJSON(w, http.StatusNotFound, adminapi.Error{Code: "Mock.NotFound",
				Message: "this address serves the admin API only, under " + AdminPrefix + "/; the API has its own address"})
			return
		}
		s.serveEcho(w, r)
	}))
}

// writeAdminJSON is the one writer of the admin API errors the mock
// answers itself, outside the admin package's handlers: the router's 404
// and 405 (adminroutes.go) and the listeners' refusals.
func writeAdminJSON(w http.ResponseWriter, status int, e adminapi.Error) {
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "{\"code\":%s,\"message\":%s}\n", escape.JSONQuote(e.Code), escape.JSONQuote(e.Message))
}
