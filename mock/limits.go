package mock

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/labstack/echo/v4"
)

// Limits and hardening: what bad input cannot do to the server.
//
//   - A form body is read up to Config.MaxBodyBytes (envelope.go); a call
//     may carry at most Config.MaxParams parameters, each name and value at
//     most Config.MaxParamBytes long. Beyond: 400 in the API's envelope.
//   - A panic in any handler, fixture or template becomes a 500
//     InternalError (the API's envelope on the API, JSON on /_mock/) and is
//     logged with its stack; it never drops the connection. Deliberate
//     aborts (http.ErrAbortHandler, the connection faults) pass through.
//   - APIHandler and AdminHandler split the server for two listeners
//     (--admin-addr); ServeHTTP serves both.

// Defaults of the parameter limits.
const (
	defaultMaxParams     = 500
	defaultMaxParamBytes = 64 << 10
)

func (s *Server) maxParams() int {
	if s.cfg.MaxParams > 0 {
		return s.cfg.MaxParams
	}
	return defaultMaxParams
}

func (s *Server) maxParamBytes() int {
	if s.cfg.MaxParamBytes > 0 {
		return s.cfg.MaxParamBytes
	}
	return defaultMaxParamBytes
}

// checkLimits holds a decoded call to the parameter limits.
func (s *Server) checkLimits(call *Call) *apiError {
	n, maxLen := 0, s.maxParamBytes()
	for k, vs := range call.Params {
		n += len(vs)
		if len(k) > maxLen {
			return &apiError{Status: http.StatusBadRequest, Code: "Mock.ParameterTooLong",
				Message: fmt.Sprintf("A parameter name is %d bytes long (it starts %q); the mock accepts at most %d bytes.", len(k), truncate(k, 32), maxLen)}
		}
		for _, v := range vs {
			if len(v) > maxLen {
				return &apiError{Status: http.StatusBadRequest, Code: "Mock.ParameterTooLong",
					Message: fmt.Sprintf("The value of parameter %q is %d bytes long; the mock accepts at most %d bytes.", truncate(k, 64), len(v), maxLen)}
			}
		}
	}
	if max := s.maxParams(); n > max {
		return &apiError{Status: http.StatusBadRequest, Code: "Mock.TooManyParameters",
			Message: fmt.Sprintf("The request has %d parameters (query and form body together); the mock accepts at most %d.", n, max)}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// readBody reads an API request's body, at most limit bytes: a larger one
// is a 413 Mock.RequestTooLarge, a failed read a 400. Every API body is read
// here (decodeCall, callBody).
func readBody(body io.ReadCloser, limit int64) ([]byte, *apiError) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "Mock.RequestTooLarge",
			Message: fmt.Sprintf("The request body is larger than the mock's limit of %d bytes.", limit)}
	case err != nil:
		return nil, errBadRequest("reading the request body failed: " + err.Error())
	}
	return b, nil
}

// --- panics ---

// internalError is the spec's InternalError (500), the one answer of every
// panic and unexpected failure (recoverAPI, handleError).
func internalError(sp *Spec) *apiError {
	if d, ok := sp.common["InternalError"]; ok {
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
	if x.call == nil {
		x.call = &Call{Method: c.Request().Method, Format: formatXML}
	}
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

// --- two listeners ---

// APIHandler serves the API only (and export downloads, whose URLs the API
// hands out on its own address): for --admin-addr, where the admin API has
// a listener of its own. /_mock/ answers 404 here.
func (s *Server) APIHandler() http.Handler {
	return hooked(listenerAPI, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAdminPath(r.URL.Path) && !strings.HasPrefix(r.URL.Path, downloadPath("")) {
			writeAdminJSON(w, http.StatusNotFound, adminError{Code: "Mock.NotFound",
				Message: "the admin API is not served on this address (it has its own, --admin-addr)"})
			return
		}
		s.echo.ServeHTTP(w, r)
	}))
}

// AdminHandler serves the admin API only, under /_mock/.
func (s *Server) AdminHandler() http.Handler {
	return hooked(listenerAdmin, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isAdminPath(r.URL.Path) {
			writeAdminJSON(w, http.StatusNotFound, adminError{Code: "Mock.NotFound",
				Message: "this address serves the admin API only, under " + AdminPrefix + "/; the API has its own address"})
			return
		}
		s.echo.ServeHTTP(w, r)
	}))
}

func writeAdminJSON(w http.ResponseWriter, status int, e adminError) {
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "{\"code\":%s,\"message\":%s}\n", jsonQuote(e.Code), jsonQuote(e.Message))
}
