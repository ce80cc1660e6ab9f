// Package spec embeds the OpenAPI description the mock serves by default.
package spec

import "embed"

// FS holds every *.yaml spec in this directory.
//
//go:embed *.yaml
var FS embed.FS

// Default is the name of the spec file the server loads when none is given.
const Default = "cdn-2018-05-10.yaml"

// defaultYAML is Default's bytes, in the binary's data: FS.ReadFile would
// copy them onto the heap, where a server's Config keeps them for good.
//
//go:embed cdn-2018-05-10.yaml
var defaultYAML []byte

// DefaultYAML returns Default's bytes, shared by every server's Config:
// callers must not write to them (one that needs to, copies them first).
// FS and defaultYAML share the file's one copy in the binary: the
// compiler embeds a file once per package (go tool nm shows one
// spec..gobytes symbol of the file's size).
func DefaultYAML() []byte { return defaultYAML }
