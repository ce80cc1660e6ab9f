package main

import (
	"errors"
	"flag"
	"io"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// envValues sets every server flag from its variable, each to a value that
// is not its default. A new flag needs a line here.
var envValues = map[string]string{
	"addr":                 "127.0.0.1:0",
	"spec":                 "my-spec.yaml",
	"no-generated":         "true",
	"scenarios":            "my-scenarios",
	"no-shipped-scenarios": "true",
	"fixtures":             "my-fixtures",
	"scenario":             "InvalidTimeRange",
	"clock":                "2026-11-25T12:00:00Z",
	"delay":                "250ms",
	"throttle":             "off",
	"log":                  "errors",
	"journal-size":         "7",
	"fail-on-violation":    "1",
	"task-duration":        "2m",
	"state":                "tasks.db",
	"coverage-out":         "coverage.md",
	"credentials":          "credentials.yaml",
	"admin-token":          "s3cret",
	"admin-addr":           "127.0.0.1:0",
	"upstream":             "https://cdn.example.com",
	"record":               "recordings",
	"replay":               "recorded",
	"proxy-throttle":       "true",
}

func TestEnvSetsEveryFlag(t *testing.T) {
	var defaults options
	defaults.flagSet("serve").VisitAll(func(f *flag.Flag) {
		if _, ok := envValues[f.Name]; !ok {
			t.Errorf("--%s: no value in envValues; add one", f.Name)
		}
	})
	wantFromEnv := map[string]string{}
	for name, v := range envValues {
		t.Setenv(envName(name), v)
		wantFromEnv[name] = envName(name)
	}
	o, err := parseFlags("serve", nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := options{
		addr: "127.0.0.1:0", spec: "my-spec.yaml", noGenerated: true,
		scenarios: "my-scenarios", noShippedScenarios: true, fixtures: "my-fixtures", scenario: "InvalidTimeRange",
		clock: "2026-11-25T12:00:00Z", delay: "250ms", throttle: "off", logMode: "errors", journalSize: 7,
		failOnViolation: true, taskDuration: 2 * time.Minute, state: "tasks.db", coverageOut: "coverage.md",
		credentials: "credentials.yaml", adminToken: "s3cret", adminAddr: "127.0.0.1:0",
		upstream: "https://cdn.example.com", record: "recordings", replay: "recorded", proxyThrottle: true,
		fromEnv: wantFromEnv,
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("from the environment:\n got %+v\nwant %+v", o, want)
	}
	if envName("admin-token") != adminTokenEnv || envName("journal-size") != "CDNMOCK_JOURNAL_SIZE" {
		t.Errorf("variable names: %s, %s", envName("admin-token"), envName("journal-size"))
	}
}

func TestEnvFlagWins(t *testing.T) {
	t.Setenv("CDNMOCK_SCENARIO", "InternalError")
	t.Setenv("CDNMOCK_FAIL_ON_VIOLATION", "true")
	t.Setenv("CDNMOCK_JOURNAL_SIZE", "lots") // never parsed: the flag wins
	t.Setenv("CDNMOCK_ADMIN_TOKEN", "from-env")
	t.Setenv("CDNMOCK_DELAY", "1s") // no flag: the variable applies
	o, err := parseFlags("serve", []string{"--scenario", "success", "--fail-on-violation=false", "--journal-size", "5", "--admin-token", ""}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.scenario != "success" || o.failOnViolation || o.journalSize != 5 || o.adminToken != "" || o.delay != "1s" {
		t.Errorf("flags should win over variables: %+v", o)
	}
	if want := map[string]string{"delay": "CDNMOCK_DELAY"}; !maps.Equal(o.fromEnv, want) {
		t.Errorf("fromEnv = %v, want %v", o.fromEnv, want)
	}
}

func TestEnvEmptyIsUnset(t *testing.T) {
	t.Setenv("CDNMOCK_THROTTLE", "")
	t.Setenv("CDNMOCK_JOURNAL_SIZE", "")
	o, err := parseFlags("serve", nil, io.Discard)
	if err != nil || o.throttle != "on" || o.journalSize != 1000 || len(o.fromEnv) != 0 {
		t.Errorf("empty variables: %+v, %v", o, err)
	}
}

// A bad value in a variable is reported by the variable's name, whether the
// flag package, the option checks or the server refuses it.
func TestEnvBadValueNamesTheVariable(t *testing.T) {
	cases := []struct {
		name, value string
		args        []string
		exit        int
		says        string
	}{
		{"CDNMOCK_JOURNAL_SIZE", "lots", nil, 2, `invalid value "lots": want a whole number`},
		{"CDNMOCK_FAIL_ON_VIOLATION", "maybe", nil, 2, `invalid value "maybe": want true or false`},
		{"CDNMOCK_TASK_DURATION", "soon", nil, 2, `invalid value "soon": want a duration such as 90s`},
		{"CDNMOCK_JOURNAL_SIZE", "0", nil, 2, ""},
		{"CDNMOCK_CLOCK", "yesterday", nil, 2, ""},
		{"CDNMOCK_THROTTLE", "maybe", nil, 2, ""},
		{"CDNMOCK_DELAY", "soon", nil, 2, ""},
		{"CDNMOCK_SCENARIOS", "/no/such/dir", nil, 2, ""},
		{"CDNMOCK_SPEC", "/no/such/spec.yaml", nil, 2, ""},
		{"CDNMOCK_ADMIN_TOKEN", "two words", nil, 2, ""},
		{"CDNMOCK_SCENARIO", "NoSuchScenario", []string{"validate"}, 1, ""},
		{"CDNMOCK_ADDR", "nonsense", nil, 1, ""}, // refused by net.Listen
	}
	for _, c := range cases {
		t.Run(c.name+"="+c.value, func(t *testing.T) {
			t.Setenv(c.name, c.value)
			if c.name == "CDNMOCK_ADDR" {
				// Should the variable be ignored, run would serve on the
				// default address until killed.
				if o, err := parseFlags("serve", nil, io.Discard); err != nil || o.addr != c.value {
					t.Fatalf("$%s is not applied (addr %q, %v): not serving on the default address", c.name, o.addr, err)
				}
			}
			code, _, stderr := cli(t, c.args...)
			if code != c.exit || !strings.Contains(stderr, "$"+c.name+":") {
				t.Errorf("exit %d (want %d); stderr does not start the problem with $%s:\n%s", code, c.exit, c.name, stderr)
			}
			if !strings.Contains(stderr, c.says) {
				t.Errorf("stderr does not say %q:\n%s", c.says, stderr)
			}
		})
	}
}

func TestEnvInHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"validate", "-h"}, {"help", "serve"}} {
		code, stdout, _ := cli(t, args...)
		if code != 0 || !strings.Contains(stdout, "CDNMOCK_JOURNAL_SIZE") || !strings.Contains(stdout, "A flag on the command line wins over its variable") {
			t.Errorf("%q: exit %d:\n%s", args, code, stdout)
		}
	}
}

func TestInEnvTerms(t *testing.T) {
	o := options{fromEnv: map[string]string{"scenario": "CDNMOCK_SCENARIO", "state": "CDNMOCK_STATE"}}
	for _, c := range []struct {
		err  error
		want string
	}{
		{flagErrorf("scenario", "no scenario --scenario"), "$CDNMOCK_SCENARIO: no scenario --scenario"},
		{flagErrorf("scenarios", "x is not a directory"), "--scenarios: x is not a directory"}, // from the command line
		{mock.Problems{{File: "--scenario", Message: "no scenario"}, {File: "--scenarios-dir/a.yaml", Line: 3, Message: "bad"}},
			"2 problem(s):\n  $CDNMOCK_SCENARIO: no scenario\n  --scenarios-dir/a.yaml:3: bad"},
		{errors.New("--state tasks.db: in use"), "$CDNMOCK_STATE tasks.db: in use"},
		{errors.New("--scenarios: see --scenario"), "--scenarios: see --scenario"},
	} {
		if got := o.inEnvTerms(c.err).Error(); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
	// The flag's own error stays reachable.
	inner := errors.New("inner")
	if err := o.inEnvTerms(&flagError{flag: "scenario", err: inner}); !errors.Is(err, inner) {
		t.Errorf("%v does not wrap the flag's error", err)
	}
}
