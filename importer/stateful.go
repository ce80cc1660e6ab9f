package importer

import (
	"fmt"
	"sort"

	"go.yaml.in/yaml/v4"
)

// StatefulOps reads the hand-written spec (spec/cdn-2018-05-10.yaml) and
// says which operations keep state, and what state: each operation with an
// x-mock-state, mapped to its export-task family ("export tasks: usage"),
// its resource ("domain") or "quotas". The coverage page takes it from
// here, so the spec stays the one list of stateful operations.
func StatefulOps(handSpec []byte) (map[string]string, error) {
	doc, err := readHand(handSpec)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, item := range doc.Paths {
		for _, op := range item {
			st := op.State
			switch {
			case st == nil || op.OperationID == "":
			case st.Tasks != "":
				out[op.OperationID] = "export tasks: " + st.Tasks
			case st.Resource != "":
				out[op.OperationID] = st.Resource
			default:
				out[op.OperationID] = st.Do
			}
		}
	}
	return out, nil
}

// HandOps is every operation the hand-written spec defines (Options.Hand).
func HandOps(handSpec []byte) (map[string]bool, error) {
	doc, err := readHand(handSpec)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, item := range doc.Paths {
		for _, op := range item {
			if op.OperationID != "" {
				out[op.OperationID] = true
			}
		}
	}
	return out, nil
}

// handDoc is what the importer reads of the hand-written spec.
type handDoc struct {
	Paths map[string]map[string]struct {
		OperationID string `yaml:"operationId"`
		State       *struct {
			Tasks    string `yaml:"tasks"`
			Resource string `yaml:"resource"`
			Do       string `yaml:"do"`
		} `yaml:"x-mock-state"`
	} `yaml:"paths"`
}

func readHand(handSpec []byte) (*handDoc, error) {
	var doc handDoc
	if err := yaml.Unmarshal(handSpec, &doc); err != nil {
		return nil, fmt.Errorf("the hand-written spec: %v", err)
	}
	return &doc, nil
}

// stateKinds lists what the stateful operations keep, each once, sorted.
func stateKinds(ops []OperationInfo) []string {
	seen := map[string]bool{}
	var out []string
	for _, op := range ops {
		if op.State != "" && !seen[op.State] {
			seen[op.State] = true
			out = append(out, op.State)
		}
	}
	sort.Strings(out)
	return out
}
