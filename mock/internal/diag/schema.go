package diag

import (
	"regexp"
	"sort"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// SchemaLeaves flattens a jsonschema error to the causes that say what is wrong.
func SchemaLeaves(err error) []*jsonschema.ValidationError {
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []*jsonschema.ValidationError{{Message: err.Error()}}
	}
	var out []*jsonschema.ValidationError
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, e)
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].InstanceLocation < out[j].InstanceLocation })
	return out
}

var extraProperty = regexp.MustCompile(`^additionalProperties '([^']+)' not allowed$`)

// LeafLocation is where a schema error points: for a key the schema does
// not allow, the key itself rather than the object holding it.
func LeafLocation(l *jsonschema.ValidationError) string {
	if m := extraProperty.FindStringSubmatch(l.Message); m != nil {
		return l.InstanceLocation + "/" + EscapePointer(m[1])
	}
	return l.InstanceLocation
}
