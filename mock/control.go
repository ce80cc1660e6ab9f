package mock

import (
	"errors"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"
)

// The server's state that callers change at run time, through these
// methods or the admin API (package admin): the active scenario, the
// bindings, and the reset of everything.

// SetScenario makes name the active scenario, for every caller without a
// binding, and restarts its sequences.
func (s *Server) SetScenario(name string) error {
	return s.withKnownScenario(name, func() error {
		s.control.SetActive(name)
		s.counters.Reset(name, "")
		return nil
	})
}

// Bind makes one access key use a scenario, and restarts its sequences for
// that key. At most scenario.MaxBindings keys can be bound at once (package scenario, selection.go).
func (s *Server) Bind(accessKeyID, name string) error {
	return s.withKnownScenario(name, func() error {
		if err := s.control.Bind(accessKeyID, name); err != nil {
			return err
		}
		s.counters.Reset(name, accessKeyID)
		return nil
	})
}

// withKnownScenario runs set if name is a scenario of the catalog, and
// holds off reloads meanwhile, so none can drop name between the check and
// the set.
func (s *Server) withKnownScenario(name string, set func() error) error {
	s.scenarioMu.RLock()
	defer s.scenarioMu.RUnlock()
	if err := s.knownScenario(name); err != nil {
		return err
	}
	if h := s.hooks.scenarioOK; h != nil {
		h() // tests: a reload tries to start here
	}
	return set()
}

// Unbind drops one access key's binding: it gets the active scenario
// again, its sequences restarted. A key that is not bound is an error, so
// a typo does not pass unnoticed.
func (s *Server) Unbind(accessKeyID string) error {
	name, ok := s.control.Unbind(accessKeyID)
	if !ok {
		return errNotBound(accessKeyID)
	}
	s.counters.Reset(name, accessKeyID)
	return nil
}

// ResetScenarios goes back to default and drops every binding.
func (s *Server) ResetScenarios() {
	s.control.Reset()
	s.counters.Reset("", "")
}

func (s *Server) state() ScenarioState {
	active, bindings := s.control.Snapshot()
	return ScenarioState{Active: active, Bindings: bindings}
}

func (s *Server) knownScenario(name string) error {
	cat := s.catalog.Load()
	if name == "" || cat.scenarios[name] == nil {
		return errors.New(scenario.Unknown(name, cat.order)) // did-you-mean, not ~300 names
	}
	return nil
}

// ResetState forgets every task and resource item (in the state file too), goes back to the
// default scenario without bindings, empties the journal and the
// violations, and refills every rate-limit bucket. The clock stays where
// it is.
func (s *Server) ResetState() error {
	err := s.tasks.Reset()
	if _, rerr := s.resources.Reset(nil, ""); err == nil {
		err = rerr
	}
	s.ResetScenarios()
	s.journal.Clear()
	s.violations.Clear()
	s.throttle.Reset()
	return err
}
