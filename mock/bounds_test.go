package mock

// State keyed by what callers send (access keys, actions) stays within a
// global bound at a pinned clock (the stages' own bounds are tested in
// package scenario).

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"
)

var boundsNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// The server's own bound, through Bind and the admin API.
func TestServerBindingsBounded(t *testing.T) {
	s, err := New(Config{Clock: FixedClock(boundsNow)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	for i := range scenario.MaxBindings {
		if err := s.Bind(fmt.Sprintf("AK-%d", i), "InternalError"); err != nil {
			t.Fatalf("binding %d: %v", i, err)
		}
	}
	if err := s.Bind("AK-one-more", "InternalError"); !errors.Is(err, scenario.ErrTooManyBindings) {
		t.Fatalf("binding %d: %v, want scenario.ErrTooManyBindings", scenario.MaxBindings+1, err)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPut, AdminPrefix+"/scenario",
		strings.NewReader(`{"scenario":"InternalError","accessKeyId":"AK-one-more"}`)))
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), `"Mock.TooManyBindings"`) {
		t.Errorf("admin bind beyond the bound: %d %s", w.Code, w.Body)
	}
	if err := s.Bind("AK-0", "ServiceUnavailable"); err != nil {
		t.Errorf("rebinding a bound key: %v", err)
	}
	s.ResetScenarios()
	if err := s.Bind("AK-one-more", "InternalError"); err != nil {
		t.Errorf("after a reset: %v", err)
	}
}

// The whole handler at a pinned clock with throttling on: the busy key is
// refused at call limit+1 while thousands of other keys come and go, and no
// per-key structure grows past its bound.
func TestManyAccessKeysThroughHandler(t *testing.T) {
	s, err := New(Config{Clock: FixedClock(boundsNow)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	const action = "DescribeCdnService"
	limit := s.Spec().Operation(action).RateLimit
	if limit <= 0 {
		t.Fatalf("%s has no rate limit in the spec", action)
	}
	get := func(ak string) int {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/?Action="+action+"&Version=2018-05-10&Format=JSON&AccessKeyId="+ak, nil))
		return w.Code
	}
	for i := range limit {
		if code := get("AK-busy"); code != http.StatusOK {
			t.Fatalf("busy key's call %d: %d", i+1, code)
		}
	}
	keys := scenario.MaxBuckets + scenario.MaxBuckets/2
	if testing.Short() {
		keys = scenario.MaxBuckets + 100
	}
	for i := range keys {
		if code := get(fmt.Sprintf("AK-%d", i)); code != http.StatusOK {
			t.Fatalf("new key %d: %d", i, code)
		}
		if i%50 == 0 && get("AK-busy") != http.StatusBadRequest {
			t.Fatalf("busy key's call %d was not throttled after %d other keys", limit+1, i)
		}
	}
	if n := s.throttle.Len(); n != scenario.MaxBuckets {
		t.Errorf("%d buckets, want the bound %d", n, scenario.MaxBuckets)
	}
	s.Clock().Advance(time.Second)
	if code := get("AK-busy"); code != http.StatusOK {
		t.Errorf("busy key a second later: %d", code)
	}
}
