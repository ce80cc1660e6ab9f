package mock

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/labstack/echo/v4"
)

// Panic recovery: a panic in any handler, fixture or template becomes a 500
// InternalError (the API's envelope on the API, JSON on /_mock/) and is
// logged with its stack; it never drops the connection. Deliberate aborts
// (http.ErrAbortHandler, the connection faults) pass through.

// internalError is the spec's InternalError (500), the one answer of every
// panic and unexpected failure (recoverAPI, handleError).
func internalError(sp *Spec) *apiError {
	if d, ok := sp.Common["InternalError"]; ok {
		return &apiError{Status: d.Status, Code: d.Code, Message: d.Message}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "InternalError",
		Message: "The request processing has failed due to some unknown error, exception or failure."}
}

// recoverAPI, deferred in handleAPI after the journal's own defer, turns a
// panic anywhere in the API pipeline (decoding, scenarios, task hooks,
// fixtures, templates) into a 500 InternalError in the call's format, so
// the exchange is answered and journaled like any other. Deliberate aborts
// go on.
func (s *Server) recoverAPI(c echo.Context, sp *Spec, x *exchange, status *int) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler { //nolint:errorlint // the sentinel itself is what net/http compares
		panic(v)
	}
	s.logPanic(c.Request(), v)
	if c.Response().Committed {
		*status = c.Response().Status
		return
	}
	// A panic while decoding leaves the call's Format unset: the answer is
	// XML then, as for any call that asks no JSON (write).
	x.err, x.fixture = internalError(sp), nil
	x.outcome.Fault = ""
	*status = s.write(c, sp, x)
}

// recoverPanics is the safety net of every route (the admin API, echo's
// own error handling): a panic becomes a 500 through handleError, in the
// API's envelope or as admin JSON.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // the sentinel itself
				panic(v)
			}
			s.logPanic(c.Request(), v)
			err = echo.NewHTTPError(http.StatusInternalServerError)
		}()
		return next(c)
	}
}

// logPanic logs a recovered panic with its stack. Only the method and path
// are logged: the query may hold a Signature.
func (s *Server) logPanic(r *http.Request, v any) {
	s.cfg.Logger.Error("panic", slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
}
