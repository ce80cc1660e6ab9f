package mock

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/admin"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
	"github.com/alibaba-cloud-mock/cdnmock/mock/report"
)

// errBrokenReport is the failure of a report broken on purpose.
var errBrokenReport = errors.New("the report broke on purpose")

// adminWithBrokenXLSX mounts srv's admin API again (the same stores, slots
// of its own, as many as srv's), with the detail export (xlsx) failing
// before its first byte while *broken is true.
func adminWithBrokenXLSX(srv *Server, broken *bool) http.Handler {
	deps := srv.adminDeps()
	deps.Reports = maps.Clone(tasks.Reports)
	xlsx := deps.Reports["xlsx"]
	works := xlsx.Make
	xlsx.Make = func(w io.Writer, t report.Task) error {
		if *broken {
			return errBrokenReport
		}
		return works(w, t)
	}
	deps.Reports["xlsx"] = xlsx
	e := echo.New()
	admin.Routes(e.Group(AdminPrefix), deps)
	return e
}

// A download whose report fails before any byte is answered 500
// Mock.ReportError in the API's error envelope (JSON), and gives its slot
// back: with one slot, more failures in a row than slots still leave the
// next download its whole file, not a 503 Mock.DownloadBusy.
func TestDownloadReportErrorFreesSlot(t *testing.T) {
	srv, _ := limitsServer(t, Config{MaxDownloads: 1})
	path := finishedDetail(t, srv)
	broken := true
	h := adminWithBrokenXLSX(srv, &broken)
	for i := range 3 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		var e map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != http.StatusInternalServerError ||
			rec.Header().Get("Content-Type") != wire.ContentTypeJSON {
			t.Fatalf("failing download %d: %d %s %s, want a 500 JSON envelope", i, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
			if e[k] == "" {
				t.Errorf("failing download %d: envelope field %s empty: %s", i, k, rec.Body)
			}
		}
		if e["Code"] != "Mock.ReportError" || !strings.Contains(e["Message"], errBrokenReport.Error()) ||
			rec.Header().Get(wire.HeaderRequestID) != e["RequestId"] {
			t.Errorf("failing download %d: %s (request id header %q), want Mock.ReportError with the report's failure",
				i, rec.Body, rec.Header().Get(wire.HeaderRequestID))
		}
	}
	broken = false
	rec := httptest.NewRecorder()
	if h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil)); rec.Code != http.StatusOK || rec.Body.Len() < 16<<10 {
		t.Errorf("a download after the failed ones: %d %.200s, want 200 and the file (the slots released)", rec.Code, rec.Body)
	}
}
