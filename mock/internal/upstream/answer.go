package upstream

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
)

// readAnswer reads the RequestId and the error Code of an answer in
// Alibaba's envelope, JSON or XML; json says the body is JSON.
func readAnswer(body []byte) (requestID, code string, isJSON bool) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var b struct {
			RequestID any `json:"RequestId"`
			Code      any `json:"Code"`
		}
		if json.Unmarshal(trimmed, &b) == nil {
			return str(b.RequestID), str(b.Code), true
		}
		return "", "", false
	}
	var x struct {
		RequestID string `xml:"RequestId"`
		Code      string `xml:"Code"`
	}
	if len(trimmed) > 0 && trimmed[0] == '<' && xml.Unmarshal(trimmed, &x) == nil {
		return x.RequestID, x.Code, false
	}
	return "", "", false
}

// looksLikeError tells an error envelope (Code and Message at the top) on
// a 2xx from a success body.
func looksLikeError(body []byte, isJSON bool) bool {
	if !isJSON {
		return bytes.Contains(body, []byte("<Error>"))
	}
	var b map[string]json.RawMessage
	if json.Unmarshal(body, &b) != nil {
		return false
	}
	_, code := b["Code"]
	_, msg := b["Message"]
	return code && msg
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}
