package adminapi

import "time"

// RequestsPage is the body of GET /_mock/requests.
type RequestsPage struct {
	Requests []*Entry `json:"requests"`
}

// Entry is one API request as the journal shows it.
type Entry struct {
	Seq         uint64            `json:"seq"`
	Time        time.Time         `json:"time"` // the server's clock
	RequestID   string            `json:"requestId"`
	Method      string            `json:"method"`
	Action      string            `json:"action"`
	AccessKeyID string            `json:"accessKeyId"`
	Params      map[string]string `json:"params"` // decoded, first value of each; secrets removed
	// ParamsTruncated says Params is not all the call sent: a value was cut
	// (it ends in the truncation marker) or parameters were left out.
	ParamsTruncated bool `json:"paramsTruncated,omitempty"`
	// ParamsOmitted is how many parameters were left out whole.
	ParamsOmitted int    `json:"paramsOmitted,omitempty"`
	Scenario      string `json:"scenario"`
	ChosenBy      string `json:"chosenBy,omitempty"` // header, binding, active or default
	// Warning says the scenario had no outcome for the call, which was
	// answered as default; the X-Mock-Warning header carries the same.
	Warning    string      `json:"warning,omitempty"`
	Code       string      `json:"code"`   // "" for success, the error code, or fault:<name>
	Status     int         `json:"status"` // 0 when no HTTP answer was sent
	Latency    Duration    `json:"latency"`
	Violations []Violation `json:"violations,omitempty"`
	Upstream   *Upstream   `json:"upstream,omitempty"` // a forwarded call (proxy mode)
	Replay     *Replay     `json:"replay,omitempty"`   // with --replay: replayed, or why not
	Drift      []Drift     `json:"drift,omitempty"`    // how the upstream's answer drifted
}

// Violation is one way a request broke the spec.
type Violation struct {
	Parameter string `json:"parameter"`
	Reason    string `json:"reason"`
}
