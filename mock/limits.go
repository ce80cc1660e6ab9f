package mock

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Request limits: what bad input cannot make the server read or keep. A
// form body is read up to Config.MaxBodyBytes (readBody, the one place a
// body is read); a call may carry at most Config.MaxParams parameters, each
// name and value at most Config.MaxParamBytes long. Beyond: 400 in the
// API's envelope. Panics are recover.go's; the two listeners listeners.go's.

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
