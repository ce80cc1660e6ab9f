package adminapi

import "time"

// Prefix is where the admin API lives; it can never clash with the API,
// which is served on "/" only.
const Prefix = "/_mock"

// Error is the body of every admin API error.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Health is the body of GET /_mock/health.
type Health struct {
	Status string `json:"status"` // "ok"
}

// HealthOK is the status of a server that answers.
const HealthOK = "ok"

// ScenarioInfo describes one scenario in GET /_mock/scenarios.
type ScenarioInfo struct {
	Name        string                `json:"name"`
	Source      string                `json:"source"`
	Description string                `json:"description"`
	Throttle    bool                  `json:"throttle"`
	Operations  map[string][]StepInfo `json:"operations,omitempty"`
}

// StepInfo describes one outcome an operation answers in a scenario.
type StepInfo struct {
	Fixture  string            `json:"fixture,omitempty"`
	Validate bool              `json:"validate,omitempty"`
	Error    string            `json:"error,omitempty"`
	Status   int               `json:"status,omitempty"`
	Message  string            `json:"message,omitempty"`
	Fault    string            `json:"fault,omitempty"`
	Delay    string            `json:"delay,omitempty"`
	Times    int               `json:"times,omitempty"`
	When     map[string]string `json:"when,omitempty"`
	Task     string            `json:"task,omitempty"` // how created tasks end: failed
}

// ScenarioState is the body of GET /_mock/scenarios and of the changes.
type ScenarioState struct {
	Active      string            `json:"active"`
	Bindings    map[string]string `json:"bindings"`
	Scenarios   []ScenarioInfo    `json:"scenarios,omitempty"`
	ReloadError string            `json:"reloadError,omitempty"`
}

// ScenarioChange is the body of PUT /_mock/scenario.
type ScenarioChange struct {
	Scenario    string `json:"scenario"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
}

// ViolationsPage is the body of GET /_mock/violations.
type ViolationsPage struct {
	Total      int               `json:"total"` // violating requests since the last clear
	Violations []ViolationRecord `json:"violations"`
}

// ViolationRecord is one way one request broke the spec.
type ViolationRecord struct {
	Seq         uint64    `json:"seq"`
	Time        time.Time `json:"time"`
	RequestID   string    `json:"requestId"`
	Action      string    `json:"action"`
	AccessKeyID string    `json:"accessKeyId"`
	Parameter   string    `json:"parameter"`
	Reason      string    `json:"reason"`
	// Kind is request (the request broke the spec), response (the
	// upstream's answer breaks it) or validation (the mock would have
	// answered the request otherwise than the upstream).
	Kind              string `json:"kind"`
	UpstreamRequestID string `json:"upstreamRequestId,omitempty"`
}

// Duration marshals as a Go duration string ("1.2ms").
type Duration time.Duration

// MarshalText writes the duration as time.Duration prints it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads what MarshalText wrote.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = Duration(v)
	return err
}

// ClockState is the body of GET and POST /_mock/clock.
type ClockState struct {
	Now    time.Time `json:"now"`
	Pinned bool      `json:"pinned"`
}

// ClockChange is the body of POST /_mock/clock: one of its fields.
type ClockChange struct {
	Advance string `json:"advance,omitempty"` // a Go duration, e.g. 2m or 90s
	Set     string `json:"set,omitempty"`     // an RFC 3339 time; pins the clock
}

// TasksPage is the body of GET /_mock/tasks.
type TasksPage struct {
	Now      time.Time      `json:"now"`
	Accounts []AccountTasks `json:"accounts"` // by access key id
}

// AccountTasks are one account's tasks, newest first.
type AccountTasks struct {
	AccessKeyID string     `json:"accessKeyId"`
	Tasks       []TaskInfo `json:"tasks"`
}

// TaskInfo is a task as the admin API shows it.
type TaskInfo struct {
	TaskID      string            `json:"taskId"`
	Family      string            `json:"family"` // x-mock-state tasks: usage, detail
	Report      string            `json:"report"` // pdf, xlsx
	TaskName    string            `json:"taskName"`
	Status      string            `json:"status"`
	Outcome     string            `json:"outcome"` // how it ends: success or failed
	CreateTime  time.Time         `json:"createTime"`
	ReadyTime   time.Time         `json:"readyTime"`  // when it leaves created
	UpdateTime  time.Time         `json:"updateTime"` // CreateTime, then ReadyTime once it finished
	StartTime   string            `json:"startTime"`
	EndTime     string            `json:"endTime"`
	Params      map[string]string `json:"params"`
	Listed      bool              `json:"listed"`                // false once older than three months
	DownloadURL string            `json:"downloadUrl,omitempty"` // as the API shows it: once it succeeded
	FileURL     string            `json:"fileUrl"`               // where its file is served once it succeeded
}

// ResourcesPage is the body of GET /_mock/resources: the items of the
// spec's resources (x-mock-resources), as the API shows them now.
type ResourcesPage struct {
	Now       time.Time          `json:"now"`
	Resources []string           `json:"resources"`      // the spec's resources, sorted
	Accounts  []AccountResources `json:"accounts"`       // by access key id, at most 100 a page
	Total     int                `json:"total"`          // items the server keeps, every account and resource
	Limit     int                `json:"limit"`          // items the server keeps at most per resource
	Shown     int                `json:"shown"`          // newest items shown per account and resource (?limit=)
	Next      string             `json:"next,omitempty"` // more accounts: ask again with ?after= this
}

// AccountResources are one account's items, per resource: how many, and
// the newest first.
type AccountResources struct {
	AccessKeyID string                      `json:"accessKeyId"`
	Counts      map[string]int              `json:"counts"` // resource → items the account holds
	Items       map[string][]map[string]any `json:"items"`  // resource → its newest items
}

// ResourcesReset is the body of DELETE /_mock/resources.
type ResourcesReset struct {
	Deleted int `json:"deleted"` // how many items were forgotten
}

// Upstream is what the real service answered a forwarded call.
type Upstream struct {
	Status      int    `json:"status"`                // 0 when no answer came
	Code        string `json:"code"`                  // the error code; "" for a success, Mock.Upstream* when the exchange failed
	RequestID   string `json:"requestId,omitempty"`   // the upstream's RequestId
	Recording   string `json:"recording,omitempty"`   // the file --record wrote
	RecordError string `json:"recordError,omitempty"` // why nothing was written
}

// Replay says whether a call was answered from a --replay recording and,
// when it was not, which recording came closest and what differed.
type Replay struct {
	Replayed  bool   `json:"replayed"`
	Recording string `json:"recording,omitempty"` // the file that answered
	Closest   string `json:"closest,omitempty"`   // on a miss: the nearest recording of the Action
	Parameter string `json:"parameter,omitempty"` // on a miss: the first parameter that differed
	Reason    string `json:"reason,omitempty"`
}

// Drift is one way an upstream answer differs from the spec.
type Drift struct {
	Kind   string `json:"kind"`  // response or validation
	Field  string `json:"field"` // status, code, or body/<JSON pointer>
	Reason string `json:"reason"`
}

// CoverageReport is the body of GET /_mock/coverage: every documented
// outcome of each operation and how often it was served.
type CoverageReport struct {
	Operations []CoverageOperation `json:"operations"`
	Covered    int                 `json:"covered"` // documented outcomes served at least once
	Total      int                 `json:"total"`   // documented outcomes listed
}

// CoverageOperation is one operation's outcomes.
type CoverageOperation struct {
	Action   string            `json:"action"`
	Outcomes []CoverageOutcome `json:"outcomes"`
}

// CoverageOutcome is one outcome and how often it was served: success, a
// documented error code, the throttling code of an operation with a rate,
// or a connection fault (fault:<name>, listed once served; not counted in
// covered or total).
type CoverageOutcome struct {
	Outcome string `json:"outcome"`
	Status  int    `json:"status"` // the HTTP status; 0 for a fault
	Count   int64  `json:"count"`
}
