package contract

// The one list of the RPC v1 signature's parameters. Each user takes what
// it needs from here; where they differ, it is on purpose and said below.
var (
	// signatureParams change with every call or name the caller's key: a
	// forwarded call drops them for the upstream key's own (package
	// upstream), and a recording neither keeps nor matches on them
	// (package recording).
	signatureParams = map[string]bool{
		"Signature": true, "SignatureNonce": true, "Timestamp": true, "AccessKeyId": true,
		"SecurityToken": true, "SignatureMethod": true, "SignatureVersion": true,
	}
	// secretParams, of signatureParams, are secrets: never in the journal
	// or the logs (package journal). The others are shown apart.
	secretParams = map[string]bool{"Signature": true, "SecurityToken": true}
)

// ParamSignatureType says how a call was signed (a bearer token, say), not
// a value of the signature: a forwarded call passes it on as the client
// sent it, while a recording ignores it with SignatureParam's.
const ParamSignatureType = "SignatureType"

// SignatureParam tells whether name is a parameter of the RPC v1 signature.
func SignatureParam(name string) bool { return signatureParams[name] }

// SecretParam tells whether name is a signature parameter whose value is a
// secret.
func SecretParam(name string) bool { return secretParams[name] }
