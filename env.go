package main

// Configuration from the environment: every server flag can also be set by
// CDNMOCK_<FLAG> (upper case, dashes as underscores), for containers and CI
// services that take no command-line arguments. A flag given on the command
// line wins over its variable; an empty variable counts as unset.

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

const envPrefix = "CDNMOCK_"

// envName is the variable of a flag: --journal-size is CDNMOCK_JOURNAL_SIZE.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseWithEnv parses args, then sets every flag not given on the command
// line from its variable, if set. It returns the flags taken from the
// environment (flag name → variable), to name the variable in later errors.
// fs.Usage says where values may come from.
func parseWithEnv(fs *flag.FlagSet, args []string, getenv func(string) string) (map[string]string, error) {
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage of %s:\n", fs.Name())
		fs.PrintDefaults()
		fmt.Fprintf(out, "\nEvery flag can also be set by an environment variable: %s and the flag's name\n"+
			"in upper case, dashes as underscores (--addr: $%s, --journal-size:\n"+
			"$%s). An empty variable counts as unset.\n"+
			"A flag on the command line wins over its variable.\n",
			envPrefix, envName("addr"), envName("journal-size"))
	}
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
			errs = append(errs, fmt.Errorf("$%s: invalid value %q: %v", name, v, err))
			return
		}
		fromEnv[f.Name] = name
	})
	return fromEnv, errors.Join(errs...)
}

// inEnvTerms rewrites the flags in err's message that took their value from
// the environment as their variables: "--clock: …" becomes "$CDNMOCK_CLOCK: …",
// so a bad value is reported where it was set.
func (o options) inEnvTerms(err error) error {
	if err == nil || len(o.fromEnv) == 0 {
		return err
	}
	msg := err.Error()
	for _, flagName := range slices.Sorted(maps.Keys(o.fromEnv)) {
		re := regexp.MustCompile(`--` + regexp.QuoteMeta(flagName) + `\b([^-]|$)`)
		msg = re.ReplaceAllString(msg, "$$"+o.fromEnv[flagName]+"${1}")
	}
	return errors.New(msg)
}
