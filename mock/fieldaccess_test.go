package mock

import (
	"bytes"
	"testing"
	"text/template"
)

// The direct field readers must answer exactly what text/template would.
func TestFieldAccessorMatchesTemplate(t *testing.T) {
	d := &renderData{RequestId: "REQ", Action: "Act", AccessKeyId: "AK",
		values:  map[string][]string{"StartTime": {"2026-11-01T00:00:00Z", "second"}, "Empty": {}},
		newTask: func() string { return "42" }}
	for _, text := range []string{"{{ .RequestId }}", "{{.Action}}", "{{ .AccessKeyId }}", "{{ .TaskId }}",
		"{{ .Params.StartTime }}", "{{ .Params.Missing }}", "{{ .Params.Empty }}"} {
		tmpl := template.Must(template.New("t").Option("missingkey=zero").Funcs(templateFuncs).Parse(text))
		f := fieldAccessor(tmpl)
		if f == nil {
			t.Errorf("%s: no direct reader", text)
			continue
		}
		var want bytes.Buffer
		if err := tmpl.Execute(&want, d); err != nil {
			t.Fatal(err)
		}
		if got := f(d); got != want.String() {
			t.Errorf("%s: direct %q, template %q", text, got, want.String())
		}
	}
	for _, text := range []string{"x{{ .RequestId }}", "{{ .RequestId | printf \"%s\" }}", "{{ iso8601 .Now }}", "{{ .Task.TaskId }}"} {
		if fieldAccessor(template.Must(template.New("t").Funcs(templateFuncs).Parse(text))) != nil {
			t.Errorf("%s: read directly, but it is not a plain field", text)
		}
	}
}
