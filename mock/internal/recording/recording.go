// Package recording keeps upstream exchanges as files and plays them back:
// one diff-friendly JSON file per exchange, redacted before it is written
// (a file that would still hold a secret is refused), and matched on the
// Action, the Version, the answer's format and the other parameters as a
// sorted set, never on the signature's own parameters.
package recording

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// ignored tells the parameters a recording neither keeps nor matches on:
// the signature's (contract.SignatureParam, and SignatureType), which change
// with every call, and the three a Key holds apart. The ACS3 date, nonce and
// content hash are headers, never parameters.
func ignored(name string) bool {
	switch name {
	case contract.ParamSignatureType, "Action", "Version", "Format":
		return true
	}
	return contract.SignatureParam(name)
}

// Key is what a call is matched on.
type Key struct {
	Action  string
	Version string
	Format  string              // the answer's: JSON or XML
	Params  map[string][]string // the other parameters, account ids replaced

	accounts []string // the account ids sent, redacted wherever they appear
	hidden   []string // the secret parameters' values, never written
}

// KeyOf is the key of a call: its decoded parameters (query and form body
// merged), and its Action, Version and answer format as the mock decoded
// them. The values of secret parameters are kept as their digest.
func KeyOf(action, version, format string, params url.Values, secret map[string]bool) Key {
	k := Key{Action: action, Version: version, Format: format, Params: map[string][]string{}}
	for name, vs := range params {
		if ignored(name) {
			continue
		}
		kept := make([]string, len(vs))
		for i, v := range vs {
			kept[i] = redactParam(name, v)
			if secret[name] {
				kept[i] = contract.SecretDigest(v)
				k.hidden = append(k.hidden, v)
			}
			if isAccountField(name) {
				k.accounts = append(k.accounts, v)
			}
		}
		k.Params[name] = kept
	}
	return k
}

// canonical is the key as one string: sorted names, each value in the
// order sent.
func (k Key) canonical() string {
	var b strings.Builder
	b.WriteString(k.Action + "\n" + k.Version + "\n" + k.Format + "\n")
	for _, name := range sortedNames(k.Params) {
		for _, v := range k.Params[name] {
			b.WriteString(url.QueryEscape(name) + "=" + url.QueryEscape(v) + "&")
		}
	}
	return b.String()
}

// FileStem is the start of the file names of the key's recordings:
// <Action>.<hash of the key>; each exchange adds .<n>.json, n counting
// from 1 in the order recorded.
func (k Key) FileStem() string {
	sum := sha256.Sum256([]byte(k.canonical()))
	return safeName(k.Action) + "." + hex.EncodeToString(sum[:6])
}

func sortedNames(m map[string][]string) []string {
	names := slices.Sorted(maps.Keys(m))
	return names
}

// maxNameLen caps the Action's part of a file name: the names of the
// real API are at most 40-odd characters; any longer one is cut.
const maxNameLen = 64

// safeName keeps an Action usable as a file name.
func safeName(s string) string {
	if len(s) > maxNameLen {
		s = s[:maxNameLen]
	}
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
	if s == "" {
		return "_"
	}
	return s
}

// Exchange is one recorded call and its answer: the file's content.
type Exchange struct {
	Key
	Recorded    time.Time // when it was recorded, by the server's clock
	Status      int
	ContentType string
	RequestID   string // the upstream's
	Body        any    // the parsed JSON body, or nil
	BodyText    string // a body that is not JSON, as text

	File string // where it was read from or written to

	canon string // Key.canonical(), kept on the first key()
}

// key is the exchange's Key.canonical(), computed once (Match compares it
// on every hit). Load computes it; Match calls it under its list's lock.
func (x *Exchange) key() string {
	if x.canon == "" {
		x.canon = x.canonical()
	}
	return x.canon
}

// file is the JSON form of an Exchange. encoding/json writes map keys
// sorted, and these fields are declared in the order of their names, so
// every key of a file is sorted.
type file struct {
	Action      string              `json:"action"`
	Body        any                 `json:"body,omitempty"`
	BodyText    string              `json:"bodyText,omitempty"`
	ContentType string              `json:"contentType"`
	Format      string              `json:"format"`
	Params      map[string][]string `json:"params"`
	Recorded    time.Time           `json:"recorded"`
	RequestID   string              `json:"requestId,omitempty"`
	Status      int                 `json:"status"`
	Version     string              `json:"version"`
}

// NewExchange parses an answer's body for the recording.
func NewExchange(k Key, recorded time.Time, status int, contentType, requestID string, body []byte) *Exchange {
	x := &Exchange{Key: k, Recorded: recorded.UTC(), Status: status, ContentType: contentType, RequestID: requestID}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err == nil && !dec.More() && v != nil {
		x.Body = v
	} else {
		x.BodyText = string(body)
	}
	return x
}

// encode writes the exchange as its file holds it.
func (x *Exchange) encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(file{
		Action: x.Action, Version: x.Version, Format: x.Format, Params: x.Params,
		Recorded: x.Recorded, Status: x.Status, ContentType: x.ContentType, RequestID: x.RequestID,
		Body: x.Body, BodyText: x.BodyText,
	})
	return buf.Bytes(), err
}

// decode reads a file written by encode; name names it in errors.
func decode(name string, data []byte) (*Exchange, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: not a recording: %v", name, err)
	}
	switch {
	case f.Action == "":
		return nil, fmt.Errorf("%s: action: missing", name)
	case f.Status < 100 || f.Status > 599:
		return nil, fmt.Errorf("%s: status: %d is not an HTTP status", name, f.Status)
	case f.Format != "JSON" && f.Format != "XML":
		return nil, fmt.Errorf("%s: format: %q, want JSON or XML", name, f.Format)
	}
	if f.Params == nil {
		f.Params = map[string][]string{}
	}
	return &Exchange{
		Key:      Key{Action: f.Action, Version: f.Version, Format: f.Format, Params: f.Params},
		Recorded: f.Recorded, Status: f.Status, ContentType: f.ContentType, RequestID: f.RequestID,
		Body: f.Body, BodyText: f.BodyText, File: name,
	}, nil
}

// Answer is the recorded body with requestID in place of the recorded
// RequestId.
func (x *Exchange) Answer(requestID string) []byte {
	if x.Body == nil {
		if x.RequestID == "" {
			return []byte(x.BodyText)
		}
		return []byte(strings.ReplaceAll(x.BodyText, x.RequestID, requestID))
	}
	body := x.Body
	if m, ok := body.(map[string]any); ok {
		if _, has := m["RequestId"]; has {
			fresh := make(map[string]any, len(m))
			for k, v := range m {
				fresh[k] = v
			}
			fresh["RequestId"] = requestID
			body = fresh
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body) // decoded from JSON: it encodes
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
