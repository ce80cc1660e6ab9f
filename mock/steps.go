package mock

import (
	"net/url"
	"sync"
)

// stepCounters remembers how often each counted step has answered, per
// scenario, access key and operation. Picking reads and bumps a count under
// one lock, so concurrent requests never both take a step's last use.
type stepCounters struct {
	mu sync.Mutex
	n  map[counterKey]int
}

type counterKey struct {
	scenario, accessKeyID, action string
	step                          int
}

// pick returns the outcome of the first step whose conditions hold and whose
// count is not used up, or the default outcome when none does.
func (c *stepCounters) pick(sc *Scenario, accessKeyID, action string, params url.Values) Outcome {
	steps, ok := sc.ops[action]
	if !ok {
		return defaultOutcome
	}
	if sc.counted {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	for i := range steps {
		st := &steps[i]
		if !st.matches(params) {
			continue
		}
		if st.Times > 0 {
			k := counterKey{sc.Name, accessKeyID, action, i}
			if c.n[k] >= st.Times {
				continue
			}
			if c.n == nil {
				c.n = map[counterKey]int{}
			}
			c.n[k]++
		}
		return st.Outcome
	}
	return defaultOutcome
}

// reset restarts the counts of a scenario: for one access key, or for all
// when accessKeyID is "". An empty scenario resets everything.
func (c *stepCounters) reset(scenario, accessKeyID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.n {
		if (scenario == "" || k.scenario == scenario) && (accessKeyID == "" || k.accessKeyID == accessKeyID) {
			delete(c.n, k)
		}
	}
}
