package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
	"unicode"
	"unicode/utf8"
)

// StateFuncs are the functions the templates of x-mock-state, and of
// fixtures, may call besides text/template's own.
var StateFuncs = template.FuncMap{
	// json writes a value as JSON; a template that is only {{ json … }} makes that value.
	"json": func(v any) (string, error) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		return strings.TrimSuffix(b.String(), "\n"), nil
	},
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	// host is the host of a URL or of a path such as example.com/a.png.
	"host": hostOf,
	// parseJSON reads a JSON text: an object, a list, a number…
	"parseJSON": func(s string) (any, error) {
		var v any
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("not JSON: %v", err)
		}
		return v, nil
	},
	// titleKeys upper-cases the first letter of every object key, deeply:
	// the API takes {"content": …} and shows {"Content": …}.
	"titleKeys": titleKeys,
	// dict makes an object of key, value pairs.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict takes key, value pairs")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	// int reads a number from text (or passes a number on).
	"int": func(v any) (int64, error) {
		switch x := v.(type) {
		case int64:
			return x, nil
		case int:
			return int64(x), nil
		case uint64:
			return int64(x), nil
		case json.Number:
			return x.Int64()
		}
		return strconv.ParseInt(fmt.Sprint(v), 10, 64)
	},
	// pluck takes one field of each object of a list (a JSON list as
	// parsed, or a list of objects); join joins texts.
	"pluck": func(items any, field string) ([]string, error) {
		var list []map[string]any
		switch x := items.(type) {
		case []map[string]any:
			list = x
		case []any:
			for _, it := range x {
				m, ok := it.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("pluck %s: want a list of objects, not a list holding %s", field, jsonKind(it))
				}
				list = append(list, m)
			}
		default:
			return nil, fmt.Errorf("pluck %s: want a list of objects, not %s", field, jsonKind(items))
		}
		out := make([]string, len(list))
		for i, it := range list {
			out[i] = fmt.Sprint(it[field])
		}
		return out, nil
	},
	"join": func(parts []string, sep string) string { return strings.Join(parts, sep) },
	// need is an object's field, which must be there and not empty: a
	// request's JSON missing it is refused (the hook's invalid code).
	"need": need,
	// needString is need for a field that must be a non-empty text (a
	// name): {"functionName": {"x": 1}} is refused, not kept as "map[x:1]".
	"needString": func(v any, field string) (string, error) {
		x, err := need(v, field)
		if err != nil {
			return "", err
		}
		str, ok := x.(string)
		if !ok {
			return "", fmt.Errorf("%s must be a text, not %s", field, jsonKind(x))
		}
		return str, nil
	},
	// needAll passes on a non-empty JSON list of objects that each have
	// the fields named, not empty.
	"needAll": func(v any, fields ...string) (any, error) {
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return nil, fmt.Errorf("want a non-empty JSON list of objects, not %s", jsonKind(v))
		}
		for i, item := range list {
			for _, f := range fields {
				if _, err := need(item, f); err != nil {
					return nil, fmt.Errorf("item %d: %v", i+1, err)
				}
			}
		}
		return v, nil
	},
	// iso8601 formats a time as the API does: yyyy-MM-ddTHH:mm:ssZ, UTC.
	"iso8601": func(t time.Time) string { return t.UTC().Format(TimeLayout) },
}

func need(v any, field string) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a JSON object with %s, not %s", field, jsonKind(v))
	}
	switch x := m[field].(type) {
	case nil:
		return nil, fmt.Errorf("%s is missing", field)
	case string:
		if x == "" {
			return nil, fmt.Errorf("%s is empty", field)
		}
	}
	return m[field], nil
}

// jsonKind names a JSON value's kind for a message.
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "a boolean"
	}
	return "a number"
}

func hostOf(s string) string {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		return u.Hostname()
	}
	s = strings.TrimPrefix(s, "//")
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return s
}

func titleKeys(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			r, n := utf8.DecodeRuneInString(k)
			out[string(unicode.ToUpper(r))+k[n:]] = titleKeys(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = titleKeys(val)
		}
		return out
	}
	return v
}

// CompileValue parses a value template of x-mock-state.
func CompileValue(name, text string) (*ValueTemplate, error) {
	t, err := ParseTemplate(name, text)
	if err != nil {
		return nil, err
	}
	return &ValueTemplate{t: t, json: IsJSONAction(t)}, nil
}

// ParseTemplate parses text with StateFuncs, as x-mock-state's values and
// fixtures' strings are. A template keeps its own copies of the functions
// it is given, two maps each, for its life: it is given only those whose
// names text contains, all it can call (a name it calls that is no
// function fails here as before).
func ParseTemplate(name, text string) (*template.Template, error) {
	var funcs template.FuncMap
	for fn, f := range StateFuncs {
		if strings.Contains(text, fn) {
			if funcs == nil {
				funcs = template.FuncMap{}
			}
			funcs[fn] = f
		}
	}
	return template.New(name).Option("missingkey=zero").Funcs(funcs).Parse(text)
}

// Eval makes the value for data: a JSON value (numbers as json.Number)
// when the template is only {{ json … }}, else its text.
func (v *ValueTemplate) Eval(data any) (any, error) {
	var b bytes.Buffer
	if err := v.t.Execute(&b, data); err != nil {
		msg := err.Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:] // drop text/template's location prefix
		}
		return nil, fmt.Errorf("%s", msg)
	}
	if !v.json {
		return b.String(), nil
	}
	var out any
	dec := json.NewDecoder(&b)
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// IsJSONAction reports whether a template is one action, and nothing
// else, whose pipeline is a single call of json: the value it makes is
// the JSON it writes.
func IsJSONAction(t *template.Template) bool {
	if t.Tree == nil || t.Tree.Root == nil || len(t.Tree.Root.Nodes) != 1 {
		return false
	}
	a, ok := t.Tree.Root.Nodes[0].(*parse.ActionNode)
	if !ok || len(a.Pipe.Decl) > 0 || len(a.Pipe.Cmds) != 1 {
		return false
	}
	id, ok := a.Pipe.Cmds[0].Args[0].(*parse.IdentifierNode)
	return ok && id.Ident == "json"
}

// CreateData is what a create's and an update's field templates see.
type CreateData struct {
	Params  map[string]string
	Each    map[string]any
	Seq     uint64
	Now     time.Time
	Account string         // the caller's account: with --credentials the key's, else the access key id
	Item    map[string]any // update: the item as views show it before the update
}

// SplitEach splits a parameter's value as an each says: lines (blank
// ones skipped, \r dropped), "," (empty pieces skipped), or json (a JSON
// array, its items as parseJSON reads them).
func SplitEach(e EachDef, value string) ([]any, error) {
	var out []any
	switch e.Split {
	case "json":
		v, err := StateFuncs["parseJSON"].(func(string) (any, error))(value)
		if err != nil {
			return nil, err
		}
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("not a JSON array")
		}
		return list, nil
	case "lines":
		for _, l := range strings.Split(value, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	default:
		for _, p := range strings.Split(value, e.Split) {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	for _, p := range out {
		if err := e.checkPiece(p.(string)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PieceError is a piece that breaks its each's pattern or maxLength.
type PieceError struct{ Msg string }

func (e *PieceError) Error() string { return e.Msg }

func (e EachDef) checkPiece(p string) error {
	if e.MaxLength > 0 && len(p) > e.MaxLength {
		return &PieceError{fmt.Sprintf("a piece of %d bytes; at most %d", len(p), e.MaxLength)}
	}
	if e.re != nil && !e.re.MatchString(p) {
		return &PieceError{fmt.Sprintf("%q does not match %s", p, e.Pattern)}
	}
	return nil
}
