package generated

// Index is what the server needs of the generated spec before it loads any
// of its operations: enough to route a call, list every operation with its
// parameters and documented errors, and build the built-in scenarios. The
// server loads an operation in full (its parameters' schemas, response
// schema and fixtures) on its first call; `cdnmock validate` and the tests
// load and check every one.
//
// DefaultIndex (index_gen.go) is made from cdn-2018-05-10.yaml by a test of
// package mock/internal/fixture, which fails when the two disagree:
//
//	go test ./mock/internal/fixture -run '^TestGeneratedIndex$' -update
//
// The server uses an index only for the spec whose SHA-256 it records: any
// other generated spec is loaded and checked in full at startup.
type Index struct {
	Sum     string // SHA-256 of the spec the index was made from, in hex
	Product string // x-acs-product
	Version string // info.version
	HostID  string // x-acs-host-id
	Common  []Error
	Ops     []Op // by name
}

// Op is one operation as the index knows it.
type Op struct {
	Name      string
	Methods   []string
	RateLimit int
	Params    []Param
	Errors    []Error
	State     *State // x-mock-state, nil when none
}

// State is an operation's x-mock-state: the export task family it works
// on and what it does (the console and listings show the family).
type State struct {
	Tasks, Do, Report, NotFound string
}

// Param is one parameter as listings show it.
type Param struct {
	Name     string
	Required bool
	Default  string
}

// Error is one documented error code.
type Error struct {
	Code    string
	Status  int
	Message string
}
