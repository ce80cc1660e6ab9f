package wire

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestReleaseClearsTheSet: a set goes back to the pool empty, its first
// values too (they share the request's body, which they would pin), and
// the Call lets go of it; a second Release, or one on a Call Decode did
// not fill, does nothing.
func TestReleaseClearsTheSet(t *testing.T) {
	sp := shippedSpecForTest(t)
	var c Call
	if err := c.Decode(httptest.NewRequest(http.MethodGet, "/?Action=A&Version=2018-05-10&X=1&X=2", nil), sp, 1<<20); err != nil {
		t.Fatal(err)
	}
	if want := (url.Values{"Action": {"A"}, "Version": {"2018-05-10"}, "X": {"1", "2"}}); !reflect.DeepEqual(c.Params, want) {
		t.Fatalf("decoded %v, want %v", c.Params, want)
	}
	ps := c.held
	c.Release()
	if c.Params != nil || c.held != nil {
		t.Errorf("after Release the call still holds its parameters: %v", c.Params)
	}
	if len(ps.m) != 0 {
		t.Errorf("the set went back to the pool with %v", ps.m)
	}
	for i, v := range ps.firsts[:cap(ps.firsts)] {
		if v != "" {
			t.Errorf("first value %d kept after Release: %q", i, v)
		}
	}
	c.Release()
	var zero Call
	zero.Release()
}

// TestReleaseLeavesLargeSets: a set that grew past maxPooledParams is left
// to the collector, not cleared for the pool, where every later call would
// carry its room.
func TestReleaseLeavesLargeSets(t *testing.T) {
	sp := shippedSpecForTest(t)
	pairs := []string{"Action=A", "Version=2018-05-10"}
	for i := range maxPooledParams {
		pairs = append(pairs, "P"+strconv.Itoa(i)+"=v")
	}
	var c Call
	if err := c.Decode(httptest.NewRequest(http.MethodGet, "/?"+strings.Join(pairs, "&"), nil), sp, 1<<20); err != nil {
		t.Fatal(err)
	}
	ps := c.held
	c.Release()
	if len(ps.m) != len(pairs) {
		t.Errorf("a set of %d parameters was cleared for the pool (%d left); want it left as it is", len(pairs), len(ps.m))
	}
}
