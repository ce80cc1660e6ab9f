package scenario

import (
	"fmt"
	"sort"
	"strings"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// hintListMax is how many operations a message lists in full; a larger spec
// (the generated layer has 166) gets the closest names instead.
const hintListMax = 20

// operationHint says which operations a name that matches none could have
// meant: all of them in a small spec, else the three closest spellings.
func operationHint(spec *contract.Spec, name string) string {
	names := spec.OperationNames()
	if len(names) <= hintListMax {
		return "known operations: " + strings.Join(names, ", ")
	}
	type scored struct {
		name string
		dist int
	}
	all := make([]scored, len(names))
	for i, n := range names {
		all[i] = scored{n, diag.EditDistance(strings.ToLower(name), strings.ToLower(n))}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].dist < all[j].dist })
	closest := make([]string, 0, 3)
	for _, s := range all[:3] {
		closest = append(closest, s.name)
	}
	return fmt.Sprintf("closest: %s (%d operations; GET %s/operations lists them)", strings.Join(closest, ", "), len(names), adminapi.Prefix)
}
