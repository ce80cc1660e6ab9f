package scenario

import (
	"net/url"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Counters remembers how often each counted step has answered, per
// scenario, access key and operation. Picking reads and bumps a count under
// one lock, so concurrent requests never both take a step's last use.
//
// The counts of one access key in one scenario are kept together, in a
// least-recently-used list of at most maxStepCounters (scenario, access key)
// pairs: memory and the cost of a call stay the same however many access
// keys callers make up. The pair used least recently is forgotten first;
// when that key calls again, its sequences in that scenario restart from
// the first step, as after a Bind.
type Counters struct {
	mu       sync.Mutex
	n        *simplelru.LRU[counterKey, stepCounts] // nil until the first count
	capacity int                                    // 0: maxStepCounters
}

// maxStepCounters bounds the (scenario, access key) pairs whose step counts
// are kept (see Counters).
const maxStepCounters = 10_000

type counterKey struct{ scenario, accessKeyID string }

// stepCounts is one key's counts in one scenario. Its size is bounded by
// the scenario's counted steps, which come from files, not from callers.
type stepCounts map[stepKey]int

type stepKey struct {
	action string
	step   int
}

// Pick returns the outcome of the first step whose conditions hold and whose
// count is not used up, and true; or the default outcome and false when the
// scenario lists no step for the action or none of its steps answers.
func (c *Counters) Pick(sc *Scenario, accessKeyID, action string, params url.Values) (Outcome, bool) {
	steps, ok := sc.Steps(action)
	if !ok {
		return defaultOutcome, false
	}
	if sc.counted {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	var counts stepCounts // looked up at the first counted step
	for i := range steps {
		st := &steps[i]
		if !st.matches(params) {
			continue
		}
		if st.Times > 0 {
			if counts == nil {
				counts = c.counts(counterKey{sc.Name, accessKeyID})
			}
			sk := stepKey{action, i}
			if counts[sk] >= st.Times {
				continue
			}
			counts[sk]++
		}
		return st.Outcome, true
	}
	return defaultOutcome, false
}

// counts returns the key's counts, made most recently used, or new ones
// (which may push out the least recently used pair). c.mu is held.
func (c *Counters) counts(k counterKey) stepCounts {
	if c.n == nil {
		c.n = newLRU[counterKey, stepCounts](c.capacity, maxStepCounters)
	}
	if m, ok := c.n.Get(k); ok {
		return m
	}
	m := stepCounts{}
	c.n.Add(k, m)
	return m
}

// Len is the number of (scenario, access key) pairs with counts kept.
func (c *Counters) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		return 0
	}
	return c.n.Len()
}

// Reset restarts the counts of a scenario: for one access key, or for all
// when accessKeyID is "". An empty scenario resets everything. Only the
// admin calls it; one key's reset costs O(1), a scenario's a pass over the
// bounded list.
func (c *Counters) Reset(scenario, accessKeyID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.n == nil:
	case scenario == "" && accessKeyID == "":
		c.n = nil
	case scenario != "" && accessKeyID != "":
		c.n.Remove(counterKey{scenario, accessKeyID})
	default:
		for _, k := range c.n.Keys() {
			if (scenario == "" || k.scenario == scenario) && (accessKeyID == "" || k.accessKeyID == accessKeyID) {
				c.n.Remove(k)
			}
		}
	}
}

// Plain tells whether o is the plain success a forwarding server may ask
// the real service for: no error, no fault, the success fixture, no task
// ending (a delay is still the mock's to add).
func (o Outcome) Plain() bool {
	return o.Error == "" && o.Fault == "" && o.Fixture == defaultOutcome.Fixture && o.Task == ""
}

// Sequenced tells whether sc answers action with a sequence: more than one
// step, or a step counted (times) or conditional (when). Its steps are
// the scenario's to answer, success included.
func (sc *Scenario) Sequenced(action string) bool {
	steps, _ := sc.Steps(action)
	if len(steps) > 1 {
		return true
	}
	return len(steps) == 1 && (steps[0].Times > 0 || len(steps[0].When) > 0)
}
