package main

// Configuration from the environment: every server flag can also be set by
// CDNMOCK_<FLAG> (upper case, dashes as underscores), for containers and CI
// services that take no command-line arguments. A flag given on the command
// line wins over its variable; an empty variable counts as unset.

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

const envPrefix = "CDNMOCK_"

// envName is the variable of a flag: --journal-size is CDNMOCK_JOURNAL_SIZE.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseWithEnv parses args, then sets every flag not given on the command
// line from its variable, if set. It returns the flags taken from the
// environment (flag name → variable), to name the variable in later errors.
// The help of the server flags says where values may come from (envHelp).
func parseWithEnv(fs *flag.FlagSet, args []string, getenv func(string) string) (map[string]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	fromEnv := map[string]string{}
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		v := getenv(name)
		if onCommandLine[f.Name] || v == "" {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Errorf("$%s: invalid value %q: %s", name, v, wantFor(f, err)))
			return
		}
		fromEnv[f.Name] = name
	})
	return fromEnv, errors.Join(errs...)
}

// envHelp ends the help of the server flags (commands.go).
func envHelp() string {
	return fmt.Sprintf("Every flag can also be set by an environment variable: %s and the flag's name\n"+
		"in upper case, dashes as underscores (--addr: $%s, --journal-size:\n"+
		"$%s). An empty variable counts as unset.\n"+
		"A flag on the command line wins over its variable.\n",
		envPrefix, envName("addr"), envName("journal-size"))
}

// flagError is a bad value of one server flag. Printed, it names the flag
// ("--clock: …"), or its variable when the value came from the environment
// ("$CDNMOCK_CLOCK: …", see inEnvTerms), so a bad value is reported where
// it was set.
type flagError struct {
	flag string // the flag's name, without dashes
	err  error
	env  string // the variable the value came from; "" for the command line
}

func flagErrorf(flagName, format string, args ...any) error {
	return &flagError{flag: flagName, err: fmt.Errorf(format, args...)}
}

func (e *flagError) Error() string {
	if e.env != "" {
		return "$" + e.env + ": " + e.err.Error()
	}
	return "--" + e.flag + ": " + e.err.Error()
}

func (e *flagError) Unwrap() error { return e.err }

// inEnvTerms names the variable instead of the flag in err when the flag
// took its value from the environment: a flagError, a mock.Problems whose
// problem is a flag (the mock package reports --scenario so), or a mock
// package error that starts with the flag ("--state FILE: …").
func (o options) inEnvTerms(err error) error {
	if err == nil || len(o.fromEnv) == 0 {
		return err
	}
	switch e := err.(type) {
	case *flagError:
		if env, ok := o.fromEnv[e.flag]; ok {
			named := *e
			named.env = env
			return &named
		}
		return err
	case mock.Problems:
		named := slices.Clone(e)
		for i, p := range named {
			if env, ok := o.fromEnv[strings.TrimPrefix(p.File, "--")]; ok && strings.HasPrefix(p.File, "--") {
				named[i].File = "$" + env
			}
		}
		return named
	}
	msg := err.Error()
	for flagName, env := range o.fromEnv {
		for _, sep := range []string{" ", ":"} {
			if rest, ok := strings.CutPrefix(msg, "--"+flagName+sep); ok {
				return errors.New("$" + env + sep + rest)
			}
		}
	}
	return err
}

// wantFor says what a flag of the flag package's own types takes, for a bad
// value in a variable (the flag package itself says only "parse error").
func wantFor(f *flag.Flag, err error) string {
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case bool:
			return "want true or false"
		case int:
			return "want a whole number"
		case time.Duration:
			return "want a duration such as 90s"
		}
	}
	return err.Error()
}
