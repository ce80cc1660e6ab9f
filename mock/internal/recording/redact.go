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
// values are account ids.
var accountFields = map[string]bool{
	"aliuid": true, "ownerid": true, "owneraccount": true,
	"resourceownerid": true, "resourceowneraccount": true, "calleruid": true,
	"callerparentid": true, "accountid": true, "uid": true, "userid": true, "parentid": true,
}

// urlCredentials are query parameters of signed URLs (OSS, CDN auth) whose
// values are credentials. The separator before the name may be XML's
// escaped &amp; (an XML answer), or ; (some URLs use it).
var urlCredentials = regexp.MustCompile(`(?i)((?:[?&;]|&amp;)(?:Signature|OSSAccessKeyId|AccessKeyId|security-token|SecurityToken|x-oss-signature|x-oss-credential|x-oss-security-token|auth_key)=)([^&"'\s<>]*)`)

// Placeholder is what an account id becomes: the same for every value, so
// recordings of different accounts compare equal.
func Placeholder(field string) string { return "<redacted:" + field + ">" }

const redacted = "<redacted>"

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

// redactXMLAccounts replaces the text of account elements of an XML body.
func redactXMLAccounts(s string) string {
	return xmlAccountElement.ReplaceAllStringFunc(s, func(m string) string {
		name := xmlAccountElement.FindStringSubmatch(m)[1]
		return "<" + name + ">" + Placeholder(name) + "</"
	})
}

func redactParam(name, v string) string {
	if accountFields[strings.ToLower(name)] && v != "" {
		return Placeholder(name)
	}
	return redactString(v, nil)
}

// redactString replaces the credentials of signed URLs and every secret in s.
func redactString(s string, secrets []string) string {
	s = urlCredentials.ReplaceAllString(s, "${1}"+url.QueryEscape(redacted))
	for _, sec := range secrets {
		for _, form := range secretForms(sec) {
			s = strings.ReplaceAll(s, form, redacted)
		}
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
func redactValue(field string, v any, secrets []string) any {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			v[k] = redactValue(k, c, secrets)
		}
		return v
	case []any:
		for i, c := range v {
			v[i] = redactValue(field, c, secrets)
		}
		return v
	case string:
		if accountFields[strings.ToLower(field)] && v != "" {
			return Placeholder(field)
		}
		return redactString(v, secrets)
	case json.Number:
		if accountFields[strings.ToLower(field)] {
			return Placeholder(field)
		}
	}
	return v
}

// redact makes x safe to write: it never holds secrets (the upstream's key
// id, secret and token, the signatures and nonces of both sides), which
// the caller passes.
func redact(x *Exchange, secrets []string) {
	for name, vs := range x.Params {
		for i, v := range vs {
			vs[i] = redactParam(name, redactString(v, secrets))
		}
	}
	x.Body = redactValue("", x.Body, secrets)
	x.BodyText = redactString(redactXMLAccounts(x.BodyText), secrets)
	x.RequestID = redactString(x.RequestID, secrets)
}

// stillSecret names what a file about to be written still holds, if
// anything: a secret, or a signed URL's credential.
func stillSecret(data []byte, secrets []string) error {
	for i, sec := range secrets {
		for _, form := range secretForms(sec) {
			if bytes.Contains(data, []byte(form)) {
				return fmt.Errorf("it would still hold secret #%d of the exchange (an access key, token, signature, nonce or timestamp)", i+1)
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
