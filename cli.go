package main

// The client side of cdnmock: commands that drive a RUNNING mock through its
// admin API (/_mock/), for fault injection by hand.
//
//	cdnmock scenario list                        every scenario; the active one; the bindings
//	cdnmock scenario set NAME [--access-key-id AK]
//	cdnmock scenario reset                       back to default, bindings dropped
//	cdnmock requests [--action A] [--access-key-id AK] [--follow]
//	cdnmock coverage [--action GLOB] [--uncovered]  outcome coverage (coverage.go)
//	cdnmock health                               exit 0 if the server is up (health.go)
//
// Every command takes --server URL (default $CDNMOCK_SERVER, else the
// address the server takes from $CDNMOCK_ADMIN_ADDR or $CDNMOCK_ADDR, else
// http://127.0.0.1:8080) and --json (the server's JSON, indented).
// Exit codes: 0 ok, 1 the server could not be reached or refused, 2 usage.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

// Defaults of the client commands.
const (
	defaultServer = "http://127.0.0.1:8080"
	serverEnv     = "CDNMOCK_SERVER"
	followEvery   = 500 * time.Millisecond
)

// isClientCommand reports whether args[0] names a client command.
func isClientCommand(cmd string) bool {
	return cmd == "scenario" || cmd == "requests" || cmd == "health" || cmd == "coverage"
}

// runClient runs a client command until it is done or interrupted
// (SIGINT/SIGTERM end requests --follow cleanly).
func runClient(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return newClient(stdout, stderr).run(ctx, args)
}

// client holds what the commands need; tests replace pollEvery and pass
// their own context.
type client struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	http           *http.Client
	pollEvery      time.Duration // requests --follow
	healthTimeout  time.Duration // one health check (health.go)
}

func newClient(stdout, stderr io.Writer) *client {
	return &client{
		stdout:    stdout,
		stderr:    stderr,
		getenv:    os.Getenv,
		http:      &http.Client{Timeout: 10 * time.Second},
		pollEvery: followEvery,

		healthTimeout: healthTimeout,
	}
}

// Exit codes of the client commands.
const (
	exitOK     = 0
	exitServer = 1
	exitUsage  = 2
)

const clientUsage = `usage:
  cdnmock scenario list [--json] [--server URL]
  cdnmock scenario set NAME [--access-key-id AK] [--json] [--server URL]
  cdnmock scenario reset [--json] [--server URL]
  cdnmock requests [--action A] [--access-key-id AK] [--follow] [--json] [--server URL]
  cdnmock coverage [--action GLOB] [--uncovered] [--json] [--server URL]
  cdnmock health [--json] [--server URL]

--server defaults to $CDNMOCK_SERVER, else the address the server takes from
$CDNMOCK_ADMIN_ADDR or $CDNMOCK_ADDR, else http://127.0.0.1:8080.
`

// usageError is a command line the client cannot run.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func (c *client) run(ctx context.Context, args []string) int {
	err := c.dispatch(ctx, args)
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(c.stderr, "cdnmock:", err)
		fmt.Fprint(c.stderr, clientUsage)
		return exitUsage
	default:
		fmt.Fprintln(c.stderr, "cdnmock:", err)
		return exitServer
	}
}

func (c *client) dispatch(ctx context.Context, args []string) error {
	switch args[0] {
	case "requests":
		return c.requests(ctx, args[1:])
	case "health":
		return c.health(ctx, args[1:])
	case "coverage":
		return c.coverage(ctx, args[1:]) // coverage.go
	case "scenario":
		if len(args) < 2 {
			return usagef("scenario: want a subcommand: list, set or reset")
		}
		switch args[1] {
		case "list":
			return c.scenarioList(ctx, args[2:])
		case "set":
			return c.scenarioSet(ctx, args[2:])
		case "reset":
			return c.scenarioReset(ctx, args[2:])
		case "-h", "-help", "--help":
			fmt.Fprint(c.stdout, clientUsage)
			return flag.ErrHelp
		}
		if near := closest(args[1], []string{"list", "set", "reset"}); near != "" {
			return usagef("scenario %s: unknown subcommand; did you mean %q? (want list, set or reset)", args[1], near)
		}
		return usagef("scenario %s: unknown subcommand; want list, set or reset", args[1])
	}
	return usagef("unknown command %q", args[0])
}

// common are the flags every client command takes.
type common struct {
	server string // base URL, no trailing slash
	json   bool
}

// flags parses args, flags and positional arguments in any order, and
// returns the positional ones. define adds the command's own flags.
func (c *client) flags(name string, args []string, define func(*flag.FlagSet)) (common, []string, error) {
	var co common
	fs := flag.NewFlagSet("cdnmock "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // run reports a bad flag, once, with the usage
	fs.StringVar(&co.server, "server", "", "`URL` of the running mock (default $"+serverEnv+", else the address in $"+
		envName("admin-addr")+" or $"+envName("addr")+", else "+defaultServer+")")
	fs.BoolVar(&co.json, "json", false, "print the server's JSON answer, indented")
	if define != nil {
		define(fs)
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(c.stdout) // help that was asked for: stdout (commands.go)
				fmt.Fprint(c.stdout, clientUsage, "\nflags of cdnmock ", name, ":\n")
				fs.PrintDefaults()
				return co, nil, err
			}
			return co, nil, usageError{unknownFlag(err, fs, "cdnmock "+name+" --help").Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" { // everything after -- is positional
			pos = append(pos, rest...)
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	server, err := c.serverURL(co.server)
	co.server = server
	return co, pos, err
}

// serverURL picks the mock's base URL: --server, else $CDNMOCK_SERVER, else
// the address the server itself is configured with (configuredServer). A
// bare host:port means http.
func (c *client) serverURL(flagValue string) (string, error) {
	raw, from := flagValue, "--server"
	if raw == "" {
		raw, from = strings.TrimSpace(c.getenv(serverEnv)), "$"+serverEnv
	}
	if raw == "" {
		return configuredServer(c.getenv), nil
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", usagef("%s: %q is not the URL of a server, such as %s", from, raw, defaultServer)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func noArgs(cmd string, pos []string) error {
	if len(pos) > 0 {
		return usagef("%s: unexpected argument %q", cmd, pos[0])
	}
	return nil
}

// scenario list

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

// scenario set / reset

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

// requests

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

// The HTTP side.

// call sends one admin API request and returns the answer's body when it is
// a 2xx; otherwise an error that names the server and what went wrong.
func (c *client) call(ctx context.Context, server, method, path string, query url.Values, body any) ([]byte, error) {
	u := server + adminapi.Prefix + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("the mock at %s: %v", server, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok := os.Getenv(adminTokenEnv); tok != "" { // the server's --admin-token (hardening.go)
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("cannot reach the mock at %s: is it running? start the server (cdnmock, or go run . from a checkout); %v", server, unwrapURLError(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("the mock at %s: reading the answer to %s %s: %v", server, method, req.URL.Path, err)
	}
	if resp.StatusCode/100 == 2 {
		return raw, nil
	}
	var ae adminapi.Error
	if json.Unmarshal(raw, &ae) == nil && ae.Message != "" {
		return nil, fmt.Errorf("the mock at %s refused %s %s (%d %s): %s", server, method, req.URL.Path, resp.StatusCode, ae.Code, ae.Message)
	}
	return nil, fmt.Errorf("the mock at %s answered %s %s with %s: %s (is it a cdnmock server?)", server, method, req.URL.Path, resp.Status, snippet(raw))
}

// decode reads an answer's JSON into v.
// scenarioCall runs one call of the scenario commands: with --json it
// prints the server's answer as is and reports done; otherwise it returns
// the decoded state for the command to print.
func (c *client) scenarioCall(ctx context.Context, co common, method, path string, body any) (st adminapi.ScenarioState, done bool, err error) {
	raw, err := c.call(ctx, co.server, method, path, nil, body)
	if err != nil {
		return st, false, err
	}
	if co.json {
		return st, true, c.printJSON(raw)
	}
	return st, false, c.decode(co.server, raw, &st)
}

func (c *client) decode(server string, raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("the mock at %s sent an answer that is not what cdnmock sends (%v): %s (is it a cdnmock server?)", server, err, snippet(raw))
	}
	return nil
}

// printJSON prints the server's JSON as it is, indented.
func (c *client) printJSON(raw []byte) error {
	var b bytes.Buffer
	if err := json.Indent(&b, bytes.TrimSpace(raw), "", "  "); err != nil {
		return fmt.Errorf("the answer is not JSON (%v): %s", err, snippet(raw))
	}
	b.WriteByte('\n')
	_, err := c.stdout.Write(b.Bytes())
	return err
}

// unwrapURLError drops url.Error's "Get \"http://…\":" prefix: the message
// names the server already.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Text helpers.

func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine keeps a table cell on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// snippet is the start of a body, for an error message.
func snippet(b []byte) string {
	s := oneLine(string(b))
	if s == "" {
		return "(empty body)"
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
