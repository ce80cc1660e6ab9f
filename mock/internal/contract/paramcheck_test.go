package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/alibaba-cloud-mock/cdnmock/spec"
)

// quickCheck may only ever say "valid" when the full validation agrees. It
// is tried on every operation served (the hand-written spec over the
// generated one, as New loads it): a request from the parameters' examples,
// one with the required parameters only, and each of those with one
// parameter changed at a time: missing, empty, repeated, of the wrong type,
// outside its enum, its pattern, its length or its bounds.
func TestQuickCheckNeverDisagrees(t *testing.T) {
	sp := servedSpec(t)
	if n := len(sp.OperationNames()); n < 166 {
		t.Fatalf("%d operations; the server serves 166", n)
	}
	helpedOps := quickCheckAgrees(t, sp)
	// The property holds trivially for a check that never says valid: it
	// must pass the common valid request of nearly every operation.
	if helpedOps < len(sp.OperationNames())*9/10 {
		t.Errorf("the quick check passed requests of only %d of %d operations", helpedOps, len(sp.OperationNames()))
	}

	// No served operation has a string with length limits the quick check
	// is used on (those that have one have a boolean too); this one has
	// every kind of limit it knows.
	hand, _ := spec.FS.ReadFile(spec.Default)
	var doc map[string]any
	if err := yaml.Unmarshal(hand, &doc); err != nil {
		t.Fatal(err)
	}
	var item map[string]any
	if err := yaml.Unmarshal([]byte(quickCheckOp), &item); err != nil {
		t.Fatal(err)
	}
	doc["paths"] = map[string]any{"/?Action=QuickCheckLimits": item}
	delete(doc, "x-mock-resources") // nothing here creates them
	delete(doc, "x-mock-quotas")
	data, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	limits, err := Load("quickcheck.yaml", data, LoadOptions{RequireCommon: true, Reports: testReports})
	if err != nil {
		t.Fatal(err)
	}
	if q := limits.Operation("QuickCheckLimits").quick(); q.unusable {
		t.Fatal("the quick check cannot be used on QuickCheckLimits")
	}
	if quickCheckAgrees(t, limits) != 1 {
		t.Error("the quick check passed no request of QuickCheckLimits")
	}
}

const quickCheckOp = `
post:
  operationId: QuickCheckLimits
  parameters:
    - {name: Name, in: query, required: true, schema: {type: string, minLength: 2, maxLength: 8, pattern: '^[a-z]+$', example: abc}}
    - {name: Kind, in: query, schema: {type: string, enum: [flow, vas]}}
    - {name: Text, in: query, schema: {type: string, minLength: 1, maxLength: 4}}
    - {name: Size, in: query, schema: {type: integer, format: int32, minimum: 1, maximum: 50, default: 20}}
    - {name: Offset, in: query, schema: {type: integer, format: int64, minimum: -5}}
    - {name: Any, in: query, schema: {type: integer}}
  responses:
    "200":
      description: OK
      content:
        application/json:
          schema: {type: object, properties: {RequestId: {type: string}}}
`

// quickCheckAgrees tries the quick check of every operation of sp on the
// example requests and their mutations, fails t where it says valid and
// the full validation does not, and returns how many operations had a
// request it said valid.
func quickCheckAgrees(t *testing.T, sp *Spec) (helpedOps int) {
	t.Helper()
	ctx := context.Background()
	tried, helped := 0, 0
	for _, name := range sp.OperationNames() {
		op := sp.Operation(name)
		q := op.quick()
		opHelped := false
		check := func(params url.Values, what string) {
			tried++
			if !q.valid(params) {
				return
			}
			helped++
			opHelped = true
			for _, v := range sp.validateFully(ctx, op, params) {
				if v.Err != nil {
					t.Errorf("%s, %s: the quick check says valid, the spec says %s: %s", name, what, v.Parameter, v.Reason)
				}
			}
		}
		for _, base := range exampleRequests(op) {
			check(base, "the example request")
			for _, ref := range op.route.Operation.Parameters {
				p := ref.Value
				without := cloneValues(base)
				without.Del(p.Name)
				check(without, p.Name+" missing")
				for _, vs := range mutations(p.Schema.Value, base[p.Name]) {
					params := cloneValues(base)
					params[p.Name] = vs
					check(params, p.Name+"="+strconv.Quote(strings.Join(vs, ",")))
				}
			}
		}
		if opHelped {
			helpedOps++
		}
	}
	t.Logf("%d requests, %d passed the quick check, in %d operations", tried, helped, helpedOps)
	return helpedOps
}

// exampleRequests are an operation's example request, every parameter that
// has an example (or a default or enum value) set; and the same with only
// the required parameters.
func exampleRequests(op *Operation) []url.Values {
	all, required := url.Values{}, url.Values{}
	for _, ref := range op.route.Operation.Parameters {
		p := ref.Value
		v, ok := exampleValue(p)
		if !ok {
			continue
		}
		all.Set(p.Name, v)
		if p.Required {
			required.Set(p.Name, v)
		}
	}
	return []url.Values{all, required}
}

func exampleValue(p *openapi3.Parameter) (string, bool) {
	sc := p.Schema.Value
	for _, x := range []any{p.Example, sc.Example, sc.Default} {
		if x != nil {
			return valueString(x), true
		}
	}
	if len(sc.Enum) > 0 {
		return valueString(sc.Enum[0]), true
	}
	switch {
	case sc.Type.Is("integer") && sc.Min != nil:
		return strconv.FormatInt(int64(*sc.Min), 10), true
	case sc.Type.Is("integer"):
		return "1", true
	case sc.Type.Is("boolean"):
		return "true", true
	case sc.Type.Is("string") && sc.Pattern == "":
		return strings.Repeat("a", max(1, int(sc.MinLength))), true
	}
	return "", false // a pattern without an example: no value known to pass
}

func valueString(x any) string {
	switch v := x.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Trim(strings.TrimSpace(toJSON(x)), `"`)
}

// toJSON is x as compact JSON, HTML left unescaped (as fixtures write it).
func toJSON(x any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(x)
	return strings.TrimSuffix(b.String(), "\n")
}

// mutations are values of one parameter for the quick check to judge: the
// systematic breaks of its schema, values just inside its limits, and
// values that look alike to a careless parser.
func mutations(sc *openapi3.Schema, current []string) [][]string {
	cur := ""
	if len(current) > 0 {
		cur = current[0]
	}
	vals := []string{"", " ", "x", "0", "1", "-1", "+1", "01", "0x10", "0b1", "1_0", "1.0", "1.5", "1e3", " 1", "1 ", "true",
		"2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "中文", "2026-11-01T00:00:00Z", "2026-13-01T00:00:00Z",
		cur + " ", " " + cur, cur + "x", strings.ToUpper(cur), strings.ToLower(cur), cur + "\x00", cur + "\n"}
	for _, e := range sc.Enum {
		s := valueString(e)
		vals = append(vals, s, s+"x", strings.ToUpper(s), strings.ToLower(s), s[:len(s)/2])
	}
	if sc.MaxLength != nil {
		n := int(*sc.MaxLength)
		vals = append(vals, strings.Repeat("a", n), strings.Repeat("a", n+1), strings.Repeat("中", n), strings.Repeat("中", n+1))
	}
	if sc.MinLength > 0 {
		n := int(sc.MinLength)
		vals = append(vals, strings.Repeat("a", n), strings.Repeat("a", n-1), strings.Repeat("中", n-1))
	}
	for _, b := range []*float64{sc.Min, sc.Max} {
		if b != nil {
			n := int64(*b)
			vals = append(vals, strconv.FormatInt(n, 10), strconv.FormatInt(n-1, 10), strconv.FormatInt(n+1, 10),
				strconv.FormatInt(n, 10)+".0")
		}
	}
	if sc.Pattern != "" {
		vals = append(vals, "!", cur+"!", "!"+cur, strings.Repeat(cur, 2))
	}
	out := make([][]string, 0, len(vals)+2)
	for _, v := range vals {
		out = append(out, []string{v})
	}
	return append(out, []string{cur, cur}, []string{cur, "x"})
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
