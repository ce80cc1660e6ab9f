// Package upstream forwards API calls to the real service: it signs each
// again with the upstream's own access key, in the style the client used
// (RPC v1 or ACS3-HMAC-SHA256, package auth), sends it, and turns a
// transport failure into an answer in Alibaba's envelope (Mock.Upstream*,
// 502 or 504).
package upstream

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// The standard variables of Alibaba Cloud's tools that hold the upstream's
// access key.
const (
	EnvAccessKeyID     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvSecurityToken   = "ALIBABA_CLOUD_SECURITY_TOKEN"
)

// Credentials are the access key forwarded calls are signed with.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string // an STS token; "" for a long-term key
}

// String never shows the secret or the token.
func (c Credentials) String() string { return "access key " + c.AccessKeyID }

// CredentialsFromEnv reads the standard variables; without an id and a
// secret it fails naming them.
func CredentialsFromEnv(getenv func(string) string) (Credentials, error) {
	c := Credentials{
		AccessKeyID:     strings.TrimSpace(getenv(EnvAccessKeyID)),
		AccessKeySecret: strings.TrimSpace(getenv(EnvAccessKeySecret)),
		SecurityToken:   strings.TrimSpace(getenv(EnvSecurityToken)),
	}
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return c, fmt.Errorf("forwarding needs the upstream's access key: set %s and %s (and %s for an STS token)",
			EnvAccessKeyID, EnvAccessKeySecret, EnvSecurityToken)
	}
	return c, nil
}

// Codes of the answers a failed forward gets.
const (
	CodeTimeout     = "Mock.UpstreamTimeout"     // 504: no answer in time
	CodeUnreachable = "Mock.UpstreamUnreachable" // 502: refused, no route, DNS, TLS
	CodeBadAnswer   = "Mock.UpstreamBadAnswer"   // 502: cut short or too large
	CodeBusy        = "Mock.UpstreamBusy"        // 503: too many forwards in flight
)

// DefaultMaxInFlight bounds the calls forwarded at once: each holds a
// connection and up to MaxAnswerBytes of answer.
const DefaultMaxInFlight = 64

// MaxAnswerBytes bounds an upstream answer read into memory.
const MaxAnswerBytes = 32 << 20

// DefaultTimeout bounds one forwarded exchange: the server puts no deadline
// on a request's context, which ends only when its client goes away (that
// still ends the exchange sooner).
const DefaultTimeout = 60 * time.Second

// Forwarder sends calls to one upstream. It is safe for concurrent use.
type Forwarder struct {
	base    *url.URL
	creds   Credentials
	client  *http.Client
	now     func() time.Time
	timeout time.Duration // DefaultTimeout
}

// New returns a Forwarder to rawURL (http or https, e.g.
// https://cdn.aliyuncs.com). client nil: a client whose HTTPS verifies
// certificates against the system roots (SSL_CERT_FILE and SSL_CERT_DIR
// are honoured).
func New(rawURL string, creds Credentials, client *http.Client) (*Forwarder, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http or https URL such as https://cdn.aliyuncs.com", rawURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q: the upstream URL takes no query or fragment", rawURL)
	}
	if creds.AccessKeyID == "" || creds.AccessKeySecret == "" {
		_, err := CredentialsFromEnv(func(string) string { return "" })
		return nil, err
	}
	if client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.Proxy = http.ProxyFromEnvironment
		client = &http.Client{Transport: t}
	}
	// Redirects are answers too: the client gets them unchanged.
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if u.Path == "" {
		u.Path = "/"
	}
	return &Forwarder{base: u, creds: creds, client: &c, now: time.Now, timeout: DefaultTimeout}, nil
}

// URL is the upstream's address.
func (f *Forwarder) URL() string { return f.base.String() }

// Response is the upstream's answer, whole.
type Response struct {
	Status      int
	ContentType string
	RequestID   string // the x-acs-request-id header, else the body's RequestId
	Code        string // the body's error code; "" for a success
	Body        []byte
	JSON        bool // the body is JSON
	// Signed are the values the call was signed with (nonce, timestamp or
	// date, signature, security token): never to be recorded, as the
	// upstream may echo them.
	Signed []string
}

// Forward signs the client's request again (body: its exact bytes; acs3:
// the client signed with ACS3-HMAC-SHA256) and sends it. A transport
// failure is returned as the API error to answer.
func (f *Forwarder) Forward(ctx context.Context, r *http.Request, body []byte, acs3 bool) (*Response, *contract.APIError) {
	out, signed, err := f.outgoing(ctx, r, body, acs3)
	if err != nil {
		return nil, &contract.APIError{Status: http.StatusBadGateway, Code: CodeBadAnswer, Message: "the call could not be signed again: " + err.Error()}
	}
	res, aerr := f.Do(out)
	if res != nil {
		res.Signed = signed
	}
	return res, aerr
}

// Do sends a signed request and reads the answer.
func (f *Forwarder) Do(out *http.Request) (*Response, *contract.APIError) {
	ctx, cancel := context.WithTimeout(out.Context(), f.timeout)
	defer cancel()
	out = out.WithContext(ctx)
	resp, err := f.client.Do(out)
	if err != nil {
		return nil, f.transportError(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswerBytes+1))
	switch {
	case err != nil:
		return nil, f.transportError(err)
	case len(data) > MaxAnswerBytes:
		return nil, &contract.APIError{Status: http.StatusBadGateway, Code: CodeBadAnswer,
			Message: fmt.Sprintf("the upstream %s answered more than %d bytes", f.base.Host, MaxAnswerBytes)}
	}
	res := &Response{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: data}
	res.RequestID, res.Code, res.JSON = readAnswer(data)
	if id := resp.Header.Get("x-acs-request-id"); id != "" {
		res.RequestID = id
	}
	if res.Status >= 200 && res.Status < 300 && !looksLikeError(data, res.JSON) {
		res.Code = "" // a success body may well have a field named Code
	}
	return res, nil
}

// transportError is the answer to a failed exchange: 504 when the upstream
// did not answer in time, 502 otherwise. It names the upstream's host,
// never the request (which carries the signature).
func (f *Forwarder) transportError(err error) *contract.APIError {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &contract.APIError{Status: http.StatusGatewayTimeout, Code: CodeTimeout,
			Message: fmt.Sprintf("the upstream %s did not answer in time", f.base.Host)}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // without the URL, which holds the signed query
	}
	return &contract.APIError{Status: http.StatusBadGateway, Code: CodeUnreachable,
		Message: fmt.Sprintf("the upstream %s could not be reached: %v", f.base.Host, err)}
}

// nonce is 32 random hex digits, as the Go SDKs make them.
func nonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
