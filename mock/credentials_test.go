package mock_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

func loadCredentialsFile(t testing.TB, name string) (*mock.Credentials, error) {
	t.Helper()
	file := filepath.Join("testdata", "credentials", name)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return mock.LoadCredentials(file, data)
}

func TestLoadCredentialsExample(t *testing.T) {
	c, err := loadCredentialsFile(t, "example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys) != 4 {
		t.Fatalf("%d keys", len(c.Keys))
	}
	ci := c.Key("LTAI-team-a-ci")
	if ci == nil || ci.Secret != "ci-secret-1" || ci.Account != "team-a" || ci.Inactive || ci.Policy == nil ||
		strings.Join(ci.Policy.Allow, ",") != "cdn:*" || strings.Join(ci.Policy.Deny, ",") != "cdn:Delete*" {
		t.Errorf("LTAI-team-a-ci: %+v %+v", ci, ci.Policy)
	}
	if k := c.Key("AKID"); k == nil || k.Policy != nil || k.Inactive || k.Account != "" {
		t.Errorf("AKID: %+v", k)
	}
	if k := c.Key("LTAI-retired"); k == nil || !k.Inactive {
		t.Errorf("LTAI-retired: %+v", k)
	}
	if c.Key("nobody") != nil {
		t.Error("an unknown key found")
	}
	// A key printed or logged by mistake does not show its secret.
	for _, s := range []string{fmt.Sprint(*ci), fmt.Sprintf("%+v", *ci), fmt.Sprintf("%#v", *ci), fmt.Sprint(c.Keys)} {
		if strings.Contains(s, "ci-secret-1") {
			t.Errorf("printed: %s", s)
		}
	}
}

func TestLoadCredentialsProblems(t *testing.T) {
	_, err := loadCredentialsFile(t, "broken.yaml")
	var ps mock.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("got %v, want Problems", err)
	}
	got := err.Error()
	file := filepath.Join("testdata", "credentials", "broken.yaml")
	// The schema's problems are reported before the semantic checks run.
	for _, want := range []string{
		file + ":6: accessKeys.2.id: does not match pattern",
		file + ":8: accessKeys.2.colour: additionalProperties 'colour' not allowed",
		file + ":9: accessKeys.3: missing properties: 'secret'",
		file + ":11: accessKeys.3.policy.allow.0: does not match pattern",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no problem %q in:\n%s", want, got)
		}
	}

	// Semantic checks: duplicate ids, empty secrets; never the secret itself.
	_, err = mock.LoadCredentials("creds.yaml", []byte(`
accessKeys:
  - id: AKID
    secret: very-secret-value
  - id: OTHER
    secret: "   "
  - id: AKID
    secret: another-secret-value
`))
	want := "2 problem(s):\n" +
		"  creds.yaml:6: accessKeys.1.secret: is empty: give the AccessKeySecret clients sign with\n" +
		"  creds.yaml:7: accessKeys.2.id: access key AKID is already defined at line 3"
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}

	for _, tc := range []struct{ name, data, want string }{
		{"empty", "", "creds.yaml: expected object, but got null"},
		{"id too long", "accessKeys:\n  - id: " + strings.Repeat("K", 129) + "\n    secret: s\n", "creds.yaml:2: accessKeys.0.id: length must be <= 128, but got 129"},
		{"no keys", "accessKeys: []", "creds.yaml:1: accessKeys: minimum 1 items required, but found 0 items"},
		{"not YAML", "accessKeys: [", "creds.yaml:1: not valid YAML: did not find expected node content"},
		{"a number as secret", "accessKeys:\n  - id: A\n    secret: 12\n", "creds.yaml:3: accessKeys.0.secret: expected string, but got number"},
		{"active not a bool", "accessKeys:\n  - id: A\n    secret: s\n    active: maybe\n", "creds.yaml:4: accessKeys.0.active: expected boolean, but got string"},
		{"deny without allow", "accessKeys:\n  - id: A\n    secret: s\n    policy: {deny: ['cdn:*']}\n", "creds.yaml:4: accessKeys.0.policy: missing properties: 'allow'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mock.LoadCredentials("creds.yaml", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}

	_, err = loadCredentialsFile(t, "alias.yaml")
	if err == nil || !strings.Contains(err.Error(), "alias.yaml:5: YAML aliases (*k) are not supported") {
		t.Errorf("aliases: %v", err)
	}
}

func TestCredentialsSchemaIsValidJSONSchema(t *testing.T) {
	if !strings.Contains(string(mock.CredentialsSchema()), `"accessKeys"`) {
		t.Error("CredentialsSchema is not the credentials schema")
	}
}

// FuzzLoadCredentials feeds the loader any file: it never panics nor
// hangs, reports problems as Problems of that file, and what it accepts is
// consistent: unique ids, non-blank secrets, every key found by its id.
func FuzzLoadCredentials(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "credentials"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", "credentials", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("accessKeys:\n  - id: A\n    secret: s\n    policy:\n      allow: ['cdn:*', '*']\n      deny: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := mock.LoadCredentials("f.yaml", data)
		if err != nil {
			var ps mock.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error %T %v, want Problems", err, err)
			}
			for _, p := range ps {
				if p.File != "f.yaml" || p.Message == "" {
					t.Fatalf("problem %+v", p)
				}
			}
			return
		}
		if len(c.Keys) == 0 {
			t.Fatal("accepted without keys")
		}
		seen := map[string]bool{}
		for i := range c.Keys {
			k := &c.Keys[i]
			if k.ID == "" || strings.TrimSpace(k.Secret) == "" || seen[k.ID] {
				t.Fatalf("accepted key %q (secret blank: %t, duplicate: %t)", k.ID, strings.TrimSpace(k.Secret) == "", seen[k.ID])
			}
			seen[k.ID] = true
			if c.Key(k.ID) != k {
				t.Fatalf("Key(%q) is not the key", k.ID)
			}
			if len(k.Secret) >= 8 && !strings.Contains(k.ID+k.Account+fmt.Sprint(k.Policy), k.Secret) &&
				strings.Contains(k.String(), k.Secret) {
				t.Fatalf("String shows the secret: %s", k.String())
			}
		}
	})
}
