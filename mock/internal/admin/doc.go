// Package admin is the admin API under /_mock/ and the web console: the
// routes, their JSON bodies (package adminapi), the Bearer token that
// guards them, export downloads and the console's embedded files. It
// drives the server through Deps, which package mock fills in, so it never
// imports mock.
package admin
