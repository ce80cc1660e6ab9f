// Package adminapi holds the OpenAPI 3 description of the mock's admin API,
// everything under /_mock/. The server serves it at GET /_mock/openapi.yaml;
// the mock package's tests check every admin answer they produce against it.
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
