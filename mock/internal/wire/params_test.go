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

// filledSet decodes raw into a set of its own, fit for its pairs as
// takeParams fits one, and that the pool never holds, so a test may read
// it after reset.
func filledSet(t *testing.T, raw string) *paramSet {
	t.Helper()
	ps := new(paramSet)
	ps.fit(countPairs(raw))
	p := pairs{into: ps.m, firsts: ps.firsts}
	if err := p.add(shippedSpecForTest(t), raw); err != nil {
		t.Fatal(err)
	}
	ps.firsts = p.firsts
	return ps
}

// pairsOf is n parameters P0=v&P1=v&…
func pairsOf(n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "P" + strconv.Itoa(i) + "=v"
	}
	return strings.Join(ps, "&")
}

// TestResetEmptiesTheSet: a set goes back to the pool empty, its first
// values too (they share the request's body, which they would pin).
func TestResetEmptiesTheSet(t *testing.T) {
	ps := filledSet(t, "A=1&B=2&B=3")
	if !ps.reset() {
		t.Fatal("a set of 2 parameters is not pooled")
	}
	if len(ps.m) != 0 {
		t.Errorf("the set went back with %v", ps.m)
	}
	for i, v := range ps.firsts[:cap(ps.firsts)] {
		if v != "" {
			t.Errorf("first value %d kept: %q", i, v)
		}
	}
}

// TestResetBound: a set of maxPooledParams parameters is pooled; one
// decoded for more, made for more pairs (a parameter repeated), or whose
// map took more after decoding (the spec's defaults), is left to the
// collector as it is, where every later call would otherwise carry its
// room.
func TestResetBound(t *testing.T) {
	if ps := filledSet(t, pairsOf(maxPooledParams)); !ps.reset() || len(ps.m) != 0 {
		t.Errorf("a set of %d parameters (the bound) is not pooled", maxPooledParams)
	}
	if ps := filledSet(t, pairsOf(maxPooledParams+1)); ps.reset() || len(ps.m) != maxPooledParams+1 {
		t.Errorf("a set decoded for %d parameters is cleared for the pool; want it left as it is", maxPooledParams+1)
	}
	repeated := strings.Repeat("A=1&", maxPooledParams+1) // one parameter, its first values' array made for all the pairs
	if ps := filledSet(t, repeated); ps.reset() || cap(ps.firsts) <= maxPooledParams {
		t.Errorf("a set made for %d pairs is cleared for the pool; want it left as it is", maxPooledParams+1)
	}
	ps := filledSet(t, pairsOf(maxPooledParams))
	ps.m["Default"] = []string{"d"} // as AddDefaults adds one
	if ps.reset() || len(ps.m) != maxPooledParams+1 {
		t.Errorf("a set whose map holds %d parameters is cleared for the pool; want it left as it is", maxPooledParams+1)
	}
}

// TestReleaseLetsGo: after Release the Call holds nothing of its set; a
// second Release, or one on a Call Decode did not fill, does nothing.
func TestReleaseLetsGo(t *testing.T) {
	var c Call
	if err := c.Decode(httptest.NewRequest(http.MethodGet, "/?Action=A&Version=2018-05-10&X=1&X=2", nil), shippedSpecForTest(t), 1<<20); err != nil {
		t.Fatal(err)
	}
	if want := (url.Values{"Action": {"A"}, "Version": {"2018-05-10"}, "X": {"1", "2"}}); !reflect.DeepEqual(c.Params, want) {
		t.Fatalf("decoded %v, want %v", c.Params, want)
	}
	c.Release()
	if c.Params != nil || c.held != nil {
		t.Errorf("after Release the call still holds its parameters: %v", c.Params)
	}
	c.Release()
	var zero Call
	zero.Release()
}
