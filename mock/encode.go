package mock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
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
	HeaderRequestID = "x-acs-request-id"

	contentTypeJSON = "application/json;charset=utf-8"
	contentTypeXML  = "text/xml;charset=utf-8"
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

	isJSON := x.call.Format == formatJSON
	status := http.StatusOK
	if x.err == nil {
		data := fixture.NewData(x.requestID, x.op.Name, x.call.AccessKeyID, s.cfg.Clock.Now(),
			x.op.WithDefaults(x.call.Params), x.tasks, s.nextTaskID)
		if err := x.fixture.Render(buf, data, isJSON); err != nil {
			buf.Reset()
			x.err = errRender(x.op.Name, err)
		}
	}
	if x.err != nil {
		status = x.err.Status
		writeErrorBody(buf, sp, x.requestID, x.err, isJSON)
	}

	// Headers are assigned under their canonical keys, with shared value
	// slices where the value is fixed: Set would allocate for each.
	h := c.Response().Header()
	if isJSON {
		h["Content-Type"] = jsonContentType
	} else {
		h["Content-Type"] = xmlContentType
	}
	h["X-Acs-Request-Id"] = []string{x.requestID}
	if x.scenario != "" {
		h["X-Mock-Scenario"] = []string{x.scenario}
	}
	c.Response().WriteHeader(status)
	_, _ = c.Response().Write(buf.Bytes())
	return status
}

func (s *Server) nextTaskID() string {
	return strconv.FormatUint(s.taskSeq.Add(1), 10)
}

// errorBody is Alibaba's error envelope; every field is a string, as the old
// Go SDK asserts.
type errorBody struct {
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Recommend string `json:"Recommend"`
}

func writeErrorBody(buf *bytes.Buffer, sp *Spec, requestID string, e *apiError, isJSON bool) {
	b := errorBody{
		RequestID: requestID,
		HostID:    sp.HostID,
		Code:      e.Code,
		Message:   e.Message,
		Recommend: "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.Code) +
			"&product=" + url.QueryEscape(sp.Product) + "&requestId=" + url.QueryEscape(requestID),
	}
	if isJSON {
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(b)
		buf.Truncate(buf.Len() - 1) // Encode's newline
		return
	}
	buf.WriteString(fixture.XMLHeader)
	buf.WriteString("<Error><RequestId>" + fixture.XMLText(b.RequestID) + "</RequestId><HostId>" + fixture.XMLText(b.HostID) +
		"</HostId><Code>" + fixture.XMLText(b.Code) + "</Code><Message>" + fixture.XMLText(b.Message) +
		"</Message><Recommend><![CDATA[" + strings.ReplaceAll(b.Recommend, "]]>", "]]]]><![CDATA[>") +
		"]]></Recommend></Error>")
}
