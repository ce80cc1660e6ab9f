//go:build designlibs

package main

// Built with -tags designlibs, the baseline also links the packages of the
// libraries cdnmock's design fixes that cdnmock links, and calls none of
// them: echo, kin-openapi's openapi3 (which imports jsonschema v6) and
// openapi3filter, and jsonschema v5. Their package initialisation runs at
// every start all the same (both jsonschema versions compile their
// meta-schemas in init). bench/run.sh times this build's start to its
// first 200 too, the design's floor: the least a start linking those
// libraries takes on the machine, before any work of cdnmock's own.
import (
	_ "github.com/getkin/kin-openapi/openapi3"
	_ "github.com/getkin/kin-openapi/openapi3filter"
	_ "github.com/labstack/echo/v4"
	_ "github.com/santhosh-tekuri/jsonschema/v5"
)
