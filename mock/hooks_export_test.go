package mock

import "time"

// Hooks for the package's external tests (package mock_test). Set them
// before the server serves or reloads.

// SetHoldHook calls f when a request starts (true) and stops (false) being
// held by a delay or fault:hang.
func SetHoldHook(s *Server, f func(start bool)) { s.hooks.hold = f }

// SetReloadHooks calls loaded when a reload has read its files and not yet
// installed them, and waits when a reload must wait for another.
func SetReloadHooks(s *Server, loaded, waits func()) {
	s.hooks.reloadLoaded, s.hooks.reloadWaits = loaded, waits
}

// SetReloadSwappedHook calls swapped when a reload has swapped its files
// in and not yet returned.
func SetReloadSwappedHook(s *Server, swapped func()) { s.hooks.reloadSwapped = swapped }

// SetScenarioHooks calls checked when SetScenario or Bind has found its
// scenario and not yet set it, and installWaits when a reload's install
// must wait for one of them.
func SetScenarioHooks(s *Server, checked, installWaits func()) {
	s.hooks.scenarioOK, s.hooks.installWaits = checked, installWaits
}

// SetReloadSettle sets how long Watch lets files stay quiet before it
// reloads.
func SetReloadSettle(s *Server, d time.Duration) { s.reloadSettle = d }

// SetStateWriteHook calls f after each resource write reaches the --state
// file; an error it returns is the write's.
func SetStateWriteHook(s *Server, f func() error) { s.hooks.stateWrite = f }
