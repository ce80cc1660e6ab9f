// Command baseline is the ceiling bench/run.sh compares cdnmock with, the
// bare net/http server issue 17's targets speak of: a plain
// http.HandlerFunc that answers every GET or POST with the same bytes and
// headers as a real CreateUserUsageDataExportTask success, and does no
// work (no router: cdnmock's echo routing counts as the mock's cost).
// Whatever cdnmock costs above it is the mock's own.
//
//	baseline --addr 127.0.0.1:PORT [--body FILE] [--header "Name: value"]...
//
// Without --body and --header it answers a copy of a real answer; run.sh
// passes the answer it just captured from cdnmock, so the two never drift.
// Built with -tags designlibs it also links the libraries cdnmock's design
// fixes (designlibs.go), to time the least a start linking them takes.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/internal/httpserver"
)

// A real answer of cdnmock at --clock 2026-11-25T12:00:00Z (Date and
// Content-Length are added by net/http, as for cdnmock).
const defaultBody = `{"EndTime":"2026-11-02T00:00:00Z","StartTime":"2026-11-01T00:00:00Z",` +
	`"RequestId":"C9D84477-C981-4E6E-A61C-A2CF6F64AFDE","TaskId":"100001"}`

var defaultHeaders = []string{
	"Content-Type: application/json;charset=utf-8",
	"X-Acs-Request-Id: C9D84477-C981-4E6E-A61C-A2CF6F64AFDE",
	"X-Mock-Scenario: default",
}

// headerFlags collects repeated --header flags.
type headerFlags []string

func (h *headerFlags) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlags) Set(v string) error { *h = append(*h, v); return nil }

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	bodyFile := flag.String("body", "", "`file` holding the body to answer (default: a built-in success answer)")
	var headers headerFlags
	flag.Var(&headers, "header", "a `Name: value` header to answer, repeatable (default: the built-in answer's)")
	flag.Parse()

	body := []byte(defaultBody)
	if *bodyFile != "" {
		b, err := os.ReadFile(*bodyFile)
		if err != nil {
			fail(err)
		}
		body = b
	}
	if len(headers) == 0 {
		headers = defaultHeaders
	}
	h := http.Header{}
	for _, line := range headers {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			fail(fmt.Errorf("--header %q: want Name: value", line))
		}
		h.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}

	// A handler that only copies the prepared headers and writes the
	// prepared body; like cdnmock, it refuses other methods.
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		out := w.Header()
		for k, v := range h {
			out[k] = v
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fail(err)
	}
	hs := httpserver.New(handler, nil) // cdnmock's timeouts and header limit
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Fprintf(os.Stderr, "baseline: serving on http://%s\n", ln.Addr())
	select {
	case err := <-errc:
		fail(err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutdown)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "baseline:", err)
	os.Exit(1)
}
