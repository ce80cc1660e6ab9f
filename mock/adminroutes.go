package mock

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// What the admin API answers when the router finds no handler: an unknown
// path lists the endpoints (and the closest path), a known path with
// another method names the methods it takes, in the Allow header and in
// the message. The lists come from the router, so they cannot drift from
// the routes.

// adminRouteError answers a 404 or 405 of the router under /_mock/.
func (s *Server) adminRouteError(c echo.Context, status int) {
	r := c.Request()
	routes := s.adminRouteList()
	switch status {
	case http.StatusMethodNotAllowed:
		var allowed []string
		for _, rt := range routes {
			if rt.Path == c.Path() && !slices.Contains(allowed, rt.Method) {
				allowed = append(allowed, rt.Method)
			}
		}
		if len(allowed) > 0 {
			c.Response().Header().Set("Allow", strings.Join(allowed, ", "))
			writeAdminJSON(c.Response(), status, adminapi.Error{Code: "Mock.405",
				Message: fmt.Sprintf("%s is not allowed on %s; allowed: %s", diag.Quote(r.Method), c.Path(), strings.Join(allowed, ", "))})
			return
		}
	case http.StatusNotFound:
		if c.Path() == "" || !strings.HasPrefix(c.Path(), AdminPrefix) || c.Path() == AdminPrefix+"/*" {
			var paths, list []string
			for _, rt := range routes {
				if !slices.Contains(paths, rt.Path) {
					paths = append(paths, rt.Path)
				}
				list = append(list, rt.Method+" "+rt.Path)
			}
			msg := fmt.Sprintf("no admin endpoint %s", diag.Quote(r.URL.Path))
			if near := diag.Closest(r.URL.Path, paths, 1); len(near) == 1 {
				msg += fmt.Sprintf("; did you mean %s?", near[0])
			}
			writeAdminJSON(c.Response(), status, adminapi.Error{Code: "Mock.404", Message: msg + ". Endpoints: " + strings.Join(list, ", ") +
				" (GET " + AdminPrefix + "/openapi.yaml describes them)"})
			return
		}
	}
	writeAdminJSON(c.Response(), status, adminapi.Error{Code: "Mock." + strconv.Itoa(status), Message: http.StatusText(status)})
}

// adminRouteList is every admin route, by path then method, without the
// router's own entries.
func (s *Server) adminRouteList() []*echo.Route {
	var out []*echo.Route
	for _, rt := range s.echo.Routes() {
		if strings.HasPrefix(rt.Path, AdminPrefix+"/") && rt.Method != echo.RouteNotFound && rt.Method != http.MethodOptions && !strings.HasPrefix(rt.Method, "echo_") {
			out = append(out, rt)
		}
	}
	order := []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete}
	slices.SortFunc(out, func(a, b *echo.Route) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return slices.Index(order, a.Method) - slices.Index(order, b.Method)
	})
	return out
}
