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

var paramSets = sync.Pool{New: func() any { return &paramSet{m: url.Values{}} }}

// maxPooledParams bounds the parameters of a set given back to the pool:
// a map keeps the room it grew to, and a call of hundreds of parameters
// should not leave one that big behind for every later call to carry.
// A call of the API sends a dozen or two (SDKs add the signature's).
const maxPooledParams = 32

// takeParams points c.Params at a set from the pool, for about n pairs,
// and returns the decoder that fills it.
func (c *Call) takeParams(n int) pairs {
	ps := paramSets.Get().(*paramSet)
	if cap(ps.firsts) < n {
		ps.firsts = make([]string, 0, n)
	}
	c.held, c.Params = ps, ps.m
	return pairs{into: ps.m, firsts: ps.firsts[:0]}
}

// Release gives the call's parameters back for the next call to decode
// into. Nothing of c.Params may be used after, the map or a value slice:
// whatever outlives the request copies the values it keeps (the journal,
// tasks, resources, recordings). Strings are never reused, only the map
// and the slices that hold them. Release is safe to call twice, and on a
// Call that Decode did not fill.
func (c *Call) Release() {
	ps := c.held
	if ps == nil {
		return
	}
	c.held, c.Params = nil, nil
	if len(ps.m) > maxPooledParams || cap(ps.firsts) > maxPooledParams {
		return // left to the collector
	}
	clear(ps.m)
	clear(ps.firsts[:cap(ps.firsts)]) // the strings share the request's body: do not pin it
	paramSets.Put(ps)
}
