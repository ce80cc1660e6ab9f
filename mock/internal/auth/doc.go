// Package auth is authentication as Alibaba Cloud's gateway does it: the
// two request signatures (RPC v1 and ACS3-HMAC-SHA256), computed by one
// implementation each for reading a client's signature (ParseRPC,
// ParseACS3) and for signing a request (SignRPC, SignACS3); the
// credentials file (Credentials, LoadCredentials); the nonce cache; and
// the verify step the pipeline calls (Verifier).
package auth
