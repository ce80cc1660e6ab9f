package main

// Outcome coverage on the command line: cdnmock coverage prints a running
// server's report, and --coverage-out writes the report when serve stops.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

// coverage runs cdnmock coverage [--action GLOB] [--uncovered].
func (c *client) coverage(ctx context.Context, args []string) error {
	var action string
	var uncovered bool
	co, pos, err := c.flags("coverage", args, func(fs *flag.FlagSet) {
		fs.StringVar(&action, "action", "", "only operations whose names match this `glob` (* and ?)")
		fs.BoolVar(&uncovered, "uncovered", false, "only the documented outcomes never served")
	})
	if err != nil {
		return err
	}
	if err := noArgs("coverage", pos); err != nil {
		return err
	}
	q := url.Values{}
	if action != "" {
		q.Set("action", action)
	}
	raw, err := c.call(ctx, co.server, "GET", "/coverage", q, nil)
	if err != nil {
		return err
	}
	if co.json {
		return c.printJSON(raw)
	}
	var r adminapi.CoverageReport
	if err := c.decode(co.server, raw, &r); err != nil {
		return err
	}
	tw := newTable(c.stdout)
	fmt.Fprintln(tw, "ACTION\tOUTCOME\tSTATUS\tCOUNT")
	for _, op := range r.Operations {
		for _, o := range op.Outcomes {
			if uncovered && (o.Count > 0 || isFault(o.Outcome)) {
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", op.Action, o.Outcome, dash(statusText(o.Status)), o.Count)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "\n%s\n", coverageSummary(r))
	return nil
}

func isFault(outcome string) bool { return strings.HasPrefix(outcome, "fault:") }

func coverageSummary(r adminapi.CoverageReport) string {
	pct := 0.0
	if r.Total > 0 {
		pct = 100 * float64(r.Covered) / float64(r.Total)
	}
	return fmt.Sprintf("covered: %d of %d documented outcomes (%.1f%%) in %d operations", r.Covered, r.Total, pct, len(r.Operations))
}

// writeCoverageFile writes the report to file: a Markdown table when its
// name ends in .md, else the JSON GET /_mock/coverage answers.
func writeCoverageFile(file string, r adminapi.CoverageReport) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if strings.HasSuffix(strings.ToLower(file), ".md") {
		err = writeCoverageMarkdown(f, r)
	} else {
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func writeCoverageMarkdown(w io.Writer, r adminapi.CoverageReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Outcome coverage\n\n%s.\n\n| operation | outcome | status | count |\n|---|---|---|---|\n", coverageSummary(r))
	for _, op := range r.Operations {
		for _, o := range op.Outcomes {
			status := strconv.Itoa(o.Status)
			if o.Status == 0 {
				status = "-"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d |\n", op.Action, o.Outcome, status, o.Count)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
