// Command import-metadata converts Alibaba Cloud API metadata (api-docs.json)
// into the mock's generated spec, default fixtures and coverage page:
//
//	go run ./cmd/import-metadata -in spec/generated/cdn-2018-05-10-api-docs.json \
//	    -spec spec/generated/cdn-2018-05-10.yaml -fixtures fixtures/generated \
//	    -coverage docs/coverage.md -hand spec/cdn-2018-05-10.yaml
//
// -hand is the hand-written spec: its operations with x-mock-state are the
// ones the coverage page marks stateful, and the operations it defines
// (which replace their generated twins wholesale) get no x-mock-page or
// x-mock-echo.
//
// spec/generated/generate.go runs it through go generate. The output depends
// only on the input file: running it again changes nothing.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/alibaba-cloud-mock/cdnmock/importer"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("import-metadata", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "the API metadata `file` (api-docs.json)")
	specPath := fs.String("spec", "", "where to write the OpenAPI spec (`file`)")
	fixtures := fs.String("fixtures", "", "where to write <Action>/success.json fixtures (`dir`)")
	coverage := fs.String("coverage", "", "where to write the coverage page (`file`)")
	host := fs.String("host-id", "", "x-acs-host-id (default: the product's central endpoint)")
	hand := fs.String("hand", "", "the hand-written spec (`file`): its operations with x-mock-state are marked stateful, and those it defines get no x-mock-page or x-mock-echo")
	verbose := fs.Bool("v", false, "print what the import dropped or normalized")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *in == "" || fs.NArg() > 0 || (*specPath == "" && *fixtures == "" && *coverage == "") {
		fmt.Fprintln(stderr, "usage: import-metadata -in FILE [-spec FILE] [-fixtures DIR] [-coverage FILE] [-hand FILE]")
		return 2
	}
	data, err := os.ReadFile(*in)
	if err != nil {
		fmt.Fprintf(stderr, "import-metadata: %v\n", err)
		return 1
	}
	opts := importer.Options{Source: *in, HostID: *host}
	if *hand != "" {
		handData, err := os.ReadFile(*hand)
		if err != nil {
			fmt.Fprintf(stderr, "import-metadata: %v\n", err)
			return 1
		}
		if opts.Stateful, err = importer.StatefulOps(handData); err != nil {
			fmt.Fprintf(stderr, "import-metadata: %s: %v\n", *hand, err)
			return 1
		}
		if opts.Hand, err = importer.HandOps(handData); err != nil {
			fmt.Fprintf(stderr, "import-metadata: %s: %v\n", *hand, err)
			return 1
		}
	}
	res, err := importer.Convert(data, opts)
	if err != nil {
		fmt.Fprintf(stderr, "import-metadata: %s: %v\n", *in, err)
		return 1
	}
	if err := res.WriteFiles(*specPath, *fixtures, *coverage); err != nil {
		fmt.Fprintf(stderr, "import-metadata: %v\n", err)
		return 1
	}
	if *verbose {
		for _, n := range res.Notes {
			fmt.Fprintln(stderr, "  "+n)
		}
	}
	fmt.Fprintf(stderr, "import-metadata: %d operations, %d notes (see the coverage page)\n", len(res.Operations), len(res.Notes))
	return 0
}
