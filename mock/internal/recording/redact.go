package recording

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/auth"
)

// Redaction happens before anything is written. Signature parameters are
// never kept (ignored); account ids and the credentials inside signed URLs
// become stable placeholders; any other string holding a secret the caller
// names has it replaced; and a file that still holds one is refused.

// accountFields are the names (parameters and body fields, any case) whose
// values are account ids. (ParentId is not one: in CDN it is a config id.)
var accountFields = map[string]bool{
	"aliuid": true, "ownerid": true, "owneraccount": true,
	"resourceownerid": true, "resourceowneraccount": true, "calleruid": true,
	"callerparentid": true, "accountid": true, "uid": true, "userid": true,
}

// urlCredentials are query parameters of signed URLs (OSS, CDN auth) whose
// values are credentials. The separator before the name may be XML's
// escaped &amp; (an XML answer), or ; (some URLs use it).
var urlCredentials = regexp.MustCompile(`(?i)((?:[?&;]|&amp;)(?:Signature|OSSAccessKeyId|AccessKeyId|security-token|SecurityToken|x-oss-signature|x-oss-credential|x-oss-security-token|auth_key)=)([^&"'\s<>]*)`)

// arnAccount is the account segment of an Alibaba Cloud resource name,
// acs:<service>:<region>:<account>:<resource> (RoleARN, SourceArn...).
var arnAccount = regexp.MustCompile(`(?i)(\bacs:[a-z0-9-]*:[a-z0-9-]*:)(\d+)(:)`)

// Placeholder is what an account id becomes: the same for every value, so
// recordings of different accounts compare equal.
func Placeholder(field string) string { return "<redacted:" + field + ">" }

const redacted = "<redacted>"

// anyAccount is an account id found outside an account field (in an ARN,
// or a value an account field holds elsewhere in the exchange).
var anyAccount = Placeholder("account")

// minAccountLen is the shortest account id replaced wherever it appears:
// real ones have 16 digits; a short value in a test would eat other text.
const minAccountLen = 6

// xmlAccountElement is an XML element whose name is an account field and
// whose content is text: <AliUid>123</AliUid>.
var xmlAccountElement = regexp.MustCompile(`<(` + accountElementNames() + `)>([^<]+)</`)

func accountElementNames() string {
	var names []string
	for n := range accountFields {
		names = append(names, "(?i:"+regexp.QuoteMeta(n)+")")
	}
	sort.Strings(names)
	return strings.Join(names, "|")
}

func isAccountField(name string) bool { return accountFields[strings.ToLower(name)] }

// redactor replaces what must never be written: the secrets the caller
// names, and the account ids an exchange holds.
type redactor struct {
	secrets  []string
	accounts []string // values found in account fields and ARNs, longest first
}

// collect is the first pass: every account id of the exchange, from the
// parameters sent, the JSON body's account fields, the XML body's account
// elements, and the ARNs of either.
func (rd *redactor) collect(x *Exchange) {
	seen := map[string]bool{}
	add := func(v string) {
		if len(v) >= minAccountLen && !seen[v] && !strings.HasPrefix(v, "<redacted") {
			seen[v] = true
			rd.accounts = append(rd.accounts, v)
		}
	}
	inString := func(s string) {
		for _, m := range arnAccount.FindAllStringSubmatch(s, -1) {
			add(m[2])
		}
	}
	for _, v := range x.accounts {
		add(v)
	}
	var walk func(field string, v any)
	walk = func(field string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				walk(k, c)
			}
		case []any:
			for _, c := range v {
				walk(field, c)
			}
		case string:
			if isAccountField(field) {
				add(v)
			}
			inString(v)
		case json.Number:
			if isAccountField(field) {
				add(v.String())
			}
		}
	}
	walk("", x.Body)
	for _, m := range xmlAccountElement.FindAllStringSubmatch(x.BodyText, -1) {
		add(strings.TrimSpace(m[2]))
	}
	inString(x.BodyText)
	sort.Slice(rd.accounts, func(i, j int) bool { return len(rd.accounts[i]) > len(rd.accounts[j]) })
}

// redactXMLAccounts replaces the text of account elements of an XML body.
func redactXMLAccounts(s string) string {
	return xmlAccountElement.ReplaceAllStringFunc(s, func(m string) string {
		name := xmlAccountElement.FindStringSubmatch(m)[1]
		return "<" + name + ">" + Placeholder(name) + "</"
	})
}

func redactParam(name, v string) string {
	if isAccountField(name) && v != "" {
		return Placeholder(name)
	}
	return (&redactor{}).redactString(v)
}

// redactString replaces the credentials of signed URLs, the account
// segment of ARNs, every secret and every account id in s.
func (rd *redactor) redactString(s string) string {
	s = urlCredentials.ReplaceAllString(s, "${1}"+url.QueryEscape(redacted))
	s = arnAccount.ReplaceAllString(s, "${1}"+anyAccount+"${3}")
	for _, sec := range rd.secrets {
		for _, form := range secretForms(sec) {
			s = strings.ReplaceAll(s, form, redacted)
		}
	}
	for _, a := range rd.accounts {
		s = strings.ReplaceAll(s, a, anyAccount)
	}
	return s
}

// secretForms are the ways a secret can appear in an answer: as is, and
// percent-encoded once or twice (a string to sign encodes the values of
// its canonical query again), with either encoding (form: space as "+";
// the signatures': %20), longest first so that no part of one is left.
func secretForms(sec string) []string {
	if sec == "" {
		return nil
	}
	forms := []string{sec}
	for _, enc := range []func(string) string{url.QueryEscape, auth.PercentEncode} {
		once := enc(sec)
		forms = append(forms, once, enc(once))
	}
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	return slices.Compact(forms)
}

// redactValue walks a parsed JSON body.
func (rd *redactor) redactValue(field string, v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			v[k] = rd.redactValue(k, c)
		}
		return v
	case []any:
		for i, c := range v {
			v[i] = rd.redactValue(field, c)
		}
		return v
	case string:
		if isAccountField(field) && v != "" {
			return Placeholder(field)
		}
		return rd.redactString(v)
	case json.Number:
		if isAccountField(field) {
			return Placeholder(field)
		}
		if slices.Contains(rd.accounts, v.String()) {
			return anyAccount
		}
	}
	return v
}

// redact makes x safe to write: it never holds secrets (the upstream's key
// id, secret and token, the values the mock signed with), which the caller
// passes, nor account ids. It returns the account ids it replaced, for
// stillSecret.
func redact(x *Exchange, secrets []string) (accounts []string) {
	rd := &redactor{secrets: append(append([]string{}, secrets...), x.hidden...)}
	rd.collect(x)
	for name, vs := range x.Params {
		for i, v := range vs {
			vs[i] = redactParam(name, rd.redactString(v))
		}
	}
	x.Body = rd.redactValue("", x.Body)
	x.BodyText = rd.redactString(redactXMLAccounts(x.BodyText))
	x.RequestID = rd.redactString(x.RequestID)
	return rd.accounts
}

// stillSecret names what a file about to be written still holds, if
// anything: a secret, or a signed URL's credential.
func stillSecret(data []byte, secrets []string) error {
	for i, sec := range secrets {
		for _, form := range secretForms(sec) {
			if bytes.Contains(data, []byte(form)) {
				return fmt.Errorf("it would still hold secret #%d of the exchange (an access key, token, signature, nonce, timestamp or account id)", i+1)
			}
		}
	}
	for _, m := range urlCredentials.FindAllSubmatch(data, -1) {
		if v := string(m[2]); v != "" && v != url.QueryEscape(redacted) {
			return fmt.Errorf("it would still hold a signed URL's %s", credentialName(string(m[1])))
		}
	}
	return nil
}

// credentialName is the parameter name in a match of urlCredentials'
// first group: "&amp;Signature=" is Signature.
func credentialName(m string) string {
	m = strings.TrimSuffix(m, "=")
	if strings.HasPrefix(m, "&amp;") {
		return m[len("&amp;"):]
	}
	return m[1:]
}
