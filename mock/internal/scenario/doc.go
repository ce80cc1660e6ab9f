// Package scenario chooses what a call answers: the scenarios (built-ins
// made from the spec's errors, and files checked against
// scenario.schema.json and the spec), each operation's outcome or
// sequence of steps (sequence.go), which scenario a request gets
// (selection.go: the X-Mock-Scenario header, then a binding for the access
// key, then the active scenario, then default), and the rate limits the
// realistic scenarios enforce (throttle.go).
package scenario
