package mock

import (
	"container/heap"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// Authentication as the real gateway does it, before validation and
// scenarios: with Config.Credentials, every API call must carry a valid
// signature (signature.go) of an active access key, a timestamp within
// 15 minutes of the server's clock, a nonce not used before, and an action
// its policy allows. Without credentials none of this is checked.

// The gateway errors of authentication. Their statuses and messages come
// from the spec's x-acs-common-errors; a spec without them (an older
// --spec) gets authErrorDefaults.
const (
	codeSignatureDoesNotMatch    = "SignatureDoesNotMatch"
	codeIncompleteSignature      = "IncompleteSignature"
	codeInvalidSignatureMethod   = "InvalidSignatureMethod"
	codeAccessKeyNotFound        = "InvalidAccessKeyId.NotFound"
	codeAccessKeyInactive        = "InvalidAccessKeyId.Inactive"
	codeTimeStampExpired         = "InvalidTimeStamp.Expired"
	codeTimeStampFormat          = "InvalidTimeStamp.Format"
	codeSignatureNonceUsed       = "SignatureNonceUsed"
	codeForbiddenRAM             = "Forbidden.RAM"
	signatureMismatchMessageTail = "server string to sign is:"
)

var authErrorDefaults = map[string]ErrorDef{
	codeSignatureDoesNotMatch:  {Code: codeSignatureDoesNotMatch, Status: 400, Message: "Specified signature is not matched with our calculation."},
	codeIncompleteSignature:    {Code: codeIncompleteSignature, Status: 400, Message: "The request signature does not conform to Aliyun standards."},
	codeInvalidSignatureMethod: {Code: codeInvalidSignatureMethod, Status: 400, Message: "Specified signature method is not valid."},
	codeAccessKeyNotFound:      {Code: codeAccessKeyNotFound, Status: 404, Message: "Specified access key is not found."},
	codeAccessKeyInactive:      {Code: codeAccessKeyInactive, Status: 400, Message: "Specified access key is disabled."},
	codeTimeStampExpired:       {Code: codeTimeStampExpired, Status: 400, Message: "Specified time stamp or date value is expired."},
	codeTimeStampFormat:        {Code: codeTimeStampFormat, Status: 400, Message: "Specified time stamp or date value is not well formatted."},
	codeSignatureNonceUsed:     {Code: codeSignatureNonceUsed, Status: 400, Message: "Specified signature nonce was used already."},
	codeForbiddenRAM:           {Code: codeForbiddenRAM, Status: 403, Message: "User not authorized to operate on the specified resource, or this API doesn't support RAM."},
}

// maxClockSkew is how far a request's Timestamp / x-acs-date may be from
// the server's clock, either way.
const maxClockSkew = 15 * time.Minute

// authError is an authentication error with detail added to the spec's
// message.
func authError(sp *Spec, code, detail string) *apiError {
	d, ok := sp.Common[code]
	if !ok {
		d = authErrorDefaults[code]
	}
	e := &apiError{Status: d.Status, Code: d.Code, Message: d.Message}
	if detail != "" {
		e.Message += " " + detail
	}
	return e
}

func (p *sigProblem) apiError(sp *Spec) *apiError {
	if p.code == contract.CodeMissingParameter {
		return sp.Gateway(contract.CodeMissingParameter, p.detail)
	}
	return authError(sp, p.code, p.detail)
}

// admit is what every API call passes right after decoding, before
// validation and scenarios: the mock's limits (package wire, limits.go), then, with
// credentials, authentication.
func (s *Server) admit(r *http.Request, sp *Spec, call *Call) *apiError {
	if err := wire.CheckLimits(call, s.cfg.MaxParams, s.cfg.MaxParamBytes); err != nil {
		return err
	}
	if n := len(call.AccessKeyID); n > wire.MaxAccessKeyIDBytes { // unknown by definition; it would key per-key state
		return authError(sp, codeAccessKeyNotFound, fmt.Sprintf("The access key id is %d bytes long, longer than %d bytes.", n, wire.MaxAccessKeyIDBytes))
	}
	if s.cfg.Credentials == nil {
		return nil
	}
	return s.authenticate(r, sp, call, s.cfg.Credentials)
}

// authenticate checks, in order: the signature's parts are there; the
// timestamp is well formed and within 15 minutes of the server's clock; the
// access key exists and is active; the signature matches; the nonce was not
// used; the key's policy allows the action. On success the call's access
// key id is the verified one and its Account the key's account.
func (s *Server) authenticate(r *http.Request, sp *Spec, call *Call, creds *Credentials) *apiError {
	var sg *signed
	var prob *sigProblem
	auth := r.Header.Get(wire.HeaderAuthorization)
	switch {
	case call.ACS3:
		body, err := s.callBody(r, call)
		if err != nil {
			return err
		}
		sg, prob = parseACS3(r, body)
	case strings.HasPrefix(auth, "ACS3-"):
		alg, _, _ := strings.Cut(auth, " ")
		if alg == acs3Algorithm {
			prob = &sigProblem{codeIncompleteSignature, "The Authorization header has no Credential."}
		} else {
			prob = &sigProblem{codeInvalidSignatureMethod, "The mock verifies " + acs3Algorithm + " and the RPC signature " + rpcSignatureMethod + ", not " + alg + "."}
		}
	default:
		sg, prob = parseRPC(r.Method, call.Params)
	}
	if prob != nil {
		return prob.apiError(sp)
	}

	now := s.cfg.Clock.Now()
	ts, err := time.Parse(contract.TimeLayout, sg.date)
	if err != nil {
		return authError(sp, codeTimeStampFormat, fmt.Sprintf("%s must be UTC in the form yyyy-MM-ddTHH:mm:ssZ, e.g. %s.", sg.dateName, now.Format(contract.TimeLayout)))
	}
	if skew := now.Sub(ts); skew > maxClockSkew || skew < -maxClockSkew {
		return authError(sp, codeTimeStampExpired, fmt.Sprintf("%s %s is more than %v from the server's time, %s.",
			sg.dateName, ts.Format(contract.TimeLayout), maxClockSkew, now.Format(contract.TimeLayout)))
	}

	key := creds.Key(sg.keyID)
	switch {
	case key == nil:
		return authError(sp, codeAccessKeyNotFound, "")
	case key.Inactive:
		return authError(sp, codeAccessKeyInactive, "")
	case !sg.matches(key.Secret):
		// As Alibaba's: the old Go SDK compares the text after the tail with
		// its own string to sign, to tell a wrong secret from a signing bug.
		return authError(sp, codeSignatureDoesNotMatch, signatureMismatchMessageTail+sg.stringToSign)
	}
	call.AccessKeyID, call.Account = key.ID, key.account()

	expires := now.Add(maxClockSkew)
	if ts.After(now) {
		expires = ts.Add(maxClockSkew)
	}
	if !s.nonces.use(key.ID, sg.nonce, expires, now) {
		return authError(sp, codeSignatureNonceUsed, "")
	}

	if op := sp.Operation(call.Action); op != nil { // an unknown action is InvalidAction.NotFound later
		action := strings.ToLower(sp.Product) + ":" + op.Name
		if ok, why := key.Policy.decide(action); !ok {
			return authError(sp, codeForbiddenRAM, fmt.Sprintf("Action %s is %s (access key %s).", action, why, key.ID))
		}
	}
	return nil
}

// callBody returns the request body's bytes: those wire.Decode read (a form
// body), else the body read now, within the same limit.
func (s *Server) callBody(r *http.Request, call *Call) ([]byte, *apiError) {
	return call.WholeBody(r, s.cfg.MaxBodyBytes) // package wire
}

// --- nonces ---

// defaultNonceCapacity bounds the nonces remembered: beyond it the ones
// expiring soonest are forgotten first.
const defaultNonceCapacity = 100_000

// nonceCache remembers the nonces of accepted calls until their timestamp
// can no longer pass the skew check, in bounded memory: each entry is a
// fixed-size hash, entries are pruned as the server's clock passes their
// expiry, and a hard cap evicts the soonest to expire. The zero value is
// ready to use.
type nonceCache struct {
	mu       sync.Mutex
	seen     map[nonceKey]time.Time // → expiry
	byExpiry nonceHeap
	capacity int // 0: defaultNonceCapacity
}

type nonceKey [16]byte

type nonceItem struct {
	expires time.Time
	key     nonceKey
}

type nonceHeap []nonceItem

func (h nonceHeap) Len() int           { return len(h) }
func (h nonceHeap) Less(i, j int) bool { return h[i].expires.Before(h[j].expires) }
func (h nonceHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *nonceHeap) Push(x any)        { *h = append(*h, x.(nonceItem)) }
func (h *nonceHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

// use records the access key's nonce until expires and reports whether it
// was free (not seen, or seen but expired by now).
func (n *nonceCache) use(keyID, nonce string, expires, now time.Time) bool {
	h := sha256.New()
	h.Write([]byte(keyID))
	h.Write([]byte{0})
	h.Write([]byte(nonce))
	var k nonceKey
	copy(k[:], h.Sum(nil))

	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seen == nil {
		n.seen = map[nonceKey]time.Time{}
	}
	if exp, ok := n.seen[k]; ok && now.Before(exp) {
		return false
	}
	for len(n.byExpiry) > 0 && !now.Before(n.byExpiry[0].expires) {
		n.popOldest()
	}
	limit := n.capacity
	if limit <= 0 {
		limit = defaultNonceCapacity
	}
	for len(n.seen) >= limit && len(n.byExpiry) > 0 {
		n.popOldest()
	}
	n.seen[k] = expires
	heap.Push(&n.byExpiry, nonceItem{expires: expires, key: k})
	return true
}

func (n *nonceCache) popOldest() {
	it := heap.Pop(&n.byExpiry).(nonceItem)
	if exp, ok := n.seen[it.key]; ok && exp.Equal(it.expires) {
		delete(n.seen, it.key)
	}
}

func (n *nonceCache) len() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.seen)
}

// --- the admin token ---

// protectAdmin makes the admin API require Config.AdminToken as a Bearer
// token, when one is set. Open without it: GET /_mock/health, the console's
// page and files (they hold no data; the page sends the token it is given),
// and export downloads, whose URLs carry their own secret token and are
// handed to API clients.
func (s *Server) protectAdmin(g *echo.Group) {
	want := s.cfg.AdminToken
	if want == "" {
		return
	}
	g.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if adminOpenRoute(c.Path()) || bearerMatches(c.Request().Header.Get(wire.HeaderAuthorization), want) {
				return next(c)
			}
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="cdnmock admin API"`)
			return c.JSON(http.StatusUnauthorized, adminapi.Error{Code: "Mock.Unauthorized",
				Message: "the admin API needs the header Authorization: Bearer <token>, the token given to --admin-token; the console takes it as /_mock/ui#token=<token>"})
		}
	})
}

// adminOpenRoute tells the routes (echo's route patterns) that need no token.
func adminOpenRoute(route string) bool {
	ui := AdminPrefix + "/ui"
	return route == AdminPrefix+"/health" || route == ui || strings.HasPrefix(route, ui+"/") ||
		strings.HasPrefix(route, tasks.DownloadPath(""))
}

func bearerMatches(header, want string) bool {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(want)) == 1
}
