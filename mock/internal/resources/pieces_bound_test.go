package resources

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// A create whose pieces alone pass perAccount is refused before any item
// is made, even for a resource that evicts: otherwise the call would push
// out its own first items and answer ids that are already gone.
func TestPiecesPastPerAccountRefused(t *testing.T) {
	sp := shippedSpec(t)
	sp.Resources["cache-task"].PerAccount = 10
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	refresh := func(n int) (int, string, string) {
		paths := make([]string, n)
		for i := range paths {
			paths[i] = fmt.Sprintf("http://www.example.com/%d.png", i)
		}
		params := url.Values{"ObjectPath": {strings.Join(paths, "\n")}, "ObjectType": {"File"}}
		made, e := s.Apply(Call{Spec: sp, Op: sp.Operation("RefreshObjectCaches"), Account: "A", Params: params, Now: listT0})
		if e != nil {
			return 0, e.Code, e.Message
		}
		return len(made.Items), "", ""
	}
	if n, code, msg := refresh(11); code != "InvalidParameter" || !strings.Contains(msg, "11 items in one call; the account keeps at most 10") || n != 0 {
		t.Errorf("11 paths, 10 per account: %d items, %s %q", n, code, msg)
	}
	if s.Len() != 0 {
		t.Errorf("the refused call kept %d items", s.Len())
	}
	if n, code, _ := refresh(10); code != "" || n != 10 || s.Len() != 10 {
		t.Errorf("10 paths: %d items answered, %q, %d kept", n, code, s.Len())
	}
}
