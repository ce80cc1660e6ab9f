package admin

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

// Outcome coverage (GET and DELETE /coverage) and unbinding one access key
// (DELETE /scenario?accessKeyId=).

func (s *api) coverageRoutes(g *echo.Group) {
	g.GET("/coverage", s.adminCoverage)
	g.DELETE("/coverage", s.adminResetCoverage)
}

func (s *api) adminCoverage(c echo.Context) error {
	return c.JSON(http.StatusOK, s.Coverage(c.QueryParam("action")))
}

func (s *api) adminResetCoverage(c echo.Context) error {
	s.ResetCoverage()
	return c.NoContent(http.StatusNoContent)
}

// adminUnbind answers DELETE /scenario?accessKeyId=AK: that key alone goes
// back to the active scenario.
func (s *api) adminUnbind(c echo.Context, accessKeyID string) error {
	if err := s.Unbind(accessKeyID); err != nil {
		return c.JSON(http.StatusNotFound, adminapi.Error{Code: "Mock.NotBound", Message: err.Error()})
	}
	return c.JSON(http.StatusOK, s.State())
}
