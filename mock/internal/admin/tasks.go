package admin

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

func (s *api) taskRoutes(g *echo.Group) {
	g.GET("/clock", s.adminClock)
	g.POST("/clock", s.adminMoveClock)
	g.GET("/tasks", s.adminTasks)
	g.DELETE("/state", s.adminResetState)
	g.GET("/downloads/:token", s.adminDownload)
}

func (s *api) adminClock(c echo.Context) error {
	return c.JSON(http.StatusOK, s.clockState())
}

func (s *api) clockState() adminapi.ClockState {
	return adminapi.ClockState{Now: s.Clock.Now(), Pinned: s.Clock.Pinned()}
}

func (s *api) adminMoveClock(c echo.Context) error {
	bad := func(format string, args ...any) error {
		return c.JSON(http.StatusBadRequest, adminapi.Error{Code: "Mock.BadClock", Message: fmt.Sprintf(format, args...) +
			`; send {"advance":"2m"} to move the clock forward, or {"set":"2026-11-25T12:00:00Z"} to pin it`})
	}
	var ch adminapi.ClockChange
	if err := decodeJSON(c, &ch); err != nil {
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
		s.Clock.Advance(d)
	default:
		t, err := time.Parse(time.RFC3339, ch.Set)
		if err != nil {
			return bad("set %q is not an RFC 3339 time", ch.Set)
		}
		s.Clock.Set(t)
	}
	return c.JSON(http.StatusOK, s.clockState())
}

func (s *api) adminTasks(c echo.Context) error {
	now := s.Clock.Now()
	base := tasks.BaseURL(c.Request())
	only, filtered := c.QueryParams()["accessKeyId"]
	page := adminapi.TasksPage{Now: now, Accounts: []adminapi.AccountTasks{}}
	for account, list := range s.Tasks.All() {
		if filtered && (len(only) == 0 || only[0] != account) {
			continue
		}
		at := adminapi.AccountTasks{AccessKeyID: account, Tasks: make([]adminapi.TaskInfo, 0, len(list))}
		for _, t := range list {
			v := t.View(now, c.Request())
			updated := t.Created
			if v.Status != tasks.StatusCreated {
				updated = t.Done
			}
			at.Tasks = append(at.Tasks, adminapi.TaskInfo{
				TaskID: t.ID(), Family: t.Family, Report: t.Report, TaskName: t.Name(), Status: v.Status,
				Outcome: t.Outcome(), CreateTime: t.Created, ReadyTime: t.Done, UpdateTime: updated, StartTime: t.Start(), EndTime: t.End(),
				Params: t.Params(), Listed: t.Visible(now), DownloadURL: v.DownloadUrl, FileURL: base + tasks.DownloadPath(t.Token()),
			})
		}
		page.Accounts = append(page.Accounts, at)
	}
	sort.Slice(page.Accounts, func(i, j int) bool { return page.Accounts[i].AccessKeyID < page.Accounts[j].AccessKeyID })
	return c.JSON(http.StatusOK, page)
}

func (s *api) adminResetState(c echo.Context) error {
	if err := s.ResetState(); err != nil {
		return c.JSON(http.StatusInternalServerError, adminapi.Error{Code: "Mock.StateError", Message: err.Error()})
	}
	return c.NoContent(http.StatusNoContent)
}
