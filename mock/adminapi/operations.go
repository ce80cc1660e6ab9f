package adminapi

// OperationsPage is the body of GET /_mock/operations.
type OperationsPage struct {
	Product    string          `json:"product"`
	Version    string          `json:"version"`
	Operations []OperationInfo `json:"operations"`
}

// OperationInfo is one operation of the spec with its documented outcomes.
type OperationInfo struct {
	Name       string      `json:"name"`
	Methods    []string    `json:"methods"`
	RateLimit  int         `json:"rateLimit,omitempty"` // calls per second per account
	Tasks      string      `json:"tasks,omitempty"`     // x-mock-state: the export task family it works on
	Parameters []ParamInfo `json:"parameters"`
	Fixtures   []string    `json:"fixtures"`                 // success bodies a scenario can name
	Errors     []ErrorInfo `json:"errors"`                   // documented codes, then the common ones
	Assumed    []string    `json:"x-mock-assumed,omitempty"` // what its x-mock-state does that the metadata does not say, each with why
}

// ParamInfo is one request parameter.
type ParamInfo struct {
	Name     string `json:"name"`
	Required bool   `json:"required,omitempty"`
	Default  string `json:"default,omitempty"`
}

// ErrorInfo is one error an operation can answer, and the scenario that
// forces it ("" when there is none).
type ErrorInfo struct {
	Code     string `json:"code"`
	Status   int    `json:"status"`
	Message  string `json:"message"`
	Common   bool   `json:"common,omitempty"` // a gateway error every operation can get
	Scenario string `json:"scenario,omitempty"`
	Assumed  string `json:"x-mock-assumed,omitempty"` // why the mock answers a code the metadata does not document for the operation
}
