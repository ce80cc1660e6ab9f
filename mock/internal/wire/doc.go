// Package wire is the RPC protocol as it crosses the network: decoding a
// call from the query, a form body and the ACS3 headers (Call, Decode; the
// one reader of a request body, ReadBody, and of the ACS3 Authorization
// header), the request limits (CheckLimits), and writing an error in
// Alibaba's envelope (WriteError), its text escaped by package escape.
package wire
