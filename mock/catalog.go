package mock

import (
	"fmt"
	"io/fs"
	"sort"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/fixture"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/scenario"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
	"github.com/alibaba-cloud-mock/cdnmock/scenarios"
)

// catalog is everything loaded from files: the spec, the scenarios and the
// fixtures. It is immutable once built.
type catalog struct {
	spec      *Spec
	scenarios map[string]*Scenario
	order     []string // scenario names: built-ins first, then files by name
	fixtures  fixture.Set
}

func (c *catalog) scenarioNames() []string { return c.order }

// loadCatalog loads and checks every file, reporting all problems at once.
// With lazy, the embedded generated layer is only indexed: each of its
// operations is loaded and checked on its first call (contract and fixture,
// lazy.go); Check loads everything.
func loadCatalog(cfg Config, now time.Time, lazy bool) (*catalog, error) {
	sp, layers, err := contract.LoadLayers(cfg.specFiles(lazy), tasks.ReportNames()) // the hand-written spec over the generated one
	if err != nil {
		return nil, err
	}
	fx, ps := fixture.LoadFixtureLayers(cfg.fixtureFiles(), sp, layers, now)

	cat := &catalog{spec: sp, scenarios: map[string]*Scenario{}, fixtures: fx}
	builtins := map[string]bool{}
	for _, sc := range scenario.Builtins(sp) {
		builtins[sc.Name] = true
		cat.scenarios[sc.Name] = sc
		cat.order = append(cat.order, sc.Name)
	}
	files, sps := scenario.LoadFiles(cfg.scenarioDirs(), sp, fx, builtins)
	ps = append(ps, sps...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, sc := range files {
		cat.scenarios[sc.Name] = sc
		cat.order = append(cat.order, sc.Name)
	}
	if cfg.Scenario != "" && cat.scenarios[cfg.Scenario] == nil {
		ps.Add("--scenario", 0, "", "%s%s", scenario.Unknown(cfg.Scenario, cat.order), leftOut(cfg, cfg.Scenario))
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return cat, nil
}

// scenarioDirs are the scenario files served: the shipped ones, unless
// NoShippedScenarios, under Scenarios, whose files replace shipped ones of
// the same name.
func (cfg Config) scenarioDirs() []scenario.Dir {
	var dirs []scenario.Dir
	if !cfg.NoShippedScenarios {
		dirs = append(dirs, scenario.Dir{FS: scenarios.FS, Name: "scenarios"})
	}
	if cfg.Scenarios != nil {
		dirs = append(dirs, scenario.Dir{FS: cfg.Scenarios, Name: cfg.ScenariosDir})
	}
	return dirs
}

// leftOut explains an unknown scenario name that is a shipped scenario file
// this configuration leaves out, or is "".
func leftOut(cfg Config, name string) string {
	if !cfg.NoShippedScenarios || !fs.ValidPath(name) {
		return ""
	}
	if _, err := fs.Stat(scenarios.FS, name+".yaml"); err != nil {
		return ""
	}
	why := "--no-shipped-scenarios (Config.NoShippedScenarios)"
	if cfg.specGiven {
		why = "--spec (Config.Spec): they name the shipped spec's operations"
	}
	return fmt.Sprintf("; %q is a shipped scenario, left out by %s", name, why)
}

// Check loads and checks the configured files without serving, as the
// validate command does. It returns Problems listing everything wrong.
func Check(cfg Config) error {
	cfg = cfg.withDefaults()
	_, err := loadCatalog(cfg, cfg.Clock.Now(), false)
	return err
}
