package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

// requests is `cdnmock requests`: the journal's entries as a table, once
// or, with --follow, as they come (docs/cli.md).
func (c *client) requests(ctx context.Context, args []string) error {
	var action, ak string
	var follow bool
	co, pos, err := c.flags("requests", args, func(fs *flag.FlagSet) {
		fs.StringVar(&action, "action", "", "only requests for this `action`")
		fs.StringVar(&ak, "access-key-id", "", "only requests signed with this access key `id`")
		fs.BoolVar(&follow, "follow", false, "keep printing new requests until interrupted")
	})
	if err != nil {
		return err
	}
	if err := noArgs("requests", pos); err != nil {
		return err
	}
	q := url.Values{}
	if action != "" {
		q.Set("action", action)
	}
	if ak != "" {
		q.Set("accessKeyId", ak)
	}
	t := &requestTable{w: c.stdout}
	var last uint64 // the newest sequence number seen
	for first := true; ; first = false {
		if !first {
			q.Set("since", strconv.FormatUint(last, 10))
		}
		raw, err := c.call(ctx, co.server, http.MethodGet, "/requests", q, nil)
		if err != nil {
			if follow && ctx.Err() != nil {
				return nil // interrupted
			}
			return err
		}
		var page adminapi.RequestsPage
		if err := c.decode(co.server, raw, &page); err != nil {
			return err
		}
		for _, e := range page.Requests {
			last = max(last, e.Seq)
		}
		switch {
		case co.json && (first || len(page.Requests) > 0):
			if err := c.printJSON(raw); err != nil {
				return err
			}
		case !co.json:
			if err := t.print(page.Requests, follow); err != nil {
				return err
			}
		}
		if !follow {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(c.pollEvery):
		}
	}
}

// requestTable prints journal entries. When following, each column keeps
// the widest value seen so far, so later rows line up with the header.
type requestTable struct {
	w      io.Writer
	header bool
	widths []int
}

var requestColumns = []string{"TIME", "ACTION", "ACCESS KEY", "SCENARIO", "CODE", "STATUS", "LATENCY", "VIOLATIONS"}

func (t *requestTable) print(entries []*adminapi.Entry, follow bool) error {
	rows := make([][]string, 0, len(entries)+1)
	if !t.header {
		t.header = true
		rows = append(rows, requestColumns)
	}
	for _, e := range entries {
		rows = append(rows, []string{
			e.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
			dash(e.Action),
			dash(e.AccessKeyID),
			dash(e.Scenario),
			dash(e.Code),
			dash(statusText(e.Status)),
			time.Duration(e.Latency).Round(time.Microsecond).String(),
			strconv.Itoa(len(e.Violations)),
		})
	}
	if len(rows) == 0 {
		return nil
	}
	tw := newTable(t.w)
	for _, row := range rows {
		cells := row
		if follow {
			cells = t.pad(row)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// pad widens each cell but the last to the widest seen in its column.
func (t *requestTable) pad(row []string) []string {
	if t.widths == nil { // room for typical values, so early rows rarely shift
		t.widths = []int{24, 29, 16, 16, 22, 6, 9, 0}
	}
	out := make([]string, len(row))
	for i, cell := range row {
		n := utf8.RuneCountInString(cell)
		t.widths[i] = max(t.widths[i], n)
		out[i] = cell
		if i < len(row)-1 {
			out[i] += strings.Repeat(" ", t.widths[i]-n)
		}
	}
	return out
}

func statusText(status int) string {
	if status == 0 {
		return "" // the connection was broken, or the client left, before an answer
	}
	return strconv.Itoa(status)
}
