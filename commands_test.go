package main

import (
	"strings"
	"testing"
)

// cdnmock --help, -h and help list every command with its summary, then
// the server flags, on stdout with exit status 0.
func TestHelpListsCommands(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"help", "help"}, {"help", "--help"}} {
		code, stdout, stderr := cli(t, args...)
		if code != 0 || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
		for _, c := range commands {
			if line := lineWith(stdout, "  "+c.name+" ", c.summary); line == "" {
				t.Errorf("%q does not list the command %s:\n%s", args, c.name, stdout)
			}
		}
		for _, want := range []string{"Usage:", "cdnmock [serve] [flags]", "cdnmock help COMMAND", "-addr", "-scenario name", "CDNMOCK_JOURNAL_SIZE"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("%q lacks %q:\n%s", args, want, stdout)
			}
		}
	}
	// Every command run dispatches is listed, and every one listed runs.
	for _, name := range []string{"serve", "validate", "scenario", "requests", "health", "version", "help"} {
		if !isCommand(name) {
			t.Errorf("%s is a command but --help does not list it", name)
		}
	}
}

// cdnmock help COMMAND prints what cdnmock COMMAND --help prints: the
// command's usage and flags, on stdout, exit 0.
func TestHelpCommand(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		want []string
	}{
		{"serve", []string{"Usage: cdnmock [serve] [flags]", "-fail-on-violation", "CDNMOCK_ADDR"}},
		{"validate", []string{"Usage: cdnmock validate [flags]", "every problem", "-scenarios dir"}},
		{"scenario", []string{"cdnmock scenario set NAME [--access-key-id AK]"}},
		{"requests", []string{"flags of cdnmock requests:", "-follow", "-action action"}},
		{"health", []string{"flags of cdnmock health:", "-server URL"}},
		{"version", []string{"Usage: cdnmock version", "dev for a plain build"}},
	} {
		code, viaHelp, stderr := cli(t, "help", tc.cmd)
		if code != 0 || stderr != "" {
			t.Errorf("help %s: exit %d, stderr %q", tc.cmd, code, stderr)
		}
		for _, want := range tc.want {
			if !strings.Contains(viaHelp, want) {
				t.Errorf("help %s lacks %q:\n%s", tc.cmd, want, viaHelp)
			}
		}
		for _, flag := range []string{"--help", "-h"} {
			code, viaFlag, _ := cli(t, tc.cmd, flag)
			if code != 0 || viaFlag != viaHelp {
				t.Errorf("%s %s: exit %d, and not what help %s prints:\n%s", tc.cmd, flag, code, tc.cmd, viaFlag)
			}
		}
	}
	if code, stdout, _ := cli(t, "help", "scenario", "set"); code != 0 || !strings.Contains(stdout, "flags of cdnmock scenario set:") || !strings.Contains(stdout, "-access-key-id id") {
		t.Errorf("help scenario set: exit %d:\n%s", code, stdout)
	}
}

// A word that is not a command gets the closest command, from the command
// line and from help; a flag that is not one, the closest flag.
func TestHelpUnknownCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // "" when nothing is close
	}{
		{[]string{"scenari"}, `unknown command "scenari"; did you mean "scenario"?`},
		{[]string{"scenarios", "list"}, `did you mean "scenario"?`},
		{[]string{"request"}, `did you mean "requests"?`},
		{[]string{"valdiate"}, `did you mean "validate"?`},
		{[]string{"sevre"}, `did you mean "serve"?`},
		{[]string{"Health"}, `did you mean "health"?`},
		{[]string{"vers"}, `did you mean "version"?`},
		{[]string{"ver"}, ""}, // the start of verify and of version: no guess
		{[]string{"help", "scenaro"}, `cdnmock help: unknown command "scenaro"; did you mean "scenario"?`},
		{[]string{"deploy"}, ""},
		{[]string{"help", "xyz"}, ""},
	} {
		code, stdout, stderr := cli(t, tc.args...)
		if code != exitUsage || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q", tc.args, code, stdout)
		}
		if tc.want != "" && !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: got %q, want %q in it", tc.args, stderr, tc.want)
		}
		if tc.want == "" && strings.Contains(stderr, "did you mean") {
			t.Errorf("%q: suggests a command that is not close: %q", tc.args, stderr)
		}
		if !strings.Contains(stderr, "(commands: serve, validate, verify, scenario, requests, coverage, health, version, help; cdnmock help describes them)") {
			t.Errorf("%q: does not list the commands: %q", tc.args, stderr)
		}
		if len(stderr) > 300 {
			t.Errorf("%q: %d characters", tc.args, len(stderr))
		}
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--scenaro", "x"}, "flag provided but not defined: -scenaro; did you mean --scenario? (cdnmock --help lists the flags)"},
		{[]string{"validate", "--fixture", "d"}, "did you mean --fixtures? (cdnmock validate --help lists the flags)"},
		{[]string{"requests", "--folow"}, "did you mean --follow? (cdnmock requests --help lists the flags)"},
		{[]string{"scenario", "lst"}, `unknown subcommand; did you mean "list"?`},
		{[]string{"--addr", "127.0.0.1:0", "scenario", "list"}, `unexpected argument "scenario"; a command comes first: cdnmock scenario ...`},
	} {
		code, _, stderr := cli(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, got %q, want %q in it", tc.args, code, stderr, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	names := commandNames()
	for word, want := range map[string]string{
		"scenario": "scenario", "SCENARIO": "scenario", "scenaroi": "scenario", "heath": "health",
		"hepl": "help", "vesion": "version", "val": "validate", "s": "", "": "", "x": "", "helpme": "help", "deploy": "",
	} {
		if got := closest(word, names); got != want {
			t.Errorf("closest(%q) = %q, want %q", word, got, want)
		}
	}
}
