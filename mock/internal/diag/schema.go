package diag

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

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

// SchemaIssue is one schema error in plain words: the JSON pointer of the
// value (or key) it is about, and what to write instead.
type SchemaIssue struct {
	Ptr     string
	Message string
}

// ExplainSchema says every error of a jsonschema/v5 validation in plain
// words, each with a suggestion: an unknown key gets the closest known
// one, a value outside a list gets the list, a value of the wrong kind
// says the kind wanted. schema is the schema's JSON decoded into any (to
// find the keys and hints at each error's keyword location), doc the value
// that was validated. A schema's own hints win over the wording here:
// "patternErrorMessage" for a pattern, "errorMessage" for any other
// keyword, as editors that read JSON Schema show them.
func ExplainSchema(err error, schema, doc any) []SchemaIssue {
	var out []SchemaIssue
	for _, l := range SchemaLeaves(err) {
		out = append(out, explainLeaf(l, schema, doc)...)
	}
	return out
}

func explainLeaf(l *jsonschema.ValidationError, schema, doc any) []SchemaIssue {
	kwPath := schemaFragment(l.AbsoluteKeywordLocation)
	toks := PointerTokens(kwPath)
	if len(toks) == 0 {
		return []SchemaIssue{{l.InstanceLocation, l.Message}}
	}
	keyword := toks[len(toks)-1]
	parent, _ := jsonAt(schema, "/"+strings.Join(escapeAll(toks[:len(toks)-1]), "/")).(map[string]any)
	value, _ := jsonAtOK(doc, l.InstanceLocation)
	name := lastToken(l.InstanceLocation)
	what := describe(name, value)
	hint := func(key string) string { s, _ := parent[key].(string); return s }

	switch keyword {
	case "additionalProperties":
		var known []string
		if props, ok := parent["properties"].(map[string]any); ok {
			for k := range props {
				known = append(known, k)
			}
			sort.Strings(known)
		}
		obj, _ := value.(map[string]any)
		props, _ := parent["properties"].(map[string]any)
		var out []SchemaIssue
		for _, k := range sortedKeys(obj) {
			if _, ok := props[k]; ok {
				continue
			}
			msg := fmt.Sprintf("unknown key %s", Quote(k))
			switch near := Closest(k, known, 1); {
			case len(known) == 0:
				msg += ": no keys are allowed here"
			case len(near) == 1:
				msg += fmt.Sprintf(": did you mean %q?", near[0])
			default:
				msg += "; known keys: " + strings.Join(known, ", ")
			}
			out = append(out, SchemaIssue{l.InstanceLocation + "/" + EscapePointer(k), msg})
		}
		if len(out) > 0 {
			return out
		}
	case "required":
		have, _ := value.(map[string]any)
		var missing []string
		req, _ := parent["required"].([]any)
		for _, r := range req {
			if s, ok := r.(string); ok {
				if _, ok := have[s]; !ok {
					missing = append(missing, strconv.Quote(s))
				}
			}
		}
		if len(missing) > 0 {
			return []SchemaIssue{{l.InstanceLocation, "missing key " + strings.Join(missing, ", ") + ": add it"}}
		}
	case "type":
		want := typeNames(parent["type"])
		return []SchemaIssue{{l.InstanceLocation, fmt.Sprintf("%s is %s; write %s", what, kindOf(value), want)}}
	case "enum":
		var opts []string
		for _, e := range asList(parent["enum"]) {
			opts = append(opts, fmt.Sprint(e))
		}
		msg := fmt.Sprintf("%s: write one of %s", what, strings.Join(opts, ", "))
		if s, ok := value.(string); ok {
			if near := Closest(s, opts, 1); len(near) == 1 {
				msg = fmt.Sprintf("%s: did you mean %q? (one of %s)", what, near[0], strings.Join(opts, ", "))
			}
		}
		return []SchemaIssue{{l.InstanceLocation, msg}}
	case "pattern":
		if h := hint("patternErrorMessage"); h != "" {
			return []SchemaIssue{{l.InstanceLocation, what + ": " + h}}
		}
		return []SchemaIssue{{l.InstanceLocation, fmt.Sprintf("%s does not have the form this field takes (the pattern %s)", what, hint("pattern"))}}
	case "minLength":
		return []SchemaIssue{{l.InstanceLocation, fmt.Sprintf("%s is empty; write a value, or leave the key out", what)}}
	case "minItems":
		return []SchemaIssue{{l.InstanceLocation, fmt.Sprintf("%s is an empty list; give at least %v item(s)", what, parent["minItems"])}}
	case "minProperties":
		return []SchemaIssue{{l.InstanceLocation, fmt.Sprintf("%s is empty; give at least %v key(s)", what, parent["minProperties"])}}
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		return []SchemaIssue{{l.InstanceLocation, fmt.Sprintf("%s is out of range: %s", what, strings.TrimSpace(l.Message))}}
	}
	if h := hint("errorMessage"); h != "" {
		return []SchemaIssue{{l.InstanceLocation, what + ": " + h}}
	}
	return []SchemaIssue{{LeafLocation(l), l.Message}}
}

// describe names a value for a message: the key and, for a short scalar,
// what was written (delay "2 seconds").
func describe(name string, v any) string {
	if name == "" {
		name = "the document"
	}
	switch x := v.(type) {
	case string:
		return name + " " + Quote(x)
	case json.Number, bool, float64:
		return fmt.Sprintf("%s %v", name, x)
	}
	return name
}

func kindOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "empty"
	case string:
		return "text"
	case bool:
		return "true/false"
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			return "a number"
		}
		return "a whole number"
	case float64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping (keys and values)"
	}
	return fmt.Sprintf("%T", v)
}

func typeNames(t any) string {
	words := map[string]string{
		"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
		"array": "a list", "object": "a mapping (keys and values)", "null": "nothing",
	}
	var out []string
	for _, x := range asList(t) {
		if s, ok := x.(string); ok {
			out = append(out, words[s])
		}
	}
	if len(out) == 0 {
		return "another kind of value"
	}
	return strings.Join(out, " or ")
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func sortedKeys(m map[string]any) []string {
	keys := slices.Sorted(maps.Keys(m))
	return keys
}

func lastToken(ptr string) string {
	toks := PointerTokens(ptr)
	if len(toks) == 0 {
		return ""
	}
	return toks[len(toks)-1]
}

func escapeAll(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = EscapePointer(t)
	}
	return out
}

// schemaFragment is the JSON pointer part of an absolute keyword location
// ("file.json#/$defs/step/pattern" → "/$defs/step/pattern").
func schemaFragment(abs string) string {
	if _, frag, ok := strings.Cut(abs, "#"); ok {
		return frag
	}
	return ""
}

func jsonAt(v any, ptr string) any { x, _ := jsonAtOK(v, ptr); return x }

// jsonAtOK walks a decoded JSON value (maps and slices) by a JSON pointer.
func jsonAtOK(v any, ptr string) (any, bool) {
	for _, tok := range PointerTokens(ptr) {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[tok]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}
