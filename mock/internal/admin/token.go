package admin

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// protect makes the admin API require Deps.Token (--admin-token) as a Bearer
// token, when one is set. Open without it: GET /_mock/health, the console's
// page and files (they hold no data; the page sends the token it is given),
// and export downloads, whose URLs carry their own secret token and are
// handed to API clients.
func (s *api) protect(g *echo.Group) {
	want := s.Token
	if want == "" {
		return
	}
	g.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if OpenRoute(c.Path()) || bearerMatches(c.Request().Header.Get(wire.HeaderAuthorization), want) {
				return next(c)
			}
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="cdnmock admin API"`)
			return c.JSON(http.StatusUnauthorized, adminapi.Error{Code: "Mock.Unauthorized",
				Message: "the admin API needs the header Authorization: Bearer <token>, the token given to --admin-token; the console takes it as /_mock/ui#token=<token>"})
		}
	})
}

// OpenRoute tells the routes (echo's route patterns) that need no token.
func OpenRoute(route string) bool {
	ui := adminapi.Prefix + "/ui"
	return route == adminapi.Prefix+"/health" || route == ui || strings.HasPrefix(route, ui+"/") ||
		strings.HasPrefix(route, tasks.DownloadPath(""))
}

func bearerMatches(header, want string) bool {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(want)) == 1
}
