// Package adminapi is the mock's admin API (everything under /_mock/) as
// data: the bodies it sends and takes, shared by the server and the command
// line, and its OpenAPI 3 description. The server serves the description at
// GET /_mock/openapi.yaml; the mock package's tests check every admin answer
// they produce against it. It imports nothing of the mock's.
package adminapi

import _ "embed" // the document

// Path is where the server serves the document.
const Path = "/_mock/openapi.yaml"

// ContentType is the document's content type.
const ContentType = "application/yaml"

// Document is the admin API's OpenAPI 3.0 document, in YAML.
//
//go:embed openapi.yaml
var Document []byte
