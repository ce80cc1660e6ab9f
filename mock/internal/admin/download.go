package admin

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
	"github.com/alibaba-cloud-mock/cdnmock/mock/report"
)

// DownloadStall is how long a download waits for its client to take the
// next piece of the file. Every write moves the connection's write
// deadline this far ahead, so a client that stops reading frees its slot
// in any server the mock runs in (mocktest and an http.Server without
// timeouts included), while a slow client that keeps reading is never
// cut, however long the file takes (the deadline also replaces the
// command's 5-minute WriteTimeout). 30 s is far beyond a pause of a
// client that reads: the next write needs room for a few KiB.
const DownloadStall = 30 * time.Second

// DefaultMaxDownloads bounds the files made at once (mock.Config's
// MaxDownloads): each costs a core for seconds at the largest export,
// and about a megabyte of deflate state.
const DefaultMaxDownloads = 4

// adminDownload serves GET /_mock/downloads/<token>: the file of a task
// that has succeeded, made afresh (the data is deterministic) and
// streamed as it is made, without a Content-Length. Anything else is a
// 404 in the Alibaba error envelope, in JSON; past the downloads made at
// once, a 503. A failure once the answer has started (its status and
// headers go with the first write, even one that fails) can only cut it
// short: it is logged and the connection dropped.
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
	rep := s.Reports[t.Report]
	if rep.Make == nil {
		return s.downloadError(c, &contract.APIError{Status: http.StatusNotFound, Code: "Mock.DownloadNotFound",
			Message: fmt.Sprintf("Task %s names a report %q this mock cannot make.", t.ID(), t.Report)})
	}
	select {
	case s.DownloadSlots <- struct{}{}:
		defer func() { <-s.DownloadSlots }()
	default:
		return s.downloadError(c, &contract.APIError{Status: http.StatusServiceUnavailable, Code: "Mock.DownloadBusy",
			Message: fmt.Sprintf("%d export files are being made already, the most at once; try again when one is done.", cap(s.DownloadSlots))})
	}
	out := &fileAnswer{c: c, contentType: rep.ContentType,
		disposition: fmt.Sprintf(`attachment; filename="%s-%s.%s"`, t.Family, t.ID(), rep.Ext)}
	err := rep.Make(out, report.Task{ID: t.ID(), Name: t.Name(), Start: t.Start(), End: t.End(), Params: t.Params(), Done: t.Done})
	switch {
	case err == nil:
		out.start() // an empty file still gets its headers
		return nil
	case !out.started: // nothing sent yet: the failure can still be the answer
		return s.downloadError(c, &contract.APIError{Status: http.StatusInternalServerError, Code: "Mock.ReportError",
			Message: fmt.Sprintf("making the %s of task %s failed: %v", rep.Ext, t.ID(), err)})
	}
	s.Logger.LogAttrs(c.Request().Context(), slog.LevelError, "download cut short",
		slog.String("task", t.ID()), slog.String("report", rep.Ext), slog.Int64("bytes", out.written), slog.String("error", err.Error()))
	panic(http.ErrAbortHandler) // the client sees the connection drop, not a whole file
}

// fileAnswer is a download's answer, written as the file is made: the
// status and headers go with the first byte, and each write gets
// DownloadStall from now to reach the client.
type fileAnswer struct {
	c                        echo.Context
	contentType, disposition string
	started                  bool
	written                  int64
	rc                       *http.ResponseController
}

func (f *fileAnswer) start() {
	if f.started {
		return
	}
	f.started = true
	res := f.c.Response()
	res.Header().Set(echo.HeaderContentType, f.contentType)
	res.Header().Set("Content-Disposition", f.disposition)
	res.WriteHeader(http.StatusOK)
	f.rc = http.NewResponseController(res)
}

func (f *fileAnswer) Write(p []byte) (int, error) {
	f.start()
	// A writer without deadlines (a test's recorder) has nothing to stall.
	if err := f.rc.SetWriteDeadline(time.Now().Add(DownloadStall)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return 0, err
	}
	n, err := f.c.Response().Write(p)
	f.written += int64(n)
	return n, err
}

func (s *api) downloadError(c echo.Context, e *contract.APIError) error {
	var buf bytes.Buffer
	id := s.NewRequestID()
	wire.WriteError(&buf, s.Catalog().Spec, id, e, true)
	c.Response().Header().Set(wire.HeaderRequestID, id)
	return c.Blob(e.Status, wire.ContentTypeJSON, buf.Bytes())
}
