package mock_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/fixtures"
	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// Replays of real clients' requests (the Go and Node SDKs), captured byte
// for byte in mock/testdata/wire/. Each capture goes through the server
// exactly as it came off the wire.

// wireCapture is one line of a captures.jsonl file.
type wireCapture struct {
	Name    string      `json:"name"`
	Method  string      `json:"method"`
	Target  string      `json:"target"`
	Headers [][2]string `json:"headers"`
	Body    string      `json:"body"`
	RawB64  string      `json:"raw_b64"`
	raw     []byte
}

// wireSets are the capture files: every client plainly, with the
// special-character TaskName, and with two custom headers.
var wireSets = []struct{ name, file string }{
	{"plain", "testdata/wire/captures.jsonl"},
	{"encoding", "testdata/wire/encoding/captures.jsonl"},
	{"custom-headers", "testdata/wire/custom-headers/captures.jsonl"},
}

// wireTaskName is the TaskName every client sent in the encoding set.
const wireTaskName = "a b+c*d~e/f:g(h)!'i&j=k%l 中文"

// wireNow puts the captures' StartTime (2015-12-10T20:00:00Z) within the
// last year, as the spec's time-window rule requires.
var wireNow = time.Date(2016, 6, 1, 0, 0, 0, 0, time.UTC)

func readWireCaptures(t *testing.T, file string) []wireCapture {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []wireCapture
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var c wireCapture
		if err := json.Unmarshal(line, &c); err != nil {
			t.Fatalf("%s:%d: %v", file, i+1, err)
		}
		if c.raw, err = base64.StdEncoding.DecodeString(c.RawB64); err != nil {
			t.Fatalf("%s:%d: raw_b64: %v", file, i+1, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no captures", file)
	}
	return out
}

func readWireRequest(t *testing.T, raw []byte) *http.Request {
	t.Helper()
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("the capture does not parse as an HTTP request: %v", err)
	}
	return req
}

// wireExpect is what the test itself reads from a capture, independently of
// the server: the merged parameters and the format the answer must be in.
type wireExpect struct {
	params url.Values
	json   bool
}

func expectFromCapture(t *testing.T, raw []byte) wireExpect {
	t.Helper()
	req := readWireRequest(t, raw)
	params, err := url.ParseQuery(req.URL.RawQuery)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	if strings.HasPrefix(strings.ToLower(req.Header.Get("Content-Type")), "application/x-www-form-urlencoded") {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			t.Fatal(err)
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			t.Fatalf("form body: %v", err)
		}
		for k, vs := range form {
			params[k] = append(params[k], vs...)
		}
	}
	var isJSON bool
	switch f := params.Get("Format"); {
	case strings.EqualFold(f, "JSON"):
		isJSON = true
	case strings.EqualFold(f, "XML"):
		isJSON = false
	case f != "":
		t.Fatalf("capture has Format=%q", f)
	default:
		isJSON = strings.HasPrefix(req.Header.Get("Authorization"), "ACS3-HMAC-SHA256 ") ||
			strings.Contains(strings.ToLower(req.Header.Get("Accept")), "application/json")
	}
	return wireExpect{params: params, json: isJSON}
}

// wireSuccess is the success body, whichever format it came in.
type wireSuccess struct {
	XMLName   xml.Name
	RequestID string `json:"RequestId" xml:"RequestId"`
	TaskID    string `json:"TaskId" xml:"TaskId"`
	StartTime string `json:"StartTime" xml:"StartTime"`
	EndTime   string `json:"EndTime" xml:"EndTime"`
}

// replayWire sends the raw request through the server and checks the
// success answer every client must get; it returns the decoded body.
func replayWire(t *testing.T, srv *mock.Server, raw []byte) wireSuccess {
	t.Helper()
	want := expectFromCapture(t, raw)
	req := readWireRequest(t, raw)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)

	body := rec.Body.Bytes()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200\n%s", rec.Code, body)
	}
	ct := rec.Header().Get("Content-Type")
	var got wireSuccess
	if want.json {
		if ct != "application/json;charset=utf-8" {
			t.Errorf("Content-Type %q, want application/json;charset=utf-8", ct)
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("JSON body: %v\n%s", err, body)
		}
	} else {
		if ct != "text/xml;charset=utf-8" {
			t.Errorf("Content-Type %q, want text/xml;charset=utf-8", ct)
		}
		if err := xml.Unmarshal(body, &got); err != nil {
			t.Fatalf("XML body: %v\n%s", err, body)
		}
		if got.XMLName.Local != "CreateUserUsageDataExportTaskResponse" {
			t.Errorf("XML root <%s>, want <CreateUserUsageDataExportTaskResponse>", got.XMLName.Local)
		}
	}

	if got.StartTime != want.params.Get("StartTime") || got.StartTime == "" {
		t.Errorf("StartTime %q, want %q echoed", got.StartTime, want.params.Get("StartTime"))
	}
	if got.EndTime != want.params.Get("EndTime") || got.EndTime == "" {
		t.Errorf("EndTime %q, want %q echoed", got.EndTime, want.params.Get("EndTime"))
	}
	if got.TaskID == "" {
		t.Error("no TaskId")
	}
	if id := rec.Header().Get("x-acs-request-id"); id == "" || id != got.RequestID {
		t.Errorf("x-acs-request-id %q, body RequestId %q: want the same, non-empty", id, got.RequestID)
	}
	if t.Failed() {
		t.Logf("body:\n%s", body)
	}
	return got
}

// asXML turns a capture that asks Format=JSON in its query string into one
// asking Format=XML (the request line only, so Content-Length still holds),
// as go-alisdk does with request.AcceptFormat = "XML". ok is false when the
// capture has no such parameter in its query.
func asXML(raw []byte) (out []byte, ok bool) {
	line, rest, found := bytes.Cut(raw, []byte("\r\n"))
	if !found {
		return nil, false
	}
	for _, from := range []string{"?Format=JSON&", "&Format=JSON&", "&Format=JSON "} {
		if bytes.Contains(line, []byte(from)) {
			to := strings.Replace(from, "JSON", "XML", 1)
			line = bytes.Replace(line, []byte(from), []byte(to), 1)
			return append(append(line, "\r\n"...), rest...), true
		}
	}
	return nil, false
}

// TestWireCaptures replays every capture against the shipped spec, fixtures
// and scenarios (default scenario: full validation and rules).
func TestWireCaptures(t *testing.T) {
	for _, set := range wireSets {
		t.Run(set.name, func(t *testing.T) {
			srv, err := mock.New(mock.Config{Clock: mock.FixedClock(wireNow)})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range readWireCaptures(t, set.file) {
				t.Run(c.Name, func(t *testing.T) {
					got := replayWire(t, srv, c.raw)
					if strings.Trim(got.TaskID, "0123456789") != "" {
						t.Errorf("TaskId %q: the success fixture makes a numeric id", got.TaskID)
					}
				})
				if x, ok := asXML(c.raw); ok {
					t.Run(c.Name+"/as-XML", func(t *testing.T) { replayWire(t, srv, x) })
				}
			}
		})
	}
}

// wireEchoSuccess is a success fixture that carries the decoded TaskName
// in TaskId (the schema allows no extra field).
const wireEchoSuccess = `{
  "EndTime": "{{ .Params.EndTime }}",
  "StartTime": "{{ .Params.StartTime }}",
  "RequestId": "{{ .RequestId }}",
  "TaskId": "{{ .Params.TaskName }}"
}
`

// wireEchoFixtures is the shipped fixture set (every operation needs a
// success fixture) with CreateUserUsageDataExportTask's success replaced by
// wireEchoSuccess.
func wireEchoFixtures(t *testing.T) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(fixtures.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		data, err := fs.ReadFile(fixtures.FS, p)
		out[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out["CreateUserUsageDataExportTask/success.json"] = &fstest.MapFile{Data: []byte(wireEchoSuccess)}
	return out
}

// TestWireEncodingReachesFixtures checks that every client's encoding of
// the special-character TaskName (form "+", %20, unencoded "*()!",
// RFC 3986, query or form body) decodes to exactly the string sent.
func TestWireEncodingReachesFixtures(t *testing.T) {
	srv, err := mock.New(mock.Config{
		Clock:        mock.FixedClock(wireNow),
		Fixtures:     wireEchoFixtures(t),
		FixturesDir:  "testfixtures",
		Scenarios:    fstest.MapFS{}, // only the built-in scenarios
		ScenariosDir: "testscenarios",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range readWireCaptures(t, "testdata/wire/encoding/captures.jsonl") {
		t.Run(c.Name, func(t *testing.T) {
			if got := replayWire(t, srv, c.raw).TaskID; got != wireTaskName {
				t.Errorf("TaskName arrived as %q, want %q", got, wireTaskName)
			}
		})
		if x, ok := asXML(c.raw); ok {
			t.Run(c.Name+"/as-XML", func(t *testing.T) {
				if got := replayWire(t, srv, x).TaskID; got != wireTaskName {
					t.Errorf("TaskName arrived as %q, want %q", got, wireTaskName)
				}
			})
		}
	}
}
