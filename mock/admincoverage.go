package mock

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

// Admin endpoints added for a CI user's first hour: outcome coverage
// (coverage.go) and unbinding one access key.

func (s *Server) coverageRoutes(g *echo.Group) {
	g.GET("/coverage", s.adminCoverage)
	g.DELETE("/coverage", s.adminResetCoverage)
}

func (s *Server) adminCoverage(c echo.Context) error {
	return c.JSON(http.StatusOK, s.Coverage(c.QueryParam("action")))
}

func (s *Server) adminResetCoverage(c echo.Context) error {
	s.ResetCoverage()
	return c.NoContent(http.StatusNoContent)
}

// taskFamily is the export task family an operation works on (its
// x-mock-state), "" for none: the console pins these first.
func taskFamily(op *Operation) string {
	if op.State == nil {
		return ""
	}
	return op.State.Tasks
}

// adminUnbind answers DELETE /_mock/scenario?accessKeyId=AK: that key
// alone goes back to the active scenario.
func (s *Server) adminUnbind(c echo.Context, accessKeyID string) error {
	if err := s.Unbind(accessKeyID); err != nil {
		return c.JSON(http.StatusNotFound, adminapi.Error{Code: "Mock.NotBound", Message: err.Error()})
	}
	return c.JSON(http.StatusOK, s.state())
}

// Unbind drops one access key's binding: it gets the active scenario
// again. A key that is not bound is an error, so a typo does not pass
// unnoticed.
func (s *Server) Unbind(accessKeyID string) error {
	name, ok := s.control.Unbind(accessKeyID)
	if !ok {
		return errNotBound(accessKeyID)
	}
	s.counters.Reset(name, accessKeyID)
	return nil
}
