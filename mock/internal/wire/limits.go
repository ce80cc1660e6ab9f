package wire

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// Request limits: what bad input cannot make the server read or keep. A
// form body is read up to Config.MaxBodyBytes (ReadBody, the one place a
// body is read); a call may carry at most Config.MaxParams parameters, each
// name and value at most Config.MaxParamBytes long (CheckLimits). Beyond:
// 400 in the API's envelope.

// Defaults of the parameter limits.
const (
	defaultMaxParams     = 500
	defaultMaxParamBytes = 64 << 10
)

// CheckLimits holds a decoded call to the parameter limits: at most
// maxParams parameters, each name and value at most maxParamBytes long
// (0: the defaults).
func CheckLimits(call *Call, maxParams, maxParamBytes int) *contract.APIError {
	if maxParams <= 0 {
		maxParams = defaultMaxParams
	}
	if maxParamBytes <= 0 {
		maxParamBytes = defaultMaxParamBytes
	}
	n, maxLen := 0, maxParamBytes
	for k, vs := range call.Params {
		n += len(vs)
		if len(k) > maxLen {
			return &contract.APIError{Status: http.StatusBadRequest, Code: "Mock.ParameterTooLong",
				Message: fmt.Sprintf("A parameter name is %d bytes long (it starts %q); the mock accepts at most %d bytes.", len(k), truncate(k, 32), maxLen)}
		}
		for _, v := range vs {
			if len(v) > maxLen {
				return &contract.APIError{Status: http.StatusBadRequest, Code: "Mock.ParameterTooLong",
					Message: fmt.Sprintf("The value of parameter %q is %d bytes long; the mock accepts at most %d bytes.", truncate(k, 64), len(v), maxLen)}
			}
		}
	}
	if max := maxParams; n > max {
		return &contract.APIError{Status: http.StatusBadRequest, Code: "Mock.TooManyParameters",
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

// ReadBody reads an API request's body, at most limit bytes: a larger one
// is a 413 Mock.RequestTooLarge, a failed read a 400. Every API body is read
// here, through Call.WholeBody.
func ReadBody(body io.ReadCloser, limit int64) ([]byte, *contract.APIError) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, &contract.APIError{Status: http.StatusRequestEntityTooLarge, Code: "Mock.RequestTooLarge",
			Message: fmt.Sprintf("The request body is larger than the mock's limit of %d bytes.", limit)}
	case err != nil:
		return nil, errBadRequest("reading the request body failed: " + err.Error())
	}
	return b, nil
}

// WholeBody returns the request's body, read once through ReadBody: by
// Decode for a form body, else by the first step that needs it (the ACS3
// payload hash; holding a request, as net/http notices a client leaving
// only once the body was read to its end). Later calls return the same
// bytes, or the same error.
func (c *Call) WholeBody(r *http.Request, limit int64) ([]byte, *contract.APIError) {
	if !c.bodyRead {
		c.bodyRead = true
		if r.Body != nil && r.Body != http.NoBody {
			c.Body, c.bodyErr = ReadBody(r.Body, limit)
		}
	}
	return c.Body, c.bodyErr
}

// errBadRequest is the mock's own 400 for a request it cannot read.
func errBadRequest(msg string) *contract.APIError {
	return &contract.APIError{Status: http.StatusBadRequest, Code: "Mock.BadRequest", Message: msg}
}
