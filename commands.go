package main

// The commands and their help: cdnmock --help lists them, cdnmock help
// [COMMAND] and cdnmock COMMAND --help print a command's usage and flags,
// and a word that is not a command gets the closest one.
//
// Help that was asked for goes to stdout with exit status 0; a usage error
// goes to stderr with exit status 2.

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// command is one word cdnmock takes first.
type command struct{ name, summary string }

// commands in the order --help lists them.
var commands = []command{
	{"serve", "serve the API and its admin API (/_mock/); the default command"},
	{"validate", "check the spec, scenarios and fixtures, then exit"},
	{"verify", "check the spec against the real service: call every read-only operation"},
	{"scenario", "list, set or reset the scenario of a running server"},
	{"requests", "print a running server's request journal"},
	{"coverage", "print which documented outcomes a running server has served"},
	{"health", "exit 0 if a running server answers its health check"},
	{"version", "print the version, the commit and Go's version"},
	{"help", "print this help, or a command's: cdnmock help COMMAND"},
}

func commandNames() []string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return names
}

func isHelpFlag(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// mainHelp is what cdnmock --help and cdnmock help print: the commands, then
// the flags of serve (the default command) and where else they come from.
func mainHelp(w io.Writer) {
	fmt.Fprint(w, `cdnmock: a local mock of Alibaba Cloud's CDN API (2018-05-10) for contract tests.

Usage:
  cdnmock [serve] [flags]        serve until SIGINT or SIGTERM (default address 127.0.0.1:8080)
  cdnmock COMMAND [arguments]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\ncdnmock help COMMAND (or cdnmock COMMAND --help) prints a command's usage and flags.\n\nFlags of serve and validate:\n")
	var o options
	printServerFlags(w, o.flagSet("serve"))
}

// serverHelp is what cdnmock serve --help and cdnmock validate --help print.
func serverHelp(w io.Writer, fs *flag.FlagSet, cmd string) {
	switch cmd {
	case "validate":
		fmt.Fprint(w, `Usage: cdnmock validate [flags]

Loads the spec, scenarios and fixtures the same flags would serve, runs every
startup check, and exits: 0 when they are valid, 1 with every problem (file,
line and field), 2 on a bad flag.

Flags:
`)
	default:
		fmt.Fprint(w, `Usage: cdnmock [serve] [flags]

Serves Alibaba Cloud's CDN API (2018-05-10) and the admin API (/_mock/) until
SIGINT or SIGTERM. cdnmock --help lists the other commands.

Flags:
`)
	}
	printServerFlags(w, fs)
}

// printServerFlags prints the flags of serve and validate, and that each
// can come from the environment (env.go).
func printServerFlags(w io.Writer, fs *flag.FlagSet) {
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w)
	fmt.Fprint(w, envHelp())
}

const versionUsage = `Usage: cdnmock version

Prints the version and commit stamped at build time (dev for a plain build),
and the Go version and platform it was built with. Also: cdnmock --version.
`

// runHelp runs cdnmock help [COMMAND [SUBCOMMAND]]: a command's help is
// what COMMAND --help prints.
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || isHelpFlag(args[0]) {
		mainHelp(stdout)
		return exitOK
	}
	if !isCommand(args[0]) {
		fmt.Fprintf(stderr, "cdnmock help: %s\n", unknownCommand(args[0]))
		return exitUsage
	}
	rest := args[1:]
	if len(rest) > 1 {
		rest = rest[:1] // help scenario set: the subcommand's flags
	}
	return run(append(append([]string{args[0]}, rest...), "--help"), stdout, stderr)
}

func isCommand(word string) bool {
	for _, c := range commands {
		if c.name == word {
			return true
		}
	}
	return false
}

// unknownCommand says that word is no command, names the closest one when
// there is one near enough, and where the list is.
func unknownCommand(word string) string {
	msg := fmt.Sprintf("unknown command %q", word)
	if near := closest(word, commandNames()); near != "" {
		msg += fmt.Sprintf("; did you mean %q?", near)
	}
	return msg + " (commands: " + strings.Join(commandNames(), ", ") + "; cdnmock help describes them)"
}

// closest returns the candidate nearest to word, or "" when none is near:
// the mock's own rule (mock.DidYouMean), so the command and the server
// suggest alike.
func closest(word string, candidates []string) string { return mock.DidYouMean(word, candidates) }

// unknownFlag adds the closest flag of fs to the flag package's "flag
// provided but not defined: -scenaro", and says where the flags are listed.
func unknownFlag(err error, fs *flag.FlagSet, helpCmd string) error {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -")
	if !ok {
		return err
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	msg := err.Error()
	if near := closest(strings.TrimPrefix(name, "-"), names); near != "" {
		msg += fmt.Sprintf("; did you mean --%s?", near)
	}
	return fmt.Errorf("%s (%s lists the flags)", msg, helpCmd)
}
