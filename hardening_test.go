package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var adminLine = regexp.MustCompile(`\(admin API: http://(127\.0\.0\.1:\d+)/_mock/`)

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The binary with --credentials, --admin-token and --admin-addr: the API
// and the admin API on separate listeners, the admin API behind the token,
// and the client commands sending $CDNMOCK_ADMIN_TOKEN.
func TestServeWithAuthAndAdminListener(t *testing.T) {
	bin := buildBinary(t)
	creds := filepath.Join(t.TempDir(), "creds.yaml")
	if err := os.WriteFile(creds, []byte("accessKeys:\n  - {id: AKID, secret: SECRET}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--credentials", creds)
	cmd.Env = append(os.Environ(), adminTokenEnv+"=t0k3n")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	first, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	api, adm := servingLine.FindStringSubmatch(first), adminLine.FindStringSubmatch(first)
	if api == nil || adm == nil || api[1] == adm[1] || !strings.Contains(first, "Bearer token required") || strings.Contains(first, "t0k3n") {
		t.Fatalf("serving line: %q", first)
	}

	// The API checks signatures: an unsigned call is refused.
	if st, body := get(t, "http://"+api[1]+"/?Action=CreateUserUsageDataExportTask&Version=2018-05-10&Format=JSON", ""); st != 400 ||
		!strings.Contains(body, `"Code":"MissingParameter"`) || !strings.Contains(body, `\"Signature\"`) {
		t.Errorf("unsigned call: %d %s", st, body)
	}
	if st, _ := get(t, "http://"+api[1]+"/_mock/scenarios", "t0k3n"); st != 404 {
		t.Errorf("the API listener serves the admin API: %d", st)
	}
	if st, _ := get(t, "http://"+adm[1]+"/_mock/scenarios", ""); st != 401 {
		t.Errorf("admin API without the token: %d", st)
	}
	if st, _ := get(t, "http://"+adm[1]+"/_mock/scenarios", "t0k3n"); st != 200 {
		t.Errorf("admin API with the token: %d", st)
	}
	if st, _ := get(t, "http://"+adm[1]+"/_mock/health", ""); st != 200 {
		t.Errorf("health without the token: %d", st)
	}

	var out, errb bytes.Buffer
	t.Setenv(adminTokenEnv, "t0k3n")
	if code := run([]string{"scenario", "list", "--server", adm[1]}, &out, &errb); code != 0 {
		t.Errorf("scenario list with $%s: exit %d: %s", adminTokenEnv, code, errb.String())
	}
	t.Setenv(adminTokenEnv, "")
	errb.Reset()
	if code := run([]string{"scenario", "list", "--server", adm[1]}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "Mock.Unauthorized") {
		t.Errorf("scenario list without a token: exit %d: %s", code, errb.String())
	}
}

func TestCredentialsFileProblems(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "creds.yaml")
	if err := os.WriteFile(creds, []byte("accessKeys:\n  - id: AKID\n    secret: ''\n  - id: AKID\n    secret: s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--credentials", creds}, {"validate", "--credentials", creds}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d", args, code)
		}
		for _, want := range []string{creds + ":3: accessKeys.0.secret: is empty", creds + ":4: accessKeys.1.id: access key AKID is already defined at line 2"} {
			if !strings.Contains(errb.String(), want) {
				t.Errorf("%v: no %q in:\n%s", args, want, errb.String())
			}
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"--credentials", filepath.Join(t.TempDir(), "none.yaml")}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--credentials:") {
		t.Errorf("a missing file: exit %d: %s", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"--admin-token", "a b"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "--admin-token") {
		t.Errorf("a token with a space: exit %d: %s", code, errb.String())
	}
}

func TestWarningWhenTheAdminAPIIsExposed(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		token string
		warn  bool
	}{
		{"0.0.0.0:8080", "", true},
		{"[::]:8080", "", true},
		{"192.0.2.7:8080", "", true},
		{"0.0.0.0:8080", "tok", false},
		{"127.0.0.1:8080", "", false},
		{"[::1]:8080", "", false},
	} {
		a, err := net.ResolveTCPAddr("tcp", tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		warnExposed(&b, a, tc.token)
		if got := strings.Contains(b.String(), "WARNING"); got != tc.warn {
			t.Errorf("%s, token %q: warning %t: %q", tc.addr, tc.token, got, b.String())
		}
	}

	// The binary, on every interface without a token.
	bin := buildBinary(t)
	cmd := exec.Command(bin, "--addr", "0.0.0.0:0")
	cmd.Env = append(os.Environ(), adminTokenEnv+"=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	r := bufio.NewReader(stderr)
	_, _ = r.ReadString('\n')
	second, _ := r.ReadString('\n')
	if !strings.Contains(second, "WARNING: the admin API on ") || !strings.Contains(second, "--admin-token") {
		t.Errorf("second line: %q", second)
	}
}
