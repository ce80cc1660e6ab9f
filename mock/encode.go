package mock

import (
	"bytes"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// Headers the mock reads and writes.
const (
	// HeaderScenario on a request chooses the scenario for that request; on a
	// response it names the scenario that answered.
	HeaderScenario = "X-Mock-Scenario"
	// HeaderDelay on a request adds a wait before the answer: "250ms" or
	// a range, "100ms-400ms".
	HeaderDelay = "X-Mock-Delay"
	// HeaderRequestID carries the RequestId of every answer, as Alibaba does.
	HeaderRequestID = wire.HeaderRequestID
	// HeaderWarning on a response says the chosen scenario had no outcome
	// for the call, which was answered as the default scenario answers.
	HeaderWarning = "X-Mock-Warning"

	contentTypeJSON = wire.ContentTypeJSON
	contentTypeXML  = wire.ContentTypeXML
)

var (
	jsonContentType = []string{contentTypeJSON}
	xmlContentType  = []string{contentTypeXML}
)

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// write sends the exchange's answer, success or error, in the call's format,
// and returns the HTTP status sent.
func (s *Server) write(c echo.Context, sp *Spec, x *exchange) int {
	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bodyPool.Put(buf)

	isJSON := x.call.Format == wire.FormatJSON
	status := http.StatusOK
	if x.err == nil {
		data := fixture.NewData(x.requestID, x.op.Name, x.call.AccessKeyID, s.cfg.Clock.Now(),
			x.call.Params, x.tasks, s.newTaskID)
		if err := x.fixture.Render(buf, data, isJSON); err != nil {
			buf.Reset()
			x.err = errRender(x.op.Name, err)
		}
		data.Release()
	}
	if x.err != nil {
		status = x.err.Status
		wire.WriteError(buf, sp, x.requestID, x.err, isJSON)
	}

	// Headers are assigned under their canonical keys, with shared value
	// slices where the value is fixed: Set would allocate for each.
	h := c.Response().Header()
	if isJSON {
		h["Content-Type"] = jsonContentType
	} else {
		h["Content-Type"] = xmlContentType
	}
	vals := [2]string{x.requestID, x.scenario}
	hv := vals[:] // one allocation for both values
	h["X-Acs-Request-Id"] = hv[0:1:1]
	if x.scenario != "" {
		h["X-Mock-Scenario"] = hv[1:2:2]
	}
	if x.warning != "" {
		h["X-Mock-Warning"] = []string{x.warning}
	}
	s.answered(x, status) // after Render: record takes the defaults out of the call's parameters
	c.Response().WriteHeader(status)
	_, _ = c.Response().Write(buf.Bytes())
	return status
}
