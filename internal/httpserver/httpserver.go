// Package httpserver makes the http.Server of every cdnmock listener, with
// its timeouts and header limit. bench/baseline, the bare server the
// benchmarks compare cdnmock with, makes its server here too: the two then
// differ by their handlers only.
package httpserver

import (
	"log"
	"net/http"
	"time"
)

// Limits of every listener. The write timeout bounds how long an answer may
// take: delays are at most mock.MaxDelay, well inside it, and the server
// releases a request held by fault:hang when it passes (mock.Config.MaxHold),
// dropping its connection.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 5 * time.Minute
	IdleTimeout       = 2 * time.Minute
	MaxHeaderBytes    = 64 << 10
)

// New is an http.Server serving h with the limits above, logging its own
// errors to errorLog (nil: the log package's).
func New(h http.Handler, errorLog *log.Logger) *http.Server {
	return &http.Server{
		ErrorLog:          errorLog,
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}
