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
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

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
