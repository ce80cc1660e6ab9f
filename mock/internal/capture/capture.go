// Package capture reads the real clients' requests kept byte for byte in
// mock/testdata/wire/, for the tests of every package that replays them.
package capture

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"testing"
	"time"
)

// Files are the capture files, relative to the mock/ directory: every
// client plainly, with a special-character TaskName, and with two custom
// headers.
var Files = []string{
	"testdata/wire/captures.jsonl",
	"testdata/wire/encoding/captures.jsonl",
	"testdata/wire/custom-headers/captures.jsonl",
}

// Capture is one captured request of a real client.
type Capture struct {
	Set, Dir, Name string
	Raw            []byte
	At             time.Time // when it was captured: its Timestamp / x-acs-date
}

// Load reads every capture; mockDir is the path of the mock/ directory
// from the caller's package.
func Load(mockDir string) ([]Capture, error) {
	var out []Capture
	for _, f := range Files {
		file := filepath.ToSlash(filepath.Join(mockDir, f))
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var c struct {
				Name   string  `json:"name"`
				TS     float64 `json:"ts"`
				RawB64 string  `json:"raw_b64"`
			}
			if err := json.Unmarshal(line, &c); err != nil {
				return nil, fmt.Errorf("%s: %v", file, err)
			}
			raw, err := base64.StdEncoding.DecodeString(c.RawB64)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", file, err)
			}
			out = append(out, Capture{Set: path.Base(path.Dir(file)), Dir: path.Dir(file), Name: c.Name, Raw: raw,
				At: time.Unix(int64(c.TS), 0).UTC()})
		}
	}
	return out, nil
}

// ReadRequest parses a captured request's bytes.
func ReadRequest(raw []byte) (*http.Request, error) {
	return http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
}

// MustLoad is Load for a test: it fails tb when the captures cannot be
// read, or are fewer than the 25 the replay tests rely on.
func MustLoad(tb testing.TB, mockDir string) []Capture {
	tb.Helper()
	out, err := Load(mockDir)
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) < 25 {
		tb.Fatalf("only %d captures", len(out))
	}
	return out
}

// MustReadRequest is ReadRequest for a test.
func MustReadRequest(tb testing.TB, raw []byte) *http.Request {
	tb.Helper()
	req, err := ReadRequest(raw)
	if err != nil {
		tb.Fatalf("not an HTTP request: %v", err)
	}
	return req
}
