package scenario

import "testing"

// Choose's precedence: the header, then the key's binding, then the active
// scenario, then default. A binding for "" is never used: a call without a
// key has no binding.
func TestSelectionChoose(t *testing.T) {
	type state struct {
		active   string            // "" leaves the zero Selection's
		bindings map[string]string // access key → scenario
	}
	bound := state{active: "throttled", bindings: map[string]string{"AK-bound": "bound-one"}}
	for _, c := range []struct {
		name        string
		state       state
		header, key string
		want, from  string
	}{
		{"nothing set", state{}, "", "AK", ScenarioDefault, fromDefault},
		{"active default is default", state{active: ScenarioDefault}, "", "AK", ScenarioDefault, fromDefault},
		{"active", state{active: "throttled"}, "", "AK", "throttled", fromActive},
		{"binding over active", bound, "", "AK-bound", "bound-one", fromBinding},
		{"another key: active", bound, "", "AK-other", "throttled", fromActive},
		{"no key: active", bound, "", "", "throttled", fromActive},
		{"header over binding", bound, "from-header", "AK-bound", "from-header", fromHeader},
		{"header over active", state{active: "throttled"}, "from-header", "AK", "from-header", fromHeader},
		{"header over default", state{}, "from-header", "", "from-header", fromHeader},
		{"a binding for no key is not used", state{active: "throttled", bindings: map[string]string{"": "bound-one"}}, "", "", "throttled", fromActive},
	} {
		t.Run(c.name, func(t *testing.T) {
			var s Selection
			if c.state.active != "" {
				s.SetActive(c.state.active)
			}
			for k, v := range c.state.bindings {
				if err := s.Bind(k, v); err != nil {
					t.Fatal(err)
				}
			}
			if name, from := s.Choose(c.header, c.key); name != c.want || from != c.from {
				t.Errorf("Choose(%q, %q) = %q from %s, want %q from %s", c.header, c.key, name, from, c.want, c.from)
			}
		})
	}

	// Reset goes back to default and forgets the bindings.
	var s Selection
	s.SetActive("throttled")
	if err := s.Bind("AK", "bound-one"); err != nil {
		t.Fatal(err)
	}
	s.Reset()
	if name, from := s.Choose("", "AK"); name != ScenarioDefault || from != fromDefault {
		t.Errorf("after Reset: %q from %s, want default", name, from)
	}
}
