// Package journal keeps what the API was asked and answered: a Record per
// request, bounded copies of what the client sent (never the request's own
// strings, never the secrets), in fixed-size rings that writers fill
// without sharing a lock, read as snapshots through a RequestFilter.
package journal
