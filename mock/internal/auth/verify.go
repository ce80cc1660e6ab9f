package auth

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// The verify step, as the real gateway does it, before validation and
// scenarios: every API call must carry a valid signature (signature.go) of
// an active access key, a timestamp within 15 minutes of the server's
// clock, a nonce not used before, and an action its policy allows.

// The gateway errors of authentication. Their statuses and messages come
// from the spec's x-acs-common-errors; a spec without them (an older
// --spec) gets errorDefaults.
const (
	codeSignatureDoesNotMatch  = "SignatureDoesNotMatch"
	codeIncompleteSignature    = "IncompleteSignature"
	codeInvalidSignatureMethod = "InvalidSignatureMethod"
	codeAccessKeyNotFound      = "InvalidAccessKeyId.NotFound"
	codeAccessKeyInactive      = "InvalidAccessKeyId.Inactive"
	codeTimeStampExpired       = "InvalidTimeStamp.Expired"
	codeTimeStampFormat        = "InvalidTimeStamp.Format"
	codeSignatureNonceUsed     = "SignatureNonceUsed"
	codeForbiddenRAM           = "Forbidden.RAM"
	// signatureMismatchMessageTail ends SignatureDoesNotMatch's message,
	// before the server's string to sign.
	signatureMismatchMessageTail = "server string to sign is:"
)

var errorDefaults = map[string]contract.ErrorDef{
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

// MaxClockSkew is how far a request's Timestamp / x-acs-date may be from
// the server's clock, either way.
const MaxClockSkew = 15 * time.Minute

// apiError is an authentication error with detail added to the spec's
// message.
func apiError(sp *contract.Spec, code, detail string) *contract.APIError {
	d, ok := sp.Common[code]
	if !ok {
		d = errorDefaults[code]
	}
	e := &contract.APIError{Status: d.Status, Code: d.Code, Message: d.Message}
	if detail != "" {
		e.Message += " " + detail
	}
	return e
}

// APIError is the answer to the problem, in the spec's words.
func (p *Problem) APIError(sp *contract.Spec) *contract.APIError {
	if p.Code == contract.CodeMissingParameter {
		return sp.Gateway(contract.CodeMissingParameter, p.Detail)
	}
	return apiError(sp, p.Code, p.Detail)
}

// Verifier checks API calls against a set of credentials, remembering the
// nonces it accepted. Use one per server: nonces are per Verifier.
type Verifier struct {
	creds   *Credentials
	maxBody int64
	nonces  nonceCache
}

// NewVerifier checks calls against creds; an ACS3 call's body not yet read
// is read up to maxBody bytes.
func NewVerifier(creds *Credentials, maxBody int64) *Verifier {
	return &Verifier{creds: creds, maxBody: maxBody}
}

// Verify checks, in order: the signature's parts are there; the timestamp
// is well formed and within 15 minutes of now; the access key exists and
// is active; the signature matches; the nonce was not used; the key's
// policy allows the action. On success the call's access key id is the
// verified one and its Account the key's account.
func (v *Verifier) Verify(r *http.Request, sp *contract.Spec, call *wire.Call, now time.Time) *contract.APIError {
	var sg *Signed
	var prob *Problem
	switch {
	case call.ACS3:
		body, err := v.callBody(r, call)
		if err != nil {
			return err
		}
		sg, prob = ParseACS3(r, body)
	case strings.HasPrefix(call.Algorithm, "ACS3-"): // another ACS3 algorithm
		prob = &Problem{codeInvalidSignatureMethod, "The mock verifies " + wire.ACS3Algorithm + " and the RPC signature " + RPCSignatureMethod + ", not " + call.Algorithm + "."}
	default:
		sg, prob = ParseRPC(r.Method, call.Params)
	}
	if prob != nil {
		return prob.APIError(sp)
	}

	ts, err := contract.ParseTime(sg.Date)
	if err != nil {
		return apiError(sp, codeTimeStampFormat, fmt.Sprintf("%s must be UTC in the form yyyy-MM-ddTHH:mm:ssZ, e.g. %s.", sg.DateName, now.Format(contract.TimeLayout)))
	}
	if skew := now.Sub(ts); skew > MaxClockSkew || skew < -MaxClockSkew {
		return apiError(sp, codeTimeStampExpired, fmt.Sprintf("%s %s is more than %v from the server's time, %s.",
			sg.DateName, ts.Format(contract.TimeLayout), MaxClockSkew, now.Format(contract.TimeLayout)))
	}

	key := v.creds.Key(sg.KeyID)
	switch {
	case key == nil:
		return apiError(sp, codeAccessKeyNotFound, "")
	case key.Inactive:
		return apiError(sp, codeAccessKeyInactive, "")
	case !sg.Matches(key.Secret):
		// As Alibaba's: the old Go SDK compares the text after the tail with
		// its own string to sign, to tell a wrong secret from a signing bug.
		return apiError(sp, codeSignatureDoesNotMatch, signatureMismatchMessageTail+sg.StringToSign)
	}
	call.AccessKeyID, call.Account = key.ID, key.account()

	expires := now.Add(MaxClockSkew)
	if ts.After(now) {
		expires = ts.Add(MaxClockSkew)
	}
	if !v.nonces.use(key.ID, sg.Nonce, expires, now) {
		return apiError(sp, codeSignatureNonceUsed, "")
	}

	if op := sp.Summary(call.Action); op != nil { // its name alone: nothing is loaded; an unknown action is InvalidAction.NotFound later
		action := strings.ToLower(sp.Product) + ":" + op.Name
		if ok, why := key.Policy.decide(action); !ok {
			return apiError(sp, codeForbiddenRAM, fmt.Sprintf("Action %s is %s (access key %s).", action, why, key.ID))
		}
	}
	return nil
}

// callBody returns the request body's bytes: those Call.Decode read (a form
// body), else the body read now, within the same limit.
func (v *Verifier) callBody(r *http.Request, call *wire.Call) ([]byte, *contract.APIError) {
	return call.WholeBody(r, v.maxBody) // package wire
}

// CheckKeyIDLength refuses an access key id longer than
// contract.MaxAccessKeyIDBytes, with or without credentials: no such key
// exists, and it would key per-key state.
func CheckKeyIDLength(sp *contract.Spec, keyID string) *contract.APIError {
	if n := len(keyID); n > contract.MaxAccessKeyIDBytes {
		return apiError(sp, codeAccessKeyNotFound, fmt.Sprintf("The access key id is %d bytes long, longer than %d bytes.", n, contract.MaxAccessKeyIDBytes))
	}
	return nil
}
