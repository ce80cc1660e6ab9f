package mock

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// admit is what every API call passes right after decoding, before
// validation and scenarios: the mock's limits (package wire), then, with
// credentials, authentication (package auth, Verifier).
func (s *Server) admit(r *http.Request, sp *Spec, call *Call) *apiError {
	if err := wire.CheckLimits(call, s.cfg.MaxParams, s.cfg.MaxParamBytes); err != nil {
		return err
	}
	if s.verifier == nil {
		return nil
	}
	return s.verifier.Verify(r, sp, call, s.cfg.Clock.Now())
}

// --- the admin token ---

// protectAdmin makes the admin API require Config.AdminToken as a Bearer
// token, when one is set. Open without it: GET /_mock/health, the console's
// page and files (they hold no data; the page sends the token it is given),
// and export downloads, whose URLs carry their own secret token and are
// handed to API clients.
func (s *Server) protectAdmin(g *echo.Group) {
	want := s.cfg.AdminToken
	if want == "" {
		return
	}
	g.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if adminOpenRoute(c.Path()) || bearerMatches(c.Request().Header.Get(wire.HeaderAuthorization), want) {
				return next(c)
			}
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="cdnmock admin API"`)
			return c.JSON(http.StatusUnauthorized, adminapi.Error{Code: "Mock.Unauthorized",
				Message: "the admin API needs the header Authorization: Bearer <token>, the token given to --admin-token; the console takes it as /_mock/ui#token=<token>"})
		}
	})
}

// adminOpenRoute tells the routes (echo's route patterns) that need no token.
func adminOpenRoute(route string) bool {
	ui := AdminPrefix + "/ui"
	return route == AdminPrefix+"/health" || route == ui || strings.HasPrefix(route, ui+"/") ||
		strings.HasPrefix(route, tasks.DownloadPath(""))
}

func bearerMatches(header, want string) bool {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(want)) == 1
}
