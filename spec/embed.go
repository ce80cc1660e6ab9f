// Package spec embeds the OpenAPI description the mock serves by default.
package spec

import "embed"

// FS holds every *.yaml spec in this directory.
//
//go:embed *.yaml
var FS embed.FS

// Default is the name of the spec file the server loads when none is given.
const Default = "cdn-2018-05-10.yaml"
