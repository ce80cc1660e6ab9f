package auth

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"go.yaml.in/yaml/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/glob"
)

// Credentials are the access keys the mock accepts. With them (Config.Credentials,
// the --credentials file) every API call must be signed with one of them,
// as the real service requires (verify.go, signature.go); without them any
// key is accepted and nothing is checked.
type Credentials struct {
	File string // where they were loaded from, for messages
	Keys []AccessKey

	once sync.Once
	byID map[string]*AccessKey
}

// AccessKey is one access key: its id, its secret and what it may do.
type AccessKey struct {
	ID       string
	Secret   string
	Inactive bool    // calls get InvalidAccessKeyId.Inactive
	Account  string  // the account that owns the key ("": the key's id); it owns the export tasks
	Policy   *Policy // nil: every action is allowed
}

// Policy is a RAM-style policy: an action is allowed when one of Allow
// matches it and none of Deny does (an explicit deny wins, as in RAM).
// Patterns are product:Action with * and ? as globs, matched without
// regard to case: cdn:CreateUserUsageDataExportTask, cdn:Describe*, cdn:*, *.
type Policy struct {
	Allow []string
	Deny  []string
}

// String, GoString and LogValue leave the secret out, so a key printed or
// logged by mistake never shows it.
func (k AccessKey) String() string {
	return fmt.Sprintf("AccessKey{ID:%s Secret:<redacted> Inactive:%t Account:%s Policy:%v}", k.ID, k.Inactive, k.Account, k.Policy)
}

func (k AccessKey) GoString() string { return k.String() }

func (k AccessKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", k.ID), slog.Bool("inactive", k.Inactive), slog.String("account", k.account()))
}

// Key returns the access key with that id, or nil.
func (c *Credentials) Key(id string) *AccessKey {
	c.once.Do(func() {
		c.byID = make(map[string]*AccessKey, len(c.Keys))
		for i := range c.Keys {
			if _, dup := c.byID[c.Keys[i].ID]; !dup { // the first wins; LoadCredentials refuses duplicates
				c.byID[c.Keys[i].ID] = &c.Keys[i]
			}
		}
	})
	return c.byID[id]
}

func (k *AccessKey) account() string { return cmp.Or(k.Account, k.ID) }

// decide says whether the policy allows a RAM action (product:Action) and,
// when it does not, why.
func (p *Policy) decide(action string) (allowed bool, why string) {
	if p == nil {
		return true, ""
	}
	a := strings.ToLower(action)
	for _, d := range p.Deny {
		if glob.Match(strings.ToLower(d), a) {
			return false, fmt.Sprintf("explicitly denied by %q", d)
		}
	}
	for _, al := range p.Allow {
		if glob.Match(strings.ToLower(al), a) {
			return true, ""
		}
	}
	return false, "not allowed by the key's policy"
}

//go:embed credentials.schema.json
var credentialsSchemaJSON []byte

// CredentialsSchema is the JSON Schema of credentials files.
func CredentialsSchema() []byte { return bytes.Clone(credentialsSchemaJSON) }

// credentialsSchema is compiled on first use: a process that loads no such file
// does not pay for it at start.
var credentialsSchema = sync.OnceValue(func() *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	if err := c.AddResource("credentials.schema.json", bytes.NewReader(credentialsSchemaJSON)); err != nil {
		panic(err) // embedded and covered by tests
	}
	return c.MustCompile("credentials.schema.json")
})

// LoadCredentials reads a credentials file (YAML) and checks it: first
// against the JSON Schema (credentials.schema.json), then for duplicate ids
// and empty secrets. Every problem is reported at once, as Problems with
// file, line and field; messages never show a secret.
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
	var ps diag.Problems
	yf, err := diag.ParseYAML(file, data)
	if err != nil {
		ps.AddYAMLError(file, err)
		return nil, ps.Err()
	}
	if n := firstAlias(yf.Root()); n != nil {
		// Aliases could make a small file expand enormously, or refer to
		// themselves; a list of keys never needs them.
		ps.Add(file, n.Line, "", "YAML aliases (*%s) are not supported in a credentials file; write the values out", n.Value)
		return nil, ps.Err()
	}
	v, err := yf.Value()
	if err != nil {
		ps.Add(file, 0, "", "%v", err)
		return nil, ps.Err()
	}
	if err := credentialsSchema().Validate(v); err != nil {
		for _, l := range diag.SchemaLeaves(err) {
			loc := diag.LeafLocation(l)
			ps.Add(file, yf.Line(loc), diag.FieldName(loc), "%s", l.Message)
		}
		return nil, ps.Err()
	}

	// The schema guarantees the shape; read it without a second decoder.
	c := &Credentials{File: file}
	firstLine := map[string]int{} // id → the line that defines it first
	for i, raw := range v.(map[string]any)["accessKeys"].([]any) {
		m := raw.(map[string]any)
		ptr := fmt.Sprintf("/accessKeys/%d", i)
		problem := func(key, format string, args ...any) {
			ps.Add(file, yf.Line(ptr+"/"+key), diag.FieldName(ptr+"/"+key), format, args...)
		}
		k := AccessKey{ID: m["id"].(string), Secret: m["secret"].(string)}
		if b, ok := m["active"].(bool); ok {
			k.Inactive = !b
		}
		k.Account, _ = m["account"].(string)
		if strings.TrimSpace(k.Secret) == "" {
			problem("secret", "is empty: give the AccessKeySecret clients sign with")
		}
		if line, dup := firstLine[k.ID]; dup {
			problem("id", "access key %s is already defined at line %d", k.ID, line)
		} else {
			firstLine[k.ID] = yf.Line(ptr + "/id")
		}
		if pol, ok := m["policy"].(map[string]any); ok {
			k.Policy = &Policy{Allow: stringList(pol["allow"]), Deny: stringList(pol["deny"])}
		}
		c.Keys = append(c.Keys, k)
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// firstAlias returns the first alias node in the document, without
// following any.
func firstAlias(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		return n
	}
	for _, c := range n.Content {
		if a := firstAlias(c); a != nil {
			return a
		}
	}
	return nil
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, s.(string))
	}
	return out
}
