// Package contract is the API the mock emulates, as its spec describes it:
// loading an OpenAPI document in the mock's conventions and merging the
// hand-written layer over the generated one (Spec, Operation, Param), the
// errors the API answers (ErrorDef, APIError, the gateway's codes), and the
// checks of a call against it: parameters (the cheap pre-check, then
// openapi3filter), repeat lists and x-mock-rules. An operation's
// x-mock-state is read and checked here as data (TaskHook); what it does to
// tasks is the tasks stage's.
package contract
