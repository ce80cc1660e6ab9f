package mock

import (
	"net/http"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/auth"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/wire"
)

// admit is what every API call passes right after decoding, before
// validation and scenarios: the mock's limits (package wire), then, with
// credentials, authentication (package auth, Verifier).
func (s *Server) admit(r *http.Request, sp *Spec, call *Call) *apiError {
	if err := wire.CheckLimits(call, s.cfg.MaxParams, s.cfg.MaxParamBytes); err != nil {
		return err
	}
	if err := auth.CheckKeyIDLength(sp, call.AccessKeyID); err != nil { // unknown by definition; it would key per-key state
		return err
	}
	if s.verifier == nil {
		return nil
	}
	return s.verifier.Verify(r, sp, call, s.cfg.Clock.Now())
}
