package main

// Serving safely: the admin API on a listener of its own (--admin-addr),
// and a warning when it is reachable from other hosts without a token. The
// servers' timeouts and limits are package httpserver's.

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/internal/httpserver"
)

// adminTokenEnv holds the admin token when --admin-token is not given (the
// server) and the token the client commands send (scenario, requests). An
// environment variable keeps the token out of process listings.
const adminTokenEnv = "CDNMOCK_ADMIN_TOKEN"

// halves is what listenAdmin splits: a *mock.Server, or a test's handlers.
type halves interface {
	APIHandler() http.Handler
	AdminHandler() http.Handler
}

// listenAdmin starts listening for the admin API on --admin-addr, if set;
// the API's server then serves the API only. It returns nil, nil without
// --admin-addr.
func listenAdmin(opts options, srv halves, api *http.Server) (*http.Server, net.Listener, error) {
	if opts.adminAddr == "" {
		return nil, nil, nil
	}
	ln, err := net.Listen("tcp", opts.adminAddr)
	if err != nil {
		return nil, nil, &flagError{flag: "admin-addr", err: err}
	}
	api.Handler = srv.APIHandler()
	return httpserver.New(srv.AdminHandler(), api.ErrorLog), ln, nil
}

// warnExposed warns when the admin API listens beyond loopback without a
// token: anyone who can reach it can change every answer.
func warnExposed(stderr io.Writer, admin net.Addr, token string) {
	if token != "" || isLoopback(admin) {
		return
	}
	fmt.Fprintf(stderr, "cdnmock: WARNING: the admin API on %s is reachable from other hosts and has no token: anyone who can reach it can change what the mock answers. Set --admin-token (or $%s), or listen on 127.0.0.1.\n",
		admin, adminTokenEnv)
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// adminNote is how the startup line describes access to the admin API.
func adminNote(token string) string {
	if token == "" {
		return ""
	}
	return ", Bearer token required; console: /_mock/ui#token=<token>"
}

func checkAdminToken(token string) error {
	if strings.ContainsAny(token, " \t\r\n\v\f") {
		return flagErrorf("admin-token", "the token must not contain white space")
	}
	return nil
}
