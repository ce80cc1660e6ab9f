package admin

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
	"github.com/alibaba-cloud-mock/cdnmock/mock/report"
)

// adminDownload serves GET /_mock/downloads/<token>: the file of a task
// that has succeeded, made afresh (the data is deterministic). Anything
// else is a 404 in the Alibaba error envelope, in JSON.
func (s *api) adminDownload(c echo.Context) error {
	now := s.Clock.Now()
	t := s.Tasks.ByDownload(c.Param("token"))
	var msg string
	switch {
	case t == nil || !t.Visible(now):
		msg = "No export file at this address: the task was deleted, is older than three months, or never existed."
	case t.Status(now) == tasks.StatusCreated:
		msg = fmt.Sprintf("Task %s is still %s: its file is ready at %s (the server's clock; POST %s/clock moves it).",
			t.ID(), tasks.StatusCreated, t.Done.UTC().Format(contract.TimeLayout), adminapi.Prefix)
	case t.Status(now) != tasks.StatusSuccess:
		msg = fmt.Sprintf("Task %s %s: it has no file.", t.ID(), t.Status(now))
	}
	if msg != "" {
		return s.downloadError(c, &contract.APIError{Status: http.StatusNotFound, Code: "Mock.DownloadNotFound", Message: msg})
	}
	rep := tasks.Reports[t.Report]
	if rep.Make == nil {
		return s.downloadError(c, &contract.APIError{Status: http.StatusNotFound, Code: "Mock.DownloadNotFound",
			Message: fmt.Sprintf("Task %s names a report %q this mock cannot make.", t.ID(), t.Report)})
	}
	data, err := rep.Make(report.Task{ID: t.ID(), Name: t.Name(), Start: t.Start(), End: t.End(), Params: t.Params(), Done: t.Done})
	if err != nil {
		return s.downloadError(c, &contract.APIError{Status: http.StatusInternalServerError, Code: "Mock.ReportError",
			Message: fmt.Sprintf("making the %s of task %s failed: %v", rep.Ext, t.ID(), err)})
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.%s"`, t.Family, t.ID(), rep.Ext))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	return c.Blob(http.StatusOK, rep.ContentType, data)
}

func (s *api) downloadError(c echo.Context, e *contract.APIError) error {
	var buf bytes.Buffer
	id := s.NewRequestID()
	wire.WriteError(&buf, s.Catalog().Spec, id, e, true)
	c.Response().Header().Set(wire.HeaderRequestID, id)
	return c.Blob(e.Status, wire.ContentTypeJSON, buf.Bytes())
}
