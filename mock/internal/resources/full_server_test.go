package resources

import (
	"net/url"
	"strings"
	"testing"
)

// A refusal at the server's bound says it is the mock's own bound and how
// to free it; one at the account's bound is the API's message alone.
func TestServerFullMessage(t *testing.T) {
	sp := shippedSpec(t)
	s, err := Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	s.limit = 2
	add := func(account, name string) (string, string) {
		params := url.Values{"DomainName": {name}, "CdnType": {"web"}, "Sources": {src}}
		_, e := s.Apply(Call{Spec: sp, Op: sp.Operation("AddCdnDomain"), Account: account, Params: params, Now: listT0})
		if e == nil {
			return "", ""
		}
		return e.Code, e.Message
	}
	add("A", "a1.example.com")
	add("B", "b1.example.com")
	code, msg := add("C", "c1.example.com")
	if code != "DomainOverLimit" || !strings.Contains(msg, "at most 2 domain items on the server") || !strings.Contains(msg, "DELETE /_mock/resources") {
		t.Errorf("at the server's bound: %s %q", code, msg)
	}
	sp.Resources["domain"].PerAccount = 1
	s.limit = 100
	code, msg = add("A", "a2.example.com")
	if code != "DomainOverLimit" || strings.Contains(msg, "server") {
		t.Errorf("at the account's bound: %s %q", code, msg)
	}
}
