package mock

import (
	"bytes"
	"maps"
	"net/http"
)

// The admin checks' writer (adminapi_test.go): it holds an admin answer
// until the exchange is checked, but streams a download to the client, as
// the server would.

// bufferedWriter keeps a handler's answer, to be checked before it is
// sent; or, with out, as it is sent to out.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
	out    http.ResponseWriter
}

func (bw *bufferedWriter) Header() http.Header { return bw.header }

func (bw *bufferedWriter) WriteHeader(code int) {
	if bw.status == 0 && code >= 200 {
		bw.status = code
		if bw.out != nil {
			maps.Copy(bw.out.Header(), bw.header)
			bw.out.WriteHeader(code)
		}
	}
}

func (bw *bufferedWriter) Write(b []byte) (int, error) {
	if bw.status == 0 {
		bw.WriteHeader(http.StatusOK)
	}
	bw.body.Write(b)
	if bw.out != nil {
		return bw.out.Write(b)
	}
	return len(b), nil
}

// Unwrap gives http.ResponseController the client's writer when the
// answer streams to it (a download's write deadlines).
func (bw *bufferedWriter) Unwrap() http.ResponseWriter { return bw.out }
