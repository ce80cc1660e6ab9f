package main

// cdnmock verify: the spec against the real service. Every read-only
// operation (x-acs-operation-type read; x-mock-read-only prefixes when an
// operation has none) gets its example
// request, signed with the upstream's access key; each answer is checked
// as proxy mode checks it (mock.Verify).

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

const verifyUsage = `Usage: cdnmock verify --upstream URL [--include-writes] [--action GLOB] [--json]

Calls every read-only operation of the spec (x-acs-operation-type: read, from
Alibaba's metadata) on the real service with its example request, signed
with $ALIBABA_CLOUD_ACCESS_KEY_ID and $ALIBABA_CLOUD_ACCESS_KEY_SECRET (and
$ALIBABA_CLOUD_SECURITY_TOKEN), and checks each answer against the spec: the
status documented for its code, the code documented, a success body valid
against the response schema. It prints one line per operation and a summary.
This calls the real service with real credentials: it may cost money.

Exit status: 0 nothing drifted, 1 drift, 2 a usage or connection error.

Flags:
`

// exitDrift is verify's exit status when an answer drifted.
const exitDrift = 1

func runVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cdnmock verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		upstreamURL, action, specFile string
		includeWrites, asJSON         bool
	)
	fs.StringVar(&upstreamURL, "upstream", "", "the real service's `URL`, e.g. https://cdn.aliyuncs.com (default: $"+envName("upstream")+")")
	fs.BoolVar(&includeWrites, "include-writes", false, "also call the operations that create, change or delete (they will)")
	fs.StringVar(&action, "action", "", "only the Actions matching this `glob` (* and ?)")
	fs.BoolVar(&asJSON, "json", false, "print the results as JSON")
	fs.StringVar(&specFile, "spec", "", "check this OpenAPI spec `file` instead of the embedded one")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, verifyUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		fmt.Fprintln(stderr, "cdnmock verify:", unknownFlag(err, fs, "cdnmock verify --help"))
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cdnmock verify: unexpected argument %q (cdnmock verify --help)\n", fs.Arg(0))
		return exitUsage
	}
	if upstreamURL == "" {
		upstreamURL = os.Getenv(envName("upstream"))
	}
	if upstreamURL == "" {
		fmt.Fprintln(stderr, "cdnmock verify: --upstream URL is required (cdnmock verify --help)")
		return exitUsage
	}
	opts := mock.VerifyOptions{Upstream: mock.UpstreamConfig{URL: upstreamURL}, IncludeWrites: includeWrites, Action: action}
	if err := mock.UpstreamCredentialsFromEnv(&opts.Upstream, os.Getenv); err != nil {
		fmt.Fprintln(stderr, "cdnmock verify:", err)
		return exitUsage
	}
	var cfg mock.Config
	if specFile != "" {
		data, err := os.ReadFile(specFile)
		if err != nil {
			fmt.Fprintln(stderr, "cdnmock verify: --spec:", err)
			return exitUsage
		}
		cfg.Spec, cfg.SpecFile = data, specFile
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	results, err := mock.Verify(ctx, cfg, opts)
	if err != nil {
		fmt.Fprintln(stderr, "cdnmock verify:", err)
		return exitUsage
	}
	return reportVerify(results, asJSON, stdout, stderr)
}

// reportVerify prints the results and returns the exit status.
func reportVerify(results []mock.VerifyResult, asJSON bool, stdout, stderr io.Writer) int {
	conform, drifted, failed := 0, 0, 0
	for _, r := range results {
		switch {
		case r.Error != "":
			failed++
		case len(r.Findings) > 0:
			drifted++
		default:
			conform++
		}
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(struct {
			Results  []mock.VerifyResult `json:"results"`
			Conform  int                 `json:"conform"`
			Drift    int                 `json:"drift"`
			Failures int                 `json:"failures"`
		}{results, conform, drifted, failed})
	} else {
		for _, r := range results {
			switch {
			case r.Error != "":
				fmt.Fprintf(stdout, "%-45s error    %s\n", r.Action, r.Error)
			case len(r.Findings) == 0:
				fmt.Fprintf(stdout, "%-45s conforms %d %s\n", r.Action, r.Status, r.Code)
			default:
				why := make([]string, len(r.Findings))
				for i, f := range r.Findings {
					why[i] = f.Kind + " " + f.Field + ": " + f.Reason
				}
				fmt.Fprintf(stdout, "%-45s drift    %d %s (RequestId %s): %s\n", r.Action, r.Status, r.Code, r.RequestID, strings.Join(why, "; "))
			}
		}
		fmt.Fprintf(stdout, "%d operations: %d conform, %d drift, %d could not be checked\n", len(results), conform, drifted, failed)
	}
	switch {
	case failed > 0:
		fmt.Fprintf(stderr, "cdnmock verify: %d exchanges failed\n", failed)
		return exitUsage
	case drifted > 0:
		return exitDrift
	}
	return exitOK
}
