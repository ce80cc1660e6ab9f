// Command cdnmock serves a local mock of Alibaba Cloud's CDN API (2018-05-10)
// for contract tests.
//
//	cdnmock [serve] [flags]              serve (default 127.0.0.1:8080)
//	cdnmock validate [flags]             check the spec, scenarios and fixtures, then exit
//	cdnmock scenario list|set|reset ...  switch scenarios on a running server (cli.go)
//	cdnmock requests [--follow] ...      read a running server's request journal (cli.go)
//	cdnmock coverage [--uncovered] ...   which documented outcomes were served (coverage.go)
//	cdnmock health [--server URL]        exit 0 if a server answers its health check (health.go)
//	cdnmock version                      the version, commit and Go version (version.go)
//	cdnmock help [COMMAND]               the commands; a command's usage and flags (commands.go)
//
// Every server flag can also be set by CDNMOCK_<FLAG> (env.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/internal/httpserver"
	"github.com/alibaba-cloud-mock/cdnmock/mock"
	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch cmd := args[0]; {
		case cmd == "help":
			return runHelp(args[1:], stdout, stderr) // commands.go
		case cmd == "verify":
			return runVerify(args[1:], stdout, stderr) // verify.go
		case isClientCommand(cmd):
			return runClient(args, stdout, stderr) // scenario, requests, health: see cli.go
		case isVersionCommand(cmd):
			if len(args) > 1 && isHelpFlag(args[1]) {
				fmt.Fprint(stdout, versionUsage)
				return 0
			}
			fmt.Fprint(stdout, versionText())
			return 0
		}
	}
	cmd, explicit := "serve", false
	if len(args) > 0 && (args[0] == "serve" || args[0] == "validate") {
		cmd, args, explicit = args[0], args[1:], true
	}
	if !explicit && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "cdnmock:", unknownCommand(args[0])) // a first word is meant as a command
		return 2
	}
	opts, err := parseFlags(cmd, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		if explicit {
			serverHelp(stdout, opts.flagSet(cmd), cmd)
		} else {
			mainHelp(stdout) // cdnmock --help: the commands too
		}
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "cdnmock:", err)
		return 2
	}
	cfg, err := opts.config()
	if err != nil {
		fmt.Fprintln(stderr, "cdnmock:", opts.inEnvTerms(err))
		return 2
	}
	if cmd == "validate" {
		if err := mock.Check(cfg); err != nil {
			fmt.Fprintln(stderr, "cdnmock:", opts.inEnvTerms(err))
			return 1
		}
		fmt.Fprintln(stdout, "cdnmock: spec, scenarios and fixtures are valid")
		return 0
	}
	// Every line the server writes goes through one buffer, in order; Close
	// flushes it once the server has stopped (logging.go).
	logw := newBufferedWriter(stderr, logFlushEvery)
	defer func() {
		if err := logw.Close(); err != nil {
			fmt.Fprintln(stderr, "cdnmock:", err)
		}
	}()
	cfg.Logger = newLogger(opts.logMode, logw)
	return serve(opts, cfg, logw)
}

type options struct {
	addr, spec, scenarios, fixtures, scenario, clock, delay string
	throttle                                                string
	logMode                                                 string // --log: requests, errors or off (logging.go)
	journalSize                                             int
	failOnViolation                                         bool
	taskDuration                                            time.Duration // export tasks: mock/internal/tasks
	state                                                   string
	coverageOut                                             string // write the outcome coverage here at shutdown (coverage.go)
	credentials, adminToken, adminAddr                      string // authentication and hardening: hardening.go
	noGenerated                                             bool   // serve the hand-written spec alone (mock/internal/contract/layers.go)
	noShippedScenarios                                      bool   // serve --scenarios alone, without the shipped scenarios/
	upstream, record, replay                                string // proxy mode: mock/proxy.go
	proxyThrottle                                           bool

	fromEnv map[string]string // flags set from the environment: flag name → variable (env.go)
}

// parseFlags parses the flags of serve or validate. On -h it returns
// flag.ErrHelp, having printed nothing: run prints the help. Errors are
// returned, not printed: stderr is unused.
func parseFlags(cmd string, args []string, _ io.Writer) (options, error) {
	var o options
	fs := o.flagSet(cmd)
	fs.SetOutput(io.Discard) // run reports an error once, with a hint (commands.go)
	fs.Usage = func() {}
	helpCmd := "cdnmock --help"
	if cmd == "validate" {
		helpCmd = "cdnmock validate --help"
	}
	var err error
	if o.fromEnv, err = parseWithEnv(fs, args, os.Getenv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, unknownFlag(err, fs, helpCmd)
	}
	if fs.NArg() > 0 {
		word := fs.Arg(0)
		msg := fmt.Sprintf("unexpected argument %q", word)
		if near := closest(word, commandNames()); near != "" && near != cmd {
			msg += fmt.Sprintf("; a command comes first: cdnmock %s ...", near)
		}
		return o, fmt.Errorf("%s (%s lists the commands and flags)", msg, helpCmd)
	}
	return o, nil
}

// flagSet defines the server's flags on o's fields.
func (o *options) flagSet(cmd string) *flag.FlagSet {
	fs := flag.NewFlagSet("cdnmock "+cmd, flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.spec, "spec", "", "OpenAPI spec `file`, served alone (default: the embedded spec/cdn-2018-05-10.yaml over spec/generated/)")
	fs.BoolVar(&o.noGenerated, "no-generated", false, "serve the hand-written spec and fixtures alone, without the operations generated from Alibaba's metadata")
	fs.StringVar(&o.scenarios, "scenarios", "", "scenario `dir`ectory, served with the shipped scenarios/ (a file of the same name replaces the shipped one; with --spec, alone)")
	fs.BoolVar(&o.noShippedScenarios, "no-shipped-scenarios", false, "leave the shipped scenario files out: only the built-in scenarios and those of --scenarios")
	fs.StringVar(&o.fixtures, "fixtures", "", "fixture `dir`ectory (default: the embedded fixtures/)")
	fs.StringVar(&o.scenario, "scenario", "", "active scenario `name` at start (default: default)")
	fs.StringVar(&o.clock, "clock", "", "pin the clock at an RFC 3339 `time`, e.g. 2026-01-02T03:04:05Z (default: real time)")
	fs.StringVar(&o.delay, "delay", "", "wait this `duration` (250ms) or range (100ms-400ms) before every answer, at most "+mock.MaxDelay.String())
	fs.StringVar(&o.throttle, "throttle", "on", "enforce the spec's documented call rates: on or off")
	fs.StringVar(&o.logMode, "log", logRequests, "log a line per API request (requests), only for failed ones: status >= 400 or a fault (errors), or none (off)")
	fs.IntVar(&o.journalSize, "journal-size", 1000, "how many requests the journal keeps (the newest)")
	fs.BoolVar(&o.failOnViolation, "fail-on-violation", false, "exit with status 3 on shutdown if any request broke the spec")
	fs.DurationVar(&o.taskDuration, "task-duration", 90*time.Second, "how long an export task stays created before its file is ready (server's clock)")
	fs.StringVar(&o.coverageOut, "coverage-out", "", "at shutdown, write the outcome coverage to this `file`: JSON, or a Markdown table when it ends in .md")
	fs.StringVar(&o.state, "state", "", "keep export tasks in this bbolt `file` across restarts (default: in memory)")
	fs.StringVar(&o.credentials, "credentials", "", "check signatures, access keys and RAM policies against this YAML `file` (default: any key is accepted)")
	fs.StringVar(&o.adminToken, "admin-token", "", "require this Bearer `token` on the admin API (default: $"+adminTokenEnv+"; none: the admin API is open)")
	fs.StringVar(&o.adminAddr, "admin-addr", "", "serve the admin API on this `address` instead of --addr (default: the same listener)")
	fs.StringVar(&o.upstream, "upstream", "", "proxy mode: forward calls that get the default answer to this `URL` (e.g. https://cdn.aliyuncs.com), signed with $"+mock.EnvAccessKeyID+" and $"+mock.EnvAccessKeySecret+" (docs/proxy.md)")
	fs.StringVar(&o.record, "record", "", "with --upstream: write each forwarded exchange, redacted, into this `dir`ectory")
	fs.StringVar(&o.replay, "replay", "", "answer calls that match a recording in this `dir`ectory from it")
	fs.BoolVar(&o.proxyThrottle, "proxy-throttle", false, "with --upstream: keep the mock's own rate limits on (off by default: the upstream throttles)")
	return fs
}

// config turns the flags into a mock.Config; files are read here so a wrong
// path is reported before anything else.
func (o options) config() (mock.Config, error) {
	var cfg mock.Config
	if o.spec != "" {
		data, err := os.ReadFile(o.spec)
		if err != nil {
			return cfg, &flagError{flag: "spec", err: err}
		}
		cfg.Spec, cfg.SpecFile = data, o.spec
	}
	cfg.NoGenerated, cfg.NoShippedScenarios = o.noGenerated, o.noShippedScenarios
	cfg.MaxHold = httpserver.WriteTimeout // a request held longer could not be answered anyway
	for flagName, dir := range map[string]string{"scenarios": o.scenarios, "fixtures": o.fixtures} {
		if dir == "" {
			continue
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return cfg, flagErrorf(flagName, "%s is not a directory", dir)
		}
	}
	if o.scenarios != "" {
		cfg.Scenarios, cfg.ScenariosDir = os.DirFS(o.scenarios), filepath.Clean(o.scenarios)
	}
	if o.fixtures != "" {
		cfg.Fixtures, cfg.FixturesDir = os.DirFS(o.fixtures), filepath.Clean(o.fixtures)
	}
	cfg.Scenario = o.scenario
	if o.delay != "" {
		d, err := mock.ParseDelay(o.delay)
		if err != nil {
			return cfg, &flagError{flag: "delay", err: err}
		}
		cfg.Delay = d
	}
	switch o.throttle {
	case "on":
	case "off":
		cfg.DisableThrottling = true
	default:
		return cfg, flagErrorf("throttle", "%q: want on or off", o.throttle)
	}
	if err := checkLogMode(o.logMode); err != nil {
		return cfg, err
	}
	if o.journalSize < 1 {
		return cfg, flagErrorf("journal-size", "%d: want at least 1", o.journalSize)
	}
	cfg.JournalSize = o.journalSize
	if o.taskDuration <= 0 {
		return cfg, flagErrorf("task-duration", "%v: want a positive duration such as 90s", o.taskDuration)
	}
	cfg.TaskDuration, cfg.StatePath = o.taskDuration, o.state
	if o.clock != "" {
		t, err := time.Parse(time.RFC3339, o.clock)
		if err != nil {
			return cfg, flagErrorf("clock", "%q is not an RFC 3339 time such as 2026-01-02T03:04:05Z", o.clock)
		}
		cfg.Clock = mock.FixedClock(t)
	}
	if o.credentials != "" {
		data, err := os.ReadFile(o.credentials)
		if err != nil {
			return cfg, &flagError{flag: "credentials", err: err}
		}
		if cfg.Credentials, err = mock.LoadCredentials(o.credentials, data); err != nil {
			return cfg, err // Problems, with file, line and field
		}
	}
	if o.coverageOut != "" {
		if st, err := os.Stat(filepath.Dir(o.coverageOut)); err != nil || !st.IsDir() {
			return cfg, flagErrorf("coverage-out", "%s: its directory does not exist", o.coverageOut)
		}
	}
	if err := o.proxyConfig(&cfg); err != nil {
		return cfg, err
	}
	if err := checkAdminToken(o.adminToken); err != nil {
		return cfg, err
	}
	cfg.AdminToken = o.adminToken
	return cfg, nil
}

// proxyConfig sets proxy mode from --upstream, --record and --replay, and
// the upstream's access key from the standard variables.
func (o options) proxyConfig(cfg *mock.Config) error {
	if o.upstream != "" {
		cfg.Upstream = &mock.UpstreamConfig{URL: o.upstream, Throttle: o.proxyThrottle}
		if err := mock.UpstreamCredentialsFromEnv(cfg.Upstream, os.Getenv); err != nil {
			return &flagError{flag: "upstream", err: err}
		}
	}
	if o.record != "" && o.upstream == "" {
		return flagErrorf("record", "records what --upstream answers: give --upstream too")
	}
	if o.replay != "" {
		if st, err := os.Stat(o.replay); err != nil || !st.IsDir() {
			return flagErrorf("replay", "%s is not a directory", o.replay)
		}
	}
	cfg.Record, cfg.Replay = o.record, o.replay
	return nil
}

// watchDirs are the directories on disk to reload from when they change.
func (o options) watchDirs() []string {
	var dirs []string
	for _, d := range []string{o.scenarios, o.fixtures} {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// exitViolations is the exit status when --fail-on-violation saw any.
const exitViolations = 3

// serve runs the server until SIGINT or SIGTERM, then shuts down cleanly.
func serve(opts options, cfg mock.Config, stderr io.Writer) int {
	addr := opts.addr
	collectNormally := collectLessWhileStarting()
	defer collectNormally() // an early return too
	srv, err := mock.New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "cdnmock:", opts.inEnvTerms(err))
		return 1
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(stderr, "cdnmock:", opts.inEnvTerms(&flagError{flag: "addr", err: err}))
		return 1
	}
	hs := httpserver.New(srv, httpErrorLog(cfg.Logger)) // timeouts and a header limit: internal/httpserver
	admin, adminLn, err := listenAdmin(opts, srv, hs)
	if err != nil {
		fmt.Fprintln(stderr, "cdnmock:", opts.inEnvTerms(err))
		return 1
	}
	hs.RegisterOnShutdown(srv.Close) // releases requests held by fault:hang
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if dirs := opts.watchDirs(); len(dirs) > 0 {
		stopWatch, err := srv.Watch(nil, dirs...)
		if err != nil {
			fmt.Fprintln(stderr, "cdnmock: hot reload is off:", err)
		} else {
			defer stopWatch()
		}
	}
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	adminAt := ln.Addr()
	if admin != nil {
		adminAt = adminLn.Addr()
		go func() { errc <- admin.Serve(adminLn) }()
	}
	collectNormally() // started: before the serving line, which scripts wait for
	fmt.Fprintf(stderr, "cdnmock: serving Alibaba Cloud %s %s on http://%s (admin API: http://%s%s/%s)\n",
		srv.Spec().Product, srv.Spec().Version, ln.Addr(), adminAt, adminapi.Prefix, adminNote(cfg.AdminToken))
	warnExposed(stderr, adminAt, cfg.AdminToken)
	if f, ok := stderr.(interface{ Flush() error }); ok {
		_ = f.Flush() // the serving line at once: scripts wait for it
	}

	select {
	case err := <-errc:
		fmt.Fprintln(stderr, "cdnmock:", err)
		return 1
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "cdnmock: shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if admin != nil {
		if err := admin.Shutdown(shutdown); err != nil {
			fmt.Fprintln(stderr, "cdnmock: shutdown:", err)
		}
	}
	if err := hs.Shutdown(shutdown); err != nil {
		fmt.Fprintln(stderr, "cdnmock: shutdown:", err)
		return 1
	}
	if opts.coverageOut != "" {
		if err := writeCoverageFile(opts.coverageOut, srv.Coverage("")); err != nil {
			fmt.Fprintln(stderr, "cdnmock: --coverage-out:", err)
			return 1
		}
		fmt.Fprintln(stderr, "cdnmock: outcome coverage written to", opts.coverageOut)
	}
	if opts.failOnViolation {
		if n := srv.ViolationCount(); n > 0 {
			fmt.Fprint(stderr, violationSummary(n, srv.Violations()))
			return exitViolations
		}
	}
	return 0
}

// violationSummary says how the code under test broke the contract.
func violationSummary(n int, vs []adminapi.ViolationRecord) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cdnmock: %d request(s) broke the spec (--fail-on-violation):\n", n)
	const show = 20
	for i, v := range vs {
		if i == show {
			fmt.Fprintf(&b, "  ... and %d more (GET /_mock/violations lists them)\n", len(vs)-show)
			break
		}
		fmt.Fprintf(&b, "  %s %s accessKeyId=%q %s: %s\n", v.Time.Format(time.RFC3339), v.Action, v.AccessKeyID, v.Parameter, v.Reason)
	}
	return b.String()
}

// startingGCPercent is the collector's target while the server starts.
// Starting allocates about 9 MB that is mostly garbage once the server
// listens; from the runtime's first 4 MB goal the collector would run
// several times meanwhile (about a quarter of the time to the first
// answer, measured); at 400 it runs about once, and still bounds a start
// that reads large files of the user's.
const startingGCPercent = 400

// collectLessWhileStarting sets the collector's target for the start and
// returns what sets it back. A GOGC of the user's is left alone.
func collectLessWhileStarting() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(startingGCPercent)
	return func() { debug.SetGCPercent(old) }
}
