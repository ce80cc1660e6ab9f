package mock

import (
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// The admin API of task state:
//
//	GET    /_mock/clock             the server's time
//	POST   /_mock/clock             {"advance":"2m"} or {"set":"2026-11-25T12:00:00Z"}
//	GET    /_mock/tasks             every account's tasks (?accessKeyId= for one)
//	DELETE /_mock/state             forget every task, scenario choice, journal entry…
//	GET    /_mock/downloads/<token> a finished task's file (download.go)

func (s *Server) taskRoutes(g *echo.Group) {
	g.GET("/clock", s.adminClock)
	g.POST("/clock", s.adminMoveClock)
	g.GET("/tasks", s.adminTasks)
	g.DELETE("/state", s.adminResetState)
	g.GET("/downloads/:token", s.adminDownload)
}

func (s *Server) adminClock(c echo.Context) error {
	return c.JSON(http.StatusOK, s.clockState())
}

func (s *Server) clockState() ClockState {
	return ClockState{Now: s.cfg.Clock.Now(), Pinned: s.cfg.Clock.Pinned()}
}

func (s *Server) adminMoveClock(c echo.Context) error {
	bad := func(format string, args ...any) error {
		return c.JSON(http.StatusBadRequest, adminapi.Error{Code: "Mock.BadClock", Message: fmt.Sprintf(format, args...) +
			`; send {"advance":"2m"} to move the clock forward, or {"set":"2026-11-25T12:00:00Z"} to pin it`})
	}
	var ch ClockChange
	if err := decodeAdminJSON(c, &ch); err != nil {
		return bad("the body must be JSON: %v", err)
	}
	switch {
	case (ch.Advance == "") == (ch.Set == ""):
		return bad("give exactly one of advance and set")
	case ch.Advance != "":
		d, err := time.ParseDuration(ch.Advance)
		if err != nil || d < 0 {
			return bad("advance %q is not a duration of zero or more, such as 90s or 2m", ch.Advance)
		}
		s.cfg.Clock.Advance(d)
	default:
		t, err := time.Parse(time.RFC3339, ch.Set)
		if err != nil {
			return bad("set %q is not an RFC 3339 time", ch.Set)
		}
		s.cfg.Clock.Set(t)
	}
	return c.JSON(http.StatusOK, s.clockState())
}

func (s *Server) adminTasks(c echo.Context) error {
	now := s.cfg.Clock.Now()
	base := tasks.BaseURL(c.Request())
	only, filtered := c.QueryParams()["accessKeyId"]
	page := TasksPage{Now: now, Accounts: []AccountTasks{}}
	for account, list := range s.tasks.All() {
		if filtered && (len(only) == 0 || only[0] != account) {
			continue
		}
		at := AccountTasks{AccessKeyID: account, Tasks: make([]TaskInfo, 0, len(list))}
		for _, t := range list {
			v := t.View(now, base)
			updated := t.Created
			if v.Status != tasks.StatusCreated {
				updated = t.Done
			}
			at.Tasks = append(at.Tasks, TaskInfo{
				TaskID: t.ID, Family: t.Family, Report: t.Report, TaskName: t.Name, Status: v.Status,
				Outcome: t.Outcome, CreateTime: t.Created, ReadyTime: t.Done, UpdateTime: updated, StartTime: t.Start, EndTime: t.End,
				Params: t.Params, Listed: t.Visible(now), DownloadURL: v.DownloadUrl, FileURL: base + tasks.DownloadPath(t.Token),
			})
		}
		page.Accounts = append(page.Accounts, at)
	}
	sort.Slice(page.Accounts, func(i, j int) bool { return page.Accounts[i].AccessKeyID < page.Accounts[j].AccessKeyID })
	return c.JSON(http.StatusOK, page)
}

func (s *Server) adminResetState(c echo.Context) error {
	if err := s.ResetState(); err != nil {
		return c.JSON(http.StatusInternalServerError, adminapi.Error{Code: "Mock.StateError", Message: err.Error()})
	}
	return c.NoContent(http.StatusNoContent)
}

// ResetState forgets every task and resource item (in the state file too), goes back to the
// default scenario without bindings, empties the journal and the
// violations, and refills every rate-limit bucket. The clock stays where
// it is.
func (s *Server) ResetState() error {
	err := s.tasks.Reset()
	if _, rerr := s.resources.Reset(nil, ""); err == nil {
		err = rerr
	}
	s.ResetScenarios()
	s.journal.Clear()
	s.violations.Clear()
	s.throttle.Reset()
	return err
}
