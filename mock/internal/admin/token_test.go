package admin

import "testing"

func TestBearerMatches(t *testing.T) {
	const want = "s3cret"
	for _, c := range []struct {
		header string
		ok     bool
	}{
		{"Bearer s3cret", true},
		{"bearer s3cret", true}, // the scheme is case-insensitive
		{"BEARER s3cret", true},
		{"  Bearer s3cret  ", true}, // blanks around
		{"Bearer   s3cret", true},   // and between
		{"", false},
		{"Bearer", false},
		{"Bearer ", false},
		{"s3cret", false},
		{"Basic s3cret", false},
		{"Bearer S3CRET", false}, // the token is not
		{"Bearer s3cre", false},
		{"Bearer s3cret2", false},
		{"Bearer s3cret x", false},
		{"Bearers3cret", false},
	} {
		if got := bearerMatches(c.header, want); got != c.ok {
			t.Errorf("bearerMatches(%q) = %v, want %v", c.header, got, c.ok)
		}
	}
}

// The routes open without the token: health, the console's files and the
// downloads (their URLs carry a token of their own); nothing else, and no
// path that merely starts like one.
func TestOpenRoute(t *testing.T) {
	for _, c := range []struct {
		route string
		open  bool
	}{
		{"/_mock/health", true},
		{"/_mock/ui", true},
		{"/_mock/ui/", true},
		{"/_mock/ui/*", true},
		{"/_mock/downloads/:token", true},
		{"/_mock/healthz", false},
		{"/_mock/uix", false},
		{"/_mock/scenarios", false},
		{"/_mock/scenario", false},
		{"/_mock/requests", false},
		{"/_mock/clock", false},
		{"/_mock/tasks", false},
		{"/_mock/openapi.yaml", false},
		{"/_mock/downloads", false},
		{"/_mock", false},
		{"/_mock/", false},
		{"", false},
	} {
		if got := OpenRoute(c.route); got != c.open {
			t.Errorf("OpenRoute(%q) = %v, want %v", c.route, got, c.open)
		}
	}
}
