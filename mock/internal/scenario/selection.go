package scenario

import (
	"errors"
	"fmt"
	"maps"
	"sync"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// Selection is the runtime scenario selection, changed through the admin API.
// It is read as a snapshot under a lock, so a request never sees a half-made
// change.
type Selection struct {
	mu       sync.RWMutex
	active   string
	bindings map[string]string // access key id → scenario
	capacity int               // 0: MaxBindings
}

// SetCapacity bounds the bindings at n keys (0: MaxBindings); the
// server's tests lower it to reach the bound.
func (c *Selection) SetCapacity(n int) {
	c.mu.Lock()
	c.capacity = n
	c.mu.Unlock()
}

// MaxBindings bounds the access keys bound to a scenario. A binding is set
// on purpose and a test relies on it, so none is ever dropped to make room:
// binding one more key is refused (ErrTooManyBindings) until a reset drops
// them all. Rebinding a key already bound always works.
const MaxBindings = 10_000

// ErrTooManyBindings is what Bind returns when maxBindings keys are bound.
var ErrTooManyBindings = errors.New("too many access keys bound")

// ErrAccessKeyTooLong is what Bind returns for an access key id longer than
// contract.MaxAccessKeyIDBytes: every call with it is refused, so a binding
// would never be used, and would cost up to the size of a parameter.
var ErrAccessKeyTooLong = fmt.Errorf("access key id longer than %d bytes", contract.MaxAccessKeyIDBytes)

// Where a request's scenario came from, highest precedence first.
const (
	fromHeader  = "header"
	fromBinding = "binding"
	fromActive  = "active"
	fromDefault = "default"
)

// Choose picks the scenario name for a request: the X-Mock-Scenario header,
// then a binding for the access key, then the active scenario, then default.
func (c *Selection) Choose(header, accessKeyID string) (name, from string) {
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

// SetActive makes name the scenario of every call whose key is not bound
// and that names none in its header.
func (c *Selection) SetActive(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active = name
}

// Bind makes the key's calls use the scenario name. It fails for a key
// longer than contract.MaxAccessKeyIDBytes (ErrAccessKeyTooLong) and for a
// new key once the capacity (MaxBindings) is reached (ErrTooManyBindings).
func (c *Selection) Bind(accessKeyID, name string) error {
	if n := len(accessKeyID); n > contract.MaxAccessKeyIDBytes {
		return fmt.Errorf("%w: it is %d bytes long, and API calls with it are refused", ErrAccessKeyTooLong, n)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bindings == nil {
		c.bindings = map[string]string{}
	}
	limit := c.capacity
	if limit <= 0 {
		limit = MaxBindings
	}
	if _, ok := c.bindings[accessKeyID]; !ok && len(c.bindings) >= limit {
		return fmt.Errorf("%w: %d keys are bound, the most the mock keeps; DELETE %s/scenario drops every binding",
			ErrTooManyBindings, len(c.bindings), adminapi.Prefix)
	}
	c.bindings[accessKeyID] = name
	return nil
}

// Unbind drops one key's binding and returns the scenario it had, or
// false when the key was not bound.
func (c *Selection) Unbind(accessKeyID string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	name, ok := c.bindings[accessKeyID]
	delete(c.bindings, accessKeyID)
	return name, ok
}

// Reset makes default the active scenario and drops every binding.
func (c *Selection) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active, c.bindings = ScenarioDefault, nil
}

// Snapshot returns the active scenario and a copy of the bindings.
func (c *Selection) Snapshot() (active string, bindings map[string]string) {
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
