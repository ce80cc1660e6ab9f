package mock

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzExtraSeeds are hand-made odd requests. Inputs that broke an
// invariant are kept in testdata/fuzz/FuzzDecodeCall/, which go test also
// runs as seeds.
var fuzzExtraSeeds = []string{
	// Broken escapes in the query, in a key and in the body.
	"GET /?Action=CreateUserUsageDataExportTask&Version=2018-05-10&Format=JSON&StartTime=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
	"GET /?%zz=1&Format=JSON HTTP/1.1\r\nHost: x\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 25\r\n\r\nAction=A&Version=%E4%B8%",
	// Valid call in XML, times echoed.
	"GET /?Action=CreateUserUsageDataExportTask&Version=2018-05-10&Format=XML&StartTime=2015-12-10T20%3A00%3A00Z&EndTime=2015-12-10T21%3A00%3A00Z&TaskName=%3C%5D%5D%3E%26%01 HTTP/1.1\r\nHost: x\r\n\r\n",
	// The success scenario echoes parameters unvalidated (the JSON variant
	// is testdata/fuzz/FuzzDecodeCall/success-scenario-json-invalid-utf8).
	"GET /?Action=CreateUserUsageDataExportTask&Version=2018-05-10&Format=XML&StartTime=%FF%FE%01&EndTime=%3C%3E HTTP/1.1\r\nHost: x\r\nX-Mock-Scenario: success\r\n\r\n",
	// Forced errors, unknown scenarios, bad delays.
	"POST /?Action=CreateUserUsageDataExportTask&Version=2018-05-10 HTTP/1.1\r\nHost: x\r\nX-Mock-Scenario: InvalidTimeRange\r\nAccept: application/json\r\n\r\n",
	"POST /?Action=CreateUserUsageDataExportTask&Version=2018-05-10 HTTP/1.1\r\nHost: x\r\nX-Mock-Scenario: no-such\r\n\r\n",
	"POST /?Action=CreateUserUsageDataExportTask&Version=2018-05-10 HTTP/1.1\r\nHost: x\r\nX-Mock-Delay: -5ms\r\n\r\n",
	// Format, Version, Action problems.
	"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: 11\r\n\r\nFormat=YAML",
	"GET /?Action=Nope&Version=2018-05-10 HTTP/1.1\r\nHost: x\r\n\r\n",
	"GET /?Action=CreateUserUsageDataExportTask&Version=2000-01-01 HTTP/1.1\r\nHost: x\r\n\r\n",
	"GET /?Version=2018-05-10 HTTP/1.1\r\nHost: x\r\nx-acs-action: CreateUserUsageDataExportTask\r\nAuthorization: ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=00\r\n\r\n",
	// A form body with most of the pairs (the params map is sized for both),
	// and times the rules read: a leap day, and a day February lacks.
	"POST /?X=1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 163\r\n\r\nAction=CreateUserUsageDataExportTask&Version=2018-05-10&Format=JSON&StartTime=2016-02-29T00%3A00%3A00Z&EndTime=2016-02-30T00%3A00%3A00Z&A=1&B=2&C=3&D=4&E=5&F=6&G=7",
	// Other methods and paths.
	"PUT /?Action=CreateUserUsageDataExportTask&Format=JSON HTTP/1.1\r\nHost: x\r\n\r\n",
	"DELETE / HTTP/1.1\r\nHost: x\r\n\r\n",
	"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n",
	"GET /other?Format=JSON HTTP/1.1\r\nHost: x\r\n\r\n",
	"GET http://example.com/?Action=CreateUserUsageDataExportTask HTTP/1.1\r\nHost: x\r\n\r\n",
	// Bodies: chunked, short, repeated keys.
	"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nFormat\r\n5\r\n=JSON\r\n0\r\n\r\n",
	"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nFormat=JSON",
	"POST /?Name.1=a&Name.2=b&Name.1=c HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\n\r\nName.1=d&&&x;y",
}

// fuzzNow keeps the captures' StartTime within the spec's one-year window.
var fuzzNow = time.Date(2016, 6, 1, 0, 0, 0, 0, time.UTC)

// fuzzMaxBody is small enough for the fuzzer to reach the body limit.
const fuzzMaxBody = 4096

func addCaptureSeeds(f *testing.F) {
	for _, c := range loadAuthCaptures(f) { // signature_test.go: every capture file
		f.Add(c.Raw)
	}
}

// FuzzDecodeCall sends arbitrary HTTP/1.1 requests through the whole server
// and checks that every answer keeps the API's envelope. Each input gets a
// server of its own, so a failing input fails again when replayed alone.
func FuzzDecodeCall(f *testing.F) {
	addCaptureSeeds(f)
	for _, s := range fuzzExtraSeeds {
		f.Add([]byte(s))
	}

	servers := newFuzzServers(f, Config{
		Clock:             FixedClock(fuzzNow),
		MaxBodyBytes:      fuzzMaxBody,
		DisableThrottling: true, // a pinned clock would throttle everything after 100 calls
	})
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return // not a request
		}
		if !fuzzAnswersAPI(req, servers.cat) {
			return
		}
		rec := httptest.NewRecorder()
		servers.fresh(t).ServeHTTP(rec, req) // a panic fails the input
		checkEnvelope(t, req, rec, servers.allowed)
	})
}

// fuzzServers makes a fresh server for each fuzz input: no journal, tasks,
// step counters, nonces or bindings left by earlier inputs, and the clock
// back at its pinned time. Loading the files is what costs (New takes
// milliseconds); the catalog is loaded once and never changes, so each
// input's server shares it and costs microseconds.
type fuzzServers struct {
	cfg     Config
	now     time.Time
	cat     *catalog
	allowed map[int]bool // the statuses an answer may have
}

func newFuzzServers(f *testing.F, cfg Config) *fuzzServers {
	cfg = cfg.withDefaults()
	now := cfg.Clock.Now()
	cat, err := loadCatalog(cfg, now, true)
	if err != nil {
		f.Fatal(err)
	}
	allowed := map[int]bool{http.StatusOK: true}
	for _, d := range cat.spec.CommonErrors() {
		allowed[d.Status] = true
	}
	for _, name := range cat.spec.OperationNames() {
		for _, d := range cat.spec.Operation(name).Errors() {
			allowed[d.Status] = true
		}
	}
	return &fuzzServers{cfg: cfg, now: now, cat: cat, allowed: allowed}
}

// fresh returns a new server, closed when t ends.
func (fs *fuzzServers) fresh(t *testing.T) *Server {
	cfg := fs.cfg
	cfg.Clock = FixedClock(fs.now)
	srv, err := newWithCatalog(cfg, fs.cat)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// fuzzAnswersAPI tells the requests whose answer must be an API answer from
// those that are out of scope: the admin API (it would also change the
// server's state for later inputs), scenarios that break the connection on
// purpose (with a recorder that is a deliberate http.ErrAbortHandler panic)
// or wait, and X-Mock-Delay waits.
func fuzzAnswersAPI(req *http.Request, cat *catalog) bool {
	if isAdminPath(req.URL.Path) || isAdminPath(req.URL.RawPath) {
		return false
	}
	if h := req.Header.Get(HeaderDelay); h != "" {
		if d, err := ParseDelay(h); err == nil && d.Max > 0 {
			return false
		}
	}
	if sc := cat.scenarios[req.Header.Get(HeaderScenario)]; sc != nil {
		for _, steps := range sc.Operations() {
			for _, st := range steps {
				if st.Fault != "" || st.Delay.Max > 0 {
					return false
				}
			}
		}
	}
	return true
}

// errorEnvelope is Alibaba's error body; pointers tell absent from empty.
type errorEnvelope struct {
	XMLName   xml.Name
	RequestID *string `json:"RequestId" xml:"RequestId"`
	HostID    *string `json:"HostId" xml:"HostId"`
	Code      *string `json:"Code" xml:"Code"`
	Message   *string `json:"Message" xml:"Message"`
	Recommend *string `json:"Recommend" xml:"Recommend"`
}

func checkEnvelope(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder, allowed map[int]bool) {
	t.Helper()
	body := rec.Body.Bytes()
	status := rec.Code
	ct := rec.Header().Get("Content-Type")
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s %q: "+format+"\nstatus %d, Content-Type %q, body:\n%s",
			append([]any{req.Method, req.URL.String()}, append(args, status, ct, body)...)...)
	}

	requestID := rec.Header().Get(HeaderRequestID)
	if requestID == "" {
		fail("no %s header", HeaderRequestID)
	}
	if !utf8.Valid(body) {
		fail("the body is not valid UTF-8")
	}

	var env errorEnvelope
	switch ct {
	case contentTypeJSON:
		if !json.Valid(body) {
			fail("the body is not valid JSON")
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			fail("the JSON body is not an object: %v", err)
		}
		if status != http.StatusOK {
			for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
				v, ok := obj[k]
				if !ok {
					fail("the error body lacks %s", k)
				}
				var s string
				if err := json.Unmarshal(v, &s); err != nil {
					fail("the error body's %s is not a string: %s", k, v)
				}
			}
		}
		if err := json.Unmarshal(body, &env); err != nil {
			fail("%v", err)
		}
	case contentTypeXML:
		if err := checkXMLDocument(body); err != nil {
			fail("the body is not well-formed XML: %v", err)
		}
		if err := xml.Unmarshal(body, &env); err != nil {
			fail("the body is not XML: %v", err)
		}
		if status == http.StatusOK && !strings.HasSuffix(env.XMLName.Local, "Response") {
			fail("success root <%s>, want <ActionResponse>", env.XMLName.Local)
		}
		if status != http.StatusOK {
			if env.XMLName.Local != "Error" {
				fail("error root <%s>, want <Error>", env.XMLName.Local)
			}
			for k, v := range map[string]*string{"RequestId": env.RequestID, "HostId": env.HostID, "Code": env.Code,
				"Message": env.Message, "Recommend": env.Recommend} {
				if v == nil {
					fail("the error body lacks <%s>", k)
				}
			}
		}
	default:
		fail("Content-Type is neither %q nor %q", contentTypeJSON, contentTypeXML)
	}

	if env.RequestID == nil || *env.RequestID != requestID {
		fail("body RequestId %v does not match the %s header %q", deref(env.RequestID), HeaderRequestID, requestID)
	}
	switch {
	case allowed[status]:
	case status == http.StatusRequestEntityTooLarge && env.Code != nil && *env.Code == "Mock.RequestTooLarge":
		// the mock's own limit, MaxBodyBytes
	default:
		fail("status %d is neither 200 nor a status the spec lists", status)
	}
	if status != http.StatusOK && (env.Code == nil || *env.Code == "") {
		fail("error without a Code")
	}
}

// checkXMLDocument reads every token strictly: one root element, nothing
// but white space and processing instructions around it.
func checkXMLDocument(body []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(body))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tk)) > 0 {
				return errors.New("text outside the root element")
			}
		}
	}
	if roots != 1 || depth != 0 {
		return errors.New("want exactly one root element")
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return "<absent>"
	}
	return *s
}
