//go:build !race

// The race detector allocates on its own; counts hold without it.

package wire

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestDecodeSizesParamsForTheBody: the parameters' map is made for the
// pairs of the query and of a form body together, so a call whose
// parameters are mostly in its body (as SDKs send a POST) costs what the
// same call costs all in its query, but for the body's string, instead of
// growing the map pair after pair.
func TestDecodeSizesParamsForTheBody(t *testing.T) {
	sp := shippedSpecForTest(t)
	var pairs []string
	for _, k := range strings.Fields("A B C D E F G H I J K L M N") {
		pairs = append(pairs, k+"=v")
	}
	allocs := func(query, body string) float64 {
		return testing.AllocsPerRun(200, func() {
			r := httptest.NewRequest(http.MethodPost, "/?"+query, strings.NewReader(body))
			r.Header.Set("Content-Type", formCT)
			if _, err := Decode(r, sp, 1<<20); err != nil {
				t.Fatal(err)
			}
		})
	}
	base := allocs("X=1", "")
	inQuery := allocs("X=1&"+strings.Join(pairs, "&"), "")
	inBody := allocs("X=1", strings.Join(pairs, "&"))
	if inBody > inQuery+1 {
		t.Errorf("allocations above a call with one parameter: %v for 14 more in the query, %v for them in a form body; want at most one more (the body's string)",
			inQuery-base, inBody-base)
	}
}

// TestDecodeReusesReleasedParams: a call decoded after another's Release
// takes that call's map and first values instead of allocating its own.
func TestDecodeReusesReleasedParams(t *testing.T) {
	sp := shippedSpecForTest(t)
	r := httptest.NewRequest(http.MethodGet, "/?Action=A&Version=2018-05-10&Format=JSON&StartTime=a&EndTime=b", nil)
	decode := func(release bool) float64 {
		return testing.AllocsPerRun(200, func() {
			var c Call
			if err := c.Decode(r, sp, 1<<20); err != nil {
				t.Fatal(err)
			}
			if release {
				c.Release()
			}
		})
	}
	kept, released := decode(false), decode(true)
	if released > kept-3 { // the set, its map's table, the first values
		t.Errorf("a decode allocates %v times after a Release, %v without; want at least 3 fewer", released, kept)
	}
}
