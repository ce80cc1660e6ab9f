package recording

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyIgnoresTheSignatureAndOrder(t *testing.T) {
	a := url.Values{"DomainName": {"a.com"}, "PageSize": {"5"}, "Signature": {"x"}, "SignatureNonce": {"1"},
		"Timestamp": {"2026-01-01T00:00:00Z"}, "AccessKeyId": {"AK1"}, "SecurityToken": {"t"}, "Format": {"JSON"}}
	b := url.Values{"PageSize": {"5"}, "DomainName": {"a.com"}, "Signature": {"y"}, "SignatureNonce": {"2"},
		"Timestamp": {"2026-02-02T00:00:00Z"}, "AccessKeyId": {"AK2"}, "Format": {"json"}}
	ka, kb := KeyOf("DescribeX", "2018-05-10", "JSON", a, nil), KeyOf("DescribeX", "2018-05-10", "JSON", b, nil)
	if ka.FileStem() != kb.FileStem() || !strings.HasPrefix(ka.FileStem(), "DescribeX.") {
		t.Fatalf("%s != %s", ka.FileStem(), kb.FileStem())
	}
	for _, other := range []Key{
		KeyOf("DescribeX", "2018-05-10", "XML", a, nil),
		KeyOf("DescribeX", "2014-11-11", "JSON", a, nil),
		KeyOf("DescribeY", "2018-05-10", "JSON", a, nil),
		KeyOf("DescribeX", "2018-05-10", "JSON", url.Values{"DomainName": {"b.com"}, "PageSize": {"5"}}, nil),
	} {
		if other.FileStem() == ka.FileStem() {
			t.Errorf("%+v matches %+v", other, ka)
		}
	}
	score, param, reason := diff(KeyOf("DescribeX", "2018-05-10", "JSON", url.Values{"DomainName": {"b.com"}, "PageSize": {"5"}}, nil), ka)
	if score != 1 || param != "DomainName" || !strings.Contains(reason, `"b.com", recorded "a.com"`) {
		t.Errorf("diff: %d %s %s", score, param, reason)
	}
}

func TestRedactionOfAccountsAndSignedURLs(t *testing.T) {
	x := NewExchange(KeyOf("DescribeX", "v", "JSON", url.Values{"OwnerId": {"998877"}}, nil), testTime, 200, "application/json", "R",
		[]byte(`{"AliUid":123456789,"Items":[{"Url":"http://b.oss.com/o?OSSAccessKeyId=LTAIk&security-token=tok&Signature=s%2Fx&e=1"}],"Note":"key LTAIupstream here"}`))
	redact(x, []string{"LTAIupstream"})
	data, _ := x.encode()
	for _, leak := range []string{"998877", "123456789", "LTAIk", "tok&", "s%2Fx", "LTAIupstream"} {
		if strings.Contains(string(data), leak) {
			t.Errorf("%q left in:\n%s", leak, data)
		}
	}
	if err := stillSecret(data, []string{"LTAIupstream"}); err != nil {
		t.Errorf("stillSecret after redaction: %v", err)
	}
	if err := stillSecret([]byte(`{"u":"x?Signature=abc"}`), nil); err == nil {
		t.Error("a signed URL's signature passed")
	}
}

var testTime = mustTime("2026-11-25T12:00:00Z")

// XML answers: signed URLs write & as &amp;, account ids are element text.
func TestRedactionOfXMLBodies(t *testing.T) {
	body := `<?xml version="1.0" encoding="UTF-8"?><DescribeXResponse><RequestId>R</RequestId>` +
		`<AliUid>1234567890123456</AliUid><Owner><OwnerId>998877665544</OwnerId></Owner>` +
		`<Url>http://b.oss.com/o?e=1&amp;OSSAccessKeyId=LTAIxmlKey&amp;Signature=c2ln%2Fx&amp;security-token=xmltok</Url>` +
		`</DescribeXResponse>`
	x := NewExchange(KeyOf("DescribeX", "v", "XML", nil, nil), testTime, 200, "text/xml", "R", []byte(body))
	redact(x, nil)
	data, _ := x.encode()
	for _, leak := range []string{"1234567890123456", "998877665544", "LTAIxmlKey", "c2ln", "xmltok"} {
		if strings.Contains(string(data), leak) {
			t.Errorf("%q left in:\n%s", leak, data)
		}
	}
	if !strings.Contains(string(data), "<AliUid><redacted:AliUid></AliUid>") {
		t.Errorf("no placeholder in:\n%s", data)
	}
	if err := stillSecret(data, nil); err != nil {
		t.Errorf("stillSecret after redaction: %v", err)
	}
	if err := stillSecret([]byte(`<U>x?a=1&amp;Signature=abc</U>`), nil); err == nil {
		t.Error("an XML-escaped signed URL's signature passed")
	}
}

func TestStillSecretNamesTheParameter(t *testing.T) {
	err := stillSecret([]byte(`<U>x?a=1&amp;Signature=abc</U>`), nil)
	if err == nil || !strings.HasSuffix(err.Error(), "signed URL's Signature") {
		t.Errorf("%v", err)
	}
}

// Account ids inside ARNs, and an account field's value wherever else it
// appears; ParentId (a config id in CDN) is kept.
func TestRedactionOfAccountsEverywhere(t *testing.T) {
	x := NewExchange(KeyOf("DescribeX", "v", "JSON", url.Values{"OwnerId": {"5556667778889990"}}, nil), testTime, 200, "application/json", "R",
		[]byte(`{"AliUid":"1234567890123456","ParentId":"8090","RoleARN":"acs:ram::1112223334445556:role/AliyunCDNAccessingPrivateOSSRole",`+
			`"SourceArn":"acs:fc:cn-hangzhou:7778889990001112:services/s","Note":"uid 1234567890123456, caller 5556667778889990","Ids":[1234567890123456]}`))
	redact(x, nil)
	data, _ := x.encode()
	for _, leak := range []string{"1234567890123456", "1112223334445556", "7778889990001112", "5556667778889990"} {
		if strings.Contains(string(data), leak) {
			t.Errorf("%q left in:\n%s", leak, data)
		}
	}
	for _, want := range []string{`"ParentId": "8090"`, `acs:ram::<redacted:account>:role/AliyunCDNAccessingPrivateOSSRole`, `"uid <redacted:account>, caller <redacted:account>"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("no %s in:\n%s", want, data)
		}
	}
	if err := stillSecret(data, []string{"1234567890123456"}); err != nil {
		t.Errorf("stillSecret: %v", err)
	}
}

// Past 999 recordings of one call, names have four digits: replay keeps
// the recorded order by number, not by name.
func TestReplayOrderPast999(t *testing.T) {
	dir := t.TempDir()
	k := KeyOf("DescribeX", "v", "JSON", url.Values{"A": {"1"}}, nil)
	for _, n := range []int{1000, 999, 2} {
		x := NewExchange(k, testTime, 200, "application/json", "R", []byte(fmt.Sprintf(`{"N":%d}`, n)))
		data, _ := x.encode()
		if err := os.WriteFile(filepath.Join(dir, k.FileStem()+"."+pad(n)+".json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lib, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < 3; i++ {
		x, miss := lib.Match(k)
		if x == nil {
			t.Fatalf("miss %+v", miss)
		}
		got = append(got, string(x.Answer("R")))
	}
	if strings.Join(got, " ") != `{"N":2} {"N":999} {"N":1000}` {
		t.Errorf("replayed %s", got)
	}
}

// Two keys whose file stems collide (48 bits of SHA-256) do not answer
// each other: a hit checks the whole key.
func TestReplayChecksTheKeyOnAHit(t *testing.T) {
	k := KeyOf("DescribeX", "v", "JSON", url.Values{"A": {"1"}}, nil)
	other := NewExchange(KeyOf("DescribeX", "v", "JSON", url.Values{"A": {"2"}}, nil), testTime, 200, "application/json", "R", []byte(`{}`))
	other.File = "collides.json"
	lib := &Library{byStem: map[string]*played{k.FileStem(): {list: []*Exchange{other}}}, byAction: map[string][]*Exchange{"DescribeX": {other}}}
	if x, miss := lib.Match(k); x != nil || miss == nil || miss.Param != "A" {
		t.Errorf("answered by %v; miss %+v", x, miss)
	}
}

func TestLoadRefusesMoreThanItHolds(t *testing.T) {
	dir := t.TempDir()
	for i := 1; i <= 3; i++ {
		k := KeyOf("DescribeX", "v", "JSON", url.Values{"A": {fmt.Sprint(i)}}, nil)
		data, _ := NewExchange(k, testTime, 200, "application/json", "R", []byte(`{}`)).encode()
		if err := os.WriteFile(filepath.Join(dir, k.FileStem()+".001.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	saved := loadLimits
	defer func() { loadLimits = saved }()
	loadLimits.count = 2
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "3 recordings, more than the 2") {
		t.Errorf("count: %v", err)
	}
	loadLimits.count, loadLimits.bytes = 3, 100
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "more than the 100 a replay holds") {
		t.Errorf("bytes: %v", err)
	}
	loadLimits = saved
	if l, err := Load(dir); err != nil || l.Len() != 3 {
		t.Errorf("within the limits: %v", err)
	}
}

// The upstream's RequestId is redacted too: an echo of a secret there
// never reaches the file.
func TestRedactionOfTheRequestId(t *testing.T) {
	x := NewExchange(KeyOf("DescribeX", "v", "JSON", nil, nil), testTime, 400, "application/json", "REQ-LTAIupstream-1", []byte(`{"RequestId":"REQ-LTAIupstream-1"}`))
	redact(x, []string{"LTAIupstream"})
	if x.RequestID != "REQ-<redacted>-1" {
		t.Errorf("RequestID %q", x.RequestID)
	}
}

func TestFileNamesStayShort(t *testing.T) {
	k := KeyOf(strings.Repeat("DescribeX", 100), "v", "JSON", nil, nil)
	if n := len(k.FileStem() + ".001.json"); n > 100 {
		t.Errorf("a file name of %d bytes", n)
	}
}
