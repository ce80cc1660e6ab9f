package mock

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/report"
)

// reportKind is a kind of file an export task's download serves; a
// create's x-mock-state names one.
type reportKind struct {
	contentType, ext string
	make             func(report.Task) ([]byte, error)
}

var reports = map[string]reportKind{
	"pdf":  {contentType: "application/pdf", ext: "pdf", make: report.UsagePDF},
	"xlsx": {contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ext: "xlsx", make: report.DetailXLSX},
}

func reportNames() []string {
	names := make([]string, 0, len(reports))
	for n := range reports {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// adminDownload serves GET /_mock/downloads/<token>: the file of a task
// that has succeeded, made afresh (the data is deterministic). Anything
// else is a 404 in the Alibaba error envelope, in JSON.
func (s *Server) adminDownload(c echo.Context) error {
	now := s.cfg.Clock.Now()
	t := s.tasks.byDownload(c.Param("token"))
	var msg string
	switch {
	case t == nil || !t.visible(now):
		msg = "No export file at this address: the task was deleted, is older than three months, or never existed."
	case t.status(now) == statusCreated:
		msg = fmt.Sprintf("Task %s is still %s: its file is ready at %s (the server's clock; POST %s/clock moves it).",
			t.ID, statusCreated, t.Done.UTC().Format(contract.TimeLayout), AdminPrefix)
	case t.status(now) != statusSuccess:
		msg = fmt.Sprintf("Task %s %s: it has no file.", t.ID, t.status(now))
	}
	if msg != "" {
		return s.downloadError(c, &apiError{Status: http.StatusNotFound, Code: "Mock.DownloadNotFound", Message: msg})
	}
	rep := reports[t.Report]
	if rep.make == nil {
		return s.downloadError(c, &apiError{Status: http.StatusNotFound, Code: "Mock.DownloadNotFound",
			Message: fmt.Sprintf("Task %s names a report %q this mock cannot make.", t.ID, t.Report)})
	}
	data, err := rep.make(report.Task{ID: t.ID, Name: t.Name, Start: t.Start, End: t.End, Params: t.Params, Done: t.Done})
	if err != nil {
		return s.downloadError(c, &apiError{Status: http.StatusInternalServerError, Code: "Mock.ReportError",
			Message: fmt.Sprintf("making the %s of task %s failed: %v", rep.ext, t.ID, err)})
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.%s"`, t.Family, t.ID, rep.ext))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	return c.Blob(http.StatusOK, rep.contentType, data)
}

func (s *Server) downloadError(c echo.Context, e *apiError) error {
	var buf bytes.Buffer
	id := s.cfg.NewRequestID()
	writeErrorBody(&buf, s.catalog.Load().spec, id, e, true)
	c.Response().Header().Set(HeaderRequestID, id)
	return c.Blob(e.Status, contentTypeJSON, buf.Bytes())
}
