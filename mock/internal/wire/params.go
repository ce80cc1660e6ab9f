package wire

import (
	"net/url"
	"sync"
)

// paramSet is what a call's parameters are decoded into: the map and the
// backing array of first values (pairs). Decoding a call allocated both,
// about a third of the bytes the mock itself allocates per request, and
// bytes allocated are what the collector's work grows with
// (BenchmarkServeHTTP); a set is reused instead, call after call.
type paramSet struct {
	m      url.Values
	firsts []string
}

var paramSets = sync.Pool{New: func() any { return new(paramSet) }}

// maxPooledParams bounds the pairs a set was made or grown for, and the
// parameters it held, when it is given back: a map keeps the room it grew
// to, and a call of hundreds of parameters should not leave one that big
// behind for every later call to carry. A call of the API sends a dozen or
// two (SDKs add the signature's; the journal has taken the spec's defaults
// out again by then).
const maxPooledParams = 32

// takeParams points c.Params at a set from the pool, fit for about n
// pairs, and returns the decoder that fills it.
func (c *Call) takeParams(n int) pairs {
	ps := paramSets.Get().(*paramSet)
	ps.fit(n)
	c.held, c.Params = ps, ps.m
	return pairs{into: ps.m, firsts: ps.firsts[:0]}
}

// fit makes the set ready for about n pairs: a new set's map is made for
// them, and the first values' array is made larger when it is smaller.
func (ps *paramSet) fit(n int) {
	if ps.m == nil {
		ps.m = make(url.Values, n)
	}
	if cap(ps.firsts) < n {
		ps.firsts = make([]string, 0, n)
	}
}

// Release gives the call's parameters back for the next call to decode
// into. Nothing of c.Params may be used after, the map or a value slice:
// whatever outlives the request copies the values it keeps (the journal,
// tasks, resources, recordings). Strings are never reused, only the map
// and the slices that hold them. Releasing c again, or a Call that Decode
// did not fill, does nothing.
func (c *Call) Release() {
	ps := c.held
	if ps == nil {
		return
	}
	c.held, c.Params = nil, nil
	if ps.reset() {
		paramSets.Put(ps)
	}
}

// reset empties the set for its next call and reports whether it may go
// back to the pool; a set grown past maxPooledParams is left as it is, to
// the collector. Each parameter decoded takes one first value, so the map
// outgrows the array only by parameters added after decoding (the spec's
// defaults): both are checked.
func (ps *paramSet) reset() bool {
	if len(ps.m) > maxPooledParams || cap(ps.firsts) > maxPooledParams {
		return false
	}
	clear(ps.m)
	clear(ps.firsts[:cap(ps.firsts)]) // the strings share the request's body: do not pin it
	return true
}

// noCopy makes go vet's copylocks check report a copy of the struct that
// holds it; it is not a lock.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
