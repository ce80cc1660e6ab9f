// Package generated holds the CDN 2018-05-10 spec generated from Alibaba's
// API metadata (cdn-2018-05-10-api-docs.json, a copy of
// https://api.aliyun.com/meta/v1/products/Cdn/versions/2018-05-10/api-docs.json),
// so that every operation of the product can be served. Do not edit
// cdn-2018-05-10.yaml: change the importer or the metadata, then run
//
//	go generate ./spec/generated/
//
// which also rewrites fixtures/generated/, docs/coverage.md and
// index_gen.go (the index the server starts from: index.go). Hand-curated
// operations stay in spec/cdn-2018-05-10.yaml and override these.
package generated

import "embed"

//go:generate go run ../../cmd/import-metadata -in cdn-2018-05-10-api-docs.json -spec cdn-2018-05-10.yaml -fixtures ../../fixtures/generated -coverage ../../docs/coverage.md -hand ../cdn-2018-05-10.yaml
//go:generate go test ../../mock/internal/fixture -run ^TestGeneratedIndex$ -update

// FS holds the generated spec.
//
//go:embed *.yaml
var FS embed.FS

// Default is the name of the generated spec in FS.
const Default = "cdn-2018-05-10.yaml"

// defaultYAML is the file Default, embedded as a variable so that a server
// can keep it without a copy on its heap (FS.ReadFile copies).
//
//go:embed cdn-2018-05-10.yaml
var defaultYAML []byte

// DefaultYAML is the generated spec (Default). It is shared, not a copy:
// read it, never change it.
func DefaultYAML() []byte { return defaultYAML }

// Metadata is the name of the API metadata file the spec is generated from,
// in this directory (not embedded).
const Metadata = "cdn-2018-05-10-api-docs.json"
