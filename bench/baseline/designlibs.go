//go:build designlibs

package main

// Built with -tags designlibs, the baseline also links the libraries
// cdnmock's design fixes, and uses none of them: echo, kin-openapi (with
// its request filter, which brings jsonschema v6) and jsonschema v5. Their
// package initialisation runs at every start all the same (both jsonschema
// versions compile their meta-schemas in init). bench/run.sh times this
// build's start to its first 200 too: the least any start of cdnmock can
// take on the machine, before it reads a file of its own.
import (
	_ "github.com/getkin/kin-openapi/openapi3filter"
	_ "github.com/labstack/echo/v4"
	_ "github.com/santhosh-tekuri/jsonschema/v5"
)
