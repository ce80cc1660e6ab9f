package mock

import (
	"maps"
	"sync"
)

// control is the runtime scenario selection, changed through the admin API.
// It is read as a snapshot under a lock, so a request never sees a half-made
// change.
type control struct {
	mu       sync.RWMutex
	active   string
	bindings map[string]string // access key id → scenario
}

// Where a request's scenario came from, highest precedence first.
const (
	fromHeader  = "header"
	fromBinding = "binding"
	fromActive  = "active"
	fromDefault = "default"
)

// choose picks the scenario name for a request: the X-Mock-Scenario header,
// then a binding for the access key, then the active scenario, then default.
func (c *control) choose(header, accessKeyID string) (name, from string) {
	if header != "" {
		return header, fromHeader
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if name, ok := c.bindings[accessKeyID]; ok && accessKeyID != "" {
		return name, fromBinding
	}
	if c.active != "" && c.active != ScenarioDefault {
		return c.active, fromActive
	}
	return ScenarioDefault, fromDefault
}

func (c *control) setActive(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active = name
}

func (c *control) bind(accessKeyID, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bindings == nil {
		c.bindings = map[string]string{}
	}
	c.bindings[accessKeyID] = name
}

func (c *control) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active, c.bindings = ScenarioDefault, nil
}

// snapshot returns the active scenario and a copy of the bindings.
func (c *control) snapshot() (active string, bindings map[string]string) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	active = c.active
	if active == "" {
		active = ScenarioDefault
	}
	bindings = maps.Clone(c.bindings)
	if bindings == nil {
		bindings = map[string]string{}
	}
	return active, bindings
}
