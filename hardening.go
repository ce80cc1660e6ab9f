package main

// Serving safely: the HTTP servers' timeouts and limits, the admin API on a
// listener of its own (--admin-addr), and a warning when the admin API is
// reachable from other hosts without a token.

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"time"
)

// adminTokenEnv holds the admin token when --admin-token is not given (the
// server) and the token the client commands send (scenario, requests). An
// environment variable keeps the token out of process listings.
const adminTokenEnv = "CDNMOCK_ADMIN_TOKEN"

// Limits of every listener. The write timeout bounds how long an answer may
// take: delays are at most mock.MaxDelay, well inside it, and the server
// releases a request held by fault:hang when it passes (mock.Config.MaxHold),
// dropping its connection.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 5 * time.Minute
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
)

// newHTTPServer is an http.Server with the mock's timeouts and header
// limit, logging its own errors to errorLog (nil: the log package's).
func newHTTPServer(h http.Handler, errorLog *log.Logger) *http.Server {
	return &http.Server{
		ErrorLog:          errorLog,
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}

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
	return newHTTPServer(srv.AdminHandler(), api.ErrorLog), ln, nil
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
