// Package scenarios embeds the scenario files shipped with the mock.
package scenarios

import "embed"

// FS holds every *.yaml scenario file in this directory.
//
//go:embed *.yaml
var FS embed.FS
