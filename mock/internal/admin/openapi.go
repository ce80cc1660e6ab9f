package admin

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

// adminOpenAPI serves this API's own description, its OpenAPI document
// (package adminapi), at GET /_mock/openapi.yaml.
func (s *api) adminOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, adminapi.ContentType, adminapi.Document)
}
