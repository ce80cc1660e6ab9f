package resources

import (
	"errors"
	"fmt"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// tooMany answers more pieces than an each takes: its tooMany code, else
// the gateway's InvalidParameter.
func tooMany(c Call, e contract.EachDef, limit int) *contract.APIError {
	if e.TooMany != "" {
		return apiError(c, e.TooMany, e.Param)
	}
	err := c.Spec.Gateway(contract.CodeInvalidParameter, e.Param)
	err.Message += fmt.Sprintf(" At most %d items.", limit)
	return err
}

// pieceError answers a piece an each refuses: its pattern or maxLength
// (the each's invalid code, else the gateway's InvalidParameter), or a
// value that does not split (the hook's invalid code).
func pieceError(c Call, h *contract.StateHook, e contract.EachDef, err error) *contract.APIError {
	var pe *contract.PieceError
	if !errors.As(err, &pe) {
		return invalid(c, h, fmt.Errorf("%s: %v", e.Param, err))
	}
	out := c.Spec.Gateway(contract.CodeInvalidParameter, e.Param)
	if e.Invalid != "" {
		out = apiError(c, e.Invalid, e.Param)
	}
	out.Message += " " + pe.Msg
	return out
}
