package wire

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/escape"
)

// errorBody is Alibaba's error envelope; every field is a string, as the old
// Go SDK asserts.
type errorBody struct {
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Recommend string `json:"Recommend"`
}

// WriteError writes e in Alibaba's error envelope, as JSON or XML, with
// the request's id, the spec's HostId and a Recommend link as the gateway
// gives it.
func WriteError(buf *bytes.Buffer, sp *contract.Spec, requestID string, e *contract.APIError, isJSON bool) {
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
	buf.WriteString(escape.XMLHeader)
	buf.WriteString("<Error><RequestId>" + escape.XMLText(b.RequestID) + "</RequestId><HostId>" + escape.XMLText(b.HostID) +
		"</HostId><Code>" + escape.XMLText(b.Code) + "</Code><Message>" + escape.XMLText(b.Message) +
		"</Message><Recommend><![CDATA[" + strings.ReplaceAll(b.Recommend, "]]>", "]]]]><![CDATA[>") +
		"]]></Recommend></Error>")
}
