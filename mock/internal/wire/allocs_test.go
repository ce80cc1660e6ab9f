//go:build !race

// The race detector allocates on its own; counts hold without it.

package wire

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/capture"
)

// TestFreshParamSetAllocations: when the pool has no set, the parameters' map is
// made for the pairs of the query and of a form body together: 14 more
// parameters cost its larger table (3 allocations with Go's maps; growing
// pair after pair cost 6), and a call whose parameters are in its body (as
// SDKs send a POST) costs what the same call costs all in its query, but
// for the body's string.
func TestFreshParamSetAllocations(t *testing.T) {
	sp := shippedSpecForTest(t)
	var pairs []string
	for _, k := range strings.Fields("A B C D E F G H I J K L M N") {
		pairs = append(pairs, k+"=v")
	}
	allocs := func(query, body string) float64 {
		return testing.AllocsPerRun(200, func() {
			r := httptest.NewRequest(http.MethodPost, "/?"+query, strings.NewReader(body))
			r.Header.Set("Content-Type", formCT)
			var c Call // never released: a set of its own each time, as the pool would have none
			if err := c.Decode(r, sp, 1<<20); err != nil {
				t.Fatal(err)
			}
		})
	}
	base := allocs("X=1", "")
	inQuery := allocs("X=1&"+strings.Join(pairs, "&"), "")
	inBody := allocs("X=1", strings.Join(pairs, "&"))
	if inQuery > base+3 {
		t.Errorf("14 more parameters cost %v allocations more; want at most 3 (a map made for them, not grown)", inQuery-base)
	}
	if inBody > inQuery+1 {
		t.Errorf("allocations above a call with one parameter: %v for 14 more in the query, %v for them in a form body; want at most one more (the body's string)",
			inQuery-base, inBody-base)
	}
}

// TestReleasedParamSetAllocations: a call decoded after another's Release
// takes that call's map and first values instead of allocating its own,
// for the bench's call and for every real client's captured call (up to
// 15 parameters: the SDKs add the signature's).
func TestReleasedParamSetAllocations(t *testing.T) {
	sp := shippedSpecForTest(t)
	calls := map[string]func() *http.Request{
		"bench": func() *http.Request {
			return httptest.NewRequest(http.MethodGet, "/?Action=A&Version=2018-05-10&Format=JSON&StartTime=a&EndTime=b", nil)
		},
	}
	for _, capt := range capture.MustLoad(t, "../..") {
		calls[capt.Set+"/"+capt.Name] = func() *http.Request { return capture.MustReadRequest(t, capt.Raw) }
	}
	for name, req := range calls {
		decode := func(release bool) float64 {
			return testing.AllocsPerRun(50, func() {
				var c Call
				if err := c.Decode(req(), sp, 1<<20); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if release {
					c.Release()
				}
			})
		}
		kept, released := decode(false), decode(true)
		if released > kept-3 { // the set, its map's table, the first values
			t.Errorf("%s: a decode allocates %v times after a Release, %v without; want at least 3 fewer", name, released, kept)
		}
	}
}
