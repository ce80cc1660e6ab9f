package mock

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/diag"
)

// The one XML writer: Alibaba's layout, text escaped, and the same element
// names refused at load (a fixture key) and at run time (a spliced key).
func TestXMLWriter(t *testing.T) {
	const special = "a<b&c>\"d\" 'e' ]]> \t中文"
	tree, err := diag.ParseJSON([]byte(`{"Id": 7, "Ok": true, "None": null, "Name": ` + jsonQuote(special) + `,
		"Items": [{"V": "1"}, {"V": "2"}], "Empty": [], "Obj": {"Inner.Name-x_1": "y"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := writeXMLTree(func(s string) { b.WriteString(s) }, "R", tree, xmlHooks{}); err != nil {
		t.Fatal(err)
	}
	want := `<R><Id>7</Id><Ok>true</Ok><None></None><Name>` + xmlText(special) + `</Name>` +
		`<Items><V>1</V></Items><Items><V>2</V></Items><Obj><Inner.Name-x_1>y</Inner.Name-x_1></Obj></R>`
	if b.String() != want {
		t.Errorf("got  %s\nwant %s", b.String(), want)
	}
	var back struct {
		Name  string
		Items []struct{ V string }
	}
	if err := xml.Unmarshal(b.Bytes(), &back); err != nil || back.Name != special || len(back.Items) != 2 {
		t.Errorf("decoded %+v, %v", back, err)
	}

	op := testSpec(t).Operation("CreateUserUsageDataExportTask")
	for _, name := range []string{"a b", "1a", "a<b", "a>", "a&b", `a"b`, "x:y", "ü", "-a", ".a", "a/b", "a\tb"} {
		doc := `{"K": {` + jsonQuote(name) + `: 1}}`
		node, err := diag.ParseJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if err := writeXMLTree(func(string) {}, "K", node.Items[0], xmlHooks{}); err == nil {
			t.Errorf("key %q written", name)
		}
		if err := writeSplice(&bytes.Buffer{}, "K", []byte(doc[6:len(doc)-1]), asXML); err == nil {
			t.Errorf("spliced key %q written", name)
		}
		if err := writeSplice(&bytes.Buffer{}, name, []byte(`1`), asXML); err == nil {
			t.Errorf("splice for key %q written", name)
		}
		if _, ps := compileFixture("f.json", []byte(doc), op, nil, time.Time{}); len(ps) == 0 ||
			!strings.Contains(ps[0].Message, "cannot be an XML element name") {
			t.Errorf("fixture key %q: %v", name, ps)
		}
	}
	for _, name := range []string{"a", "_a", "A1", "a.b", "a-b", "a_b"} {
		if err := writeSplice(&bytes.Buffer{}, "K", []byte(`{"`+name+`": 1}`), asXML); err != nil {
			t.Errorf("key %q: %v", name, err)
		}
	}
}
