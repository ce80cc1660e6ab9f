package mock

import "github.com/alibaba-cloud-mock/cdnmock/mock/internal/auth"

// The credentials' types under the names mock has always given them
// (package auth).
type (
	// Credentials are the access keys the mock accepts. With them
	// (Config.Credentials, the --credentials file) every API call must be
	// signed with one of them, as the real service requires; without them
	// any key is accepted and nothing is checked.
	Credentials = auth.Credentials
	// AccessKey is one access key: its id, its secret and what it may do.
	AccessKey = auth.AccessKey
	// Policy is a RAM-style policy: an action is allowed when one of Allow
	// matches it and none of Deny does.
	Policy = auth.Policy
)

// LoadCredentials reads a credentials file (YAML) and checks it, reporting
// every problem at once as Problems with file, line and field; messages
// never show a secret (docs/authentication.md):
//
//	accessKeys:
//	  - id: AKID
//	    secret: SECRET
//	    account: team-a            # optional; default: the id
//	    active: true               # optional; false: InvalidAccessKeyId.Inactive
//	    policy:                    # optional; default: every action
//	      allow: ["cdn:*"]
//	      deny: ["cdn:Delete*"]
func LoadCredentials(file string, data []byte) (*Credentials, error) {
	return auth.LoadCredentials(file, data)
}

// CredentialsSchema is the JSON Schema of credentials files.
func CredentialsSchema() []byte { return auth.CredentialsSchema() }
