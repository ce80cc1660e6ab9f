package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

// The scenario commands, over the admin API's /_mock/scenario (docs/cli.md).

// scenarioList is `cdnmock scenario list`: the scenarios, the active one
// marked, and the access keys bound to one.
func (c *client) scenarioList(ctx context.Context, args []string) error {
	co, pos, err := c.flags("scenario list", args, nil)
	if err != nil {
		return err
	}
	if err := noArgs("scenario list", pos); err != nil {
		return err
	}
	st, done, err := c.scenarioCall(ctx, co, http.MethodGet, "/scenarios", nil)
	if err != nil || done {
		return err
	}
	tw := newTable(c.stdout)
	fmt.Fprintln(tw, "ACTIVE\tNAME\tSOURCE\tDESCRIPTION")
	for _, sc := range st.Scenarios {
		mark := ""
		if sc.Name == st.Active {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", mark, sc.Name, sc.Source, oneLine(sc.Description))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "\nactive: %s\n", st.Active)
	c.printBindings(st.Bindings)
	if st.ReloadError != "" {
		fmt.Fprintf(c.stderr, "cdnmock: warning: the mock at %s kept its last good files; the last reload failed:\n%s\n", co.server, st.ReloadError)
	}
	return nil
}

func (c *client) printBindings(bindings map[string]string) {
	if len(bindings) == 0 {
		fmt.Fprintln(c.stdout, "bindings: none (every access key gets the active scenario)")
		return
	}
	fmt.Fprintln(c.stdout, "bindings:")
	tw := newTable(c.stdout)
	fmt.Fprintln(tw, "  ACCESS KEY\tSCENARIO")
	for _, ak := range slices.Sorted(maps.Keys(bindings)) {
		fmt.Fprintf(tw, "  %s\t%s\n", ak, bindings[ak])
	}
	_ = tw.Flush()
}

// scenarioSet is `cdnmock scenario set NAME`: the active scenario, or with
// --access-key-id the one bound to that key.
func (c *client) scenarioSet(ctx context.Context, args []string) error {
	var ak string
	co, pos, err := c.flags("scenario set", args, func(fs *flag.FlagSet) {
		fs.StringVar(&ak, "access-key-id", "", "bind only this access key `id` to the scenario")
	})
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 0:
		return usagef("scenario set: want a scenario name (cdnmock scenario list shows them)")
	case len(pos) > 1:
		return usagef("scenario set: unexpected argument %q", pos[1])
	}
	name := pos[0]
	st, done, err := c.scenarioCall(ctx, co, http.MethodPut, "/scenario", adminapi.ScenarioChange{Scenario: name, AccessKeyID: ak})
	if err != nil || done {
		return err
	}
	if ak != "" {
		fmt.Fprintf(c.stdout, "access key %s now gets scenario %s (others get %s)\n", ak, name, st.Active)
	} else {
		fmt.Fprintf(c.stdout, "active scenario: %s\n", st.Active)
		if n := len(st.Bindings); n > 0 {
			fmt.Fprintf(c.stdout, "(%d bound access key(s) keep their own; cdnmock scenario list shows them)\n", n)
		}
	}
	return nil
}

// scenarioReset is `cdnmock scenario reset`: the default scenario active,
// no key bound.
func (c *client) scenarioReset(ctx context.Context, args []string) error {
	co, pos, err := c.flags("scenario reset", args, nil)
	if err != nil {
		return err
	}
	if err := noArgs("scenario reset", pos); err != nil {
		return err
	}
	st, done, err := c.scenarioCall(ctx, co, http.MethodDelete, "/scenario", nil)
	if err != nil || done {
		return err
	}
	fmt.Fprintf(c.stdout, "scenarios reset: active scenario %s, no bindings\n", st.Active)
	return nil
}
