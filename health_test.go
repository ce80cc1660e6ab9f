package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// downAddr is a loopback address where nothing listens.
func downAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestHealthUp(t *testing.T) {
	t.Setenv(serverEnv, "")
	_, ts := startMock(t)
	addr := ts.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)

	code, stdout, stderr := cli(t, "health", "--server", ts.URL)
	if code != 0 || !strings.HasPrefix(stdout, "ok: "+ts.URL) {
		t.Errorf("--server: exit %d, %q %q", code, stdout, stderr)
	}
	t.Run("CDNMOCK_SERVER", func(t *testing.T) {
		t.Setenv(serverEnv, addr)
		if code, _, stderr := cli(t, "health"); code != 0 {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
	t.Run("the configured address, on every interface", func(t *testing.T) {
		// Asked on loopback. Linux also connects to 0.0.0.0 and [::]
		// themselves, so the address in the answer is what shows it.
		for _, configured := range []string{"0.0.0.0:" + port, "[::]:" + port, ":" + port} {
			t.Setenv("CDNMOCK_ADDR", configured) // 0.0.0.0:8080 in the image
			if code, stdout, stderr := cli(t, "health"); code != 0 || stdout != "ok: http://127.0.0.1:"+port+"\n" {
				t.Errorf("CDNMOCK_ADDR=%s: exit %d, %q %s", configured, code, stdout, stderr)
			}
		}
	})
	t.Run("the admin address first", func(t *testing.T) {
		t.Setenv("CDNMOCK_ADDR", downAddr(t))
		t.Setenv("CDNMOCK_ADMIN_ADDR", addr)
		if code, stdout, stderr := cli(t, "health"); code != 0 || stdout != "ok: http://"+addr+"\n" {
			t.Errorf("exit %d: %q %s", code, stdout, stderr)
		}
	})
	t.Run("--json", func(t *testing.T) {
		if code, stdout, _ := cli(t, "health", "--json", "--server", ts.URL); code != 0 || !strings.Contains(stdout, `"status": "ok"`) {
			t.Errorf("exit %d: %s", code, stdout)
		}
	})
}

func TestHealthDown(t *testing.T) {
	t.Setenv(serverEnv, "")
	down := downAddr(t)
	code, _, stderr := cli(t, "health", "--server", down)
	if code != exitServer || !strings.Contains(stderr, "cannot reach the mock at http://"+down) {
		t.Errorf("nothing listening: exit %d, %s", code, stderr)
	}
	t.Setenv("CDNMOCK_ADDR", down)
	if code, _, stderr := cli(t, "health"); code != exitServer || !strings.Contains(stderr, "cannot reach the mock at http://"+down) {
		t.Errorf("nothing at the configured address: exit %d, %s", code, stderr)
	}

	for name, h := range map[string]http.HandlerFunc{
		"not a cdnmock": http.NotFound,
		"not ok": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"status":"starting"}`))
		},
		"not JSON": func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`hello`))
		},
	} {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(h)
			defer ts.Close()
			for _, args := range [][]string{{"health", "--server", ts.URL}, {"health", "--json", "--server", ts.URL}} {
				if code, stdout, stderr := cli(t, args...); code != exitServer || stdout != "" {
					t.Errorf("%q: exit %d, want %d; stdout %q; stderr %s", args, code, exitServer, stdout, stderr)
				}
			}
		})
	}
	if code, _, _ := cli(t, "health", "extra"); code != exitUsage {
		t.Errorf("a stray argument: exit %d, want %d", code, exitUsage)
	}
}

func TestHealthConfiguredServer(t *testing.T) {
	for addr, want := range map[string]string{
		"":               "http://127.0.0.1:8080",
		"0.0.0.0:9000":   "http://127.0.0.1:9000",
		":9000":          "http://127.0.0.1:9000",
		"[::]:9000":      "http://127.0.0.1:9000",
		"localhost:9000": "http://localhost:9000",
		"[::1]:9000":     "http://[::1]:9000",
	} {
		env := func(name string) string {
			if name == "CDNMOCK_ADDR" {
				return addr
			}
			return ""
		}
		if got := configuredServer(env); got != want {
			t.Errorf("CDNMOCK_ADDR=%q: %s, want %s", addr, got, want)
		}
	}
}

// A server that accepts the connection and never answers fails the check
// within the client's timeout.
func TestHealthTimeout(t *testing.T) {
	t.Setenv(serverEnv, "")
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer ts.Close()
	defer close(release)

	var stdout, stderr bytes.Buffer
	c := newClient(&stdout, &stderr)
	c.healthTimeout = 50 * time.Millisecond
	start := time.Now()
	code := c.run(context.Background(), []string{"health", "--server", ts.URL})
	took := time.Since(start)
	if code != exitServer || !strings.Contains(stderr.String(), "did not answer within 50ms") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if took > 2*time.Second {
		t.Errorf("took %v with a 50ms timeout", took)
	}
}

// cdnmock health gives up before the image's HEALTHCHECK kills it, so a
// hung server is reported as such.
func TestHealthTimeoutWithinHealthcheck(t *testing.T) {
	dockerfile, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`HEALTHCHECK[^\n]*--timeout=(\d+s)`).FindSubmatch(dockerfile)
	if m == nil {
		t.Fatal("no HEALTHCHECK --timeout=Ns in the Dockerfile")
	}
	limit, err := time.ParseDuration(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	if got := newClient(nil, nil).healthTimeout; got <= 0 || got > limit-time.Second {
		t.Errorf("health timeout %v: want at least a second under the HEALTHCHECK --timeout of %v", got, limit)
	}
}

// Every client command, not only health, finds the server at the address
// it is configured with, and says so in its help.
func TestClientUsesConfiguredAddress(t *testing.T) {
	t.Setenv(serverEnv, "")
	t.Setenv("CDNMOCK_ADMIN_ADDR", "")
	_, ts := startMock(t)
	addr := ts.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)

	t.Setenv("CDNMOCK_ADDR", "0.0.0.0:"+port)
	if code, stdout, stderr := cli(t, "scenario", "set", "success"); code != 0 || stdout != "active scenario: success\n" {
		t.Errorf("scenario set with CDNMOCK_ADDR: exit %d, %q %s", code, stdout, stderr)
	}
	if code, _, stderr := cli(t, "requests"); code != 0 {
		t.Errorf("requests with CDNMOCK_ADDR: exit %d, %s", code, stderr)
	}
	down := downAddr(t)
	t.Setenv("CDNMOCK_ADDR", down)
	t.Setenv("CDNMOCK_ADMIN_ADDR", addr)
	if code, stdout, stderr := cli(t, "scenario", "list"); code != 0 || !strings.Contains(stdout, "active: success") {
		t.Errorf("scenario list with CDNMOCK_ADMIN_ADDR: exit %d, %q %s", code, stdout, stderr)
	}
	t.Setenv("CDNMOCK_ADMIN_ADDR", "")
	if code, _, stderr := cli(t, "scenario", "reset"); code != exitServer || !strings.Contains(stderr, "cannot reach the mock at http://"+down) {
		t.Errorf("nothing at CDNMOCK_ADDR: exit %d, %s", code, stderr)
	}

	_, help, _ := cli(t, "scenario", "list", "--help")
	if !strings.Contains(help, "(default $CDNMOCK_SERVER, else the address in $CDNMOCK_ADMIN_ADDR or $CDNMOCK_ADDR, else http://127.0.0.1:8080)") {
		t.Errorf("--server's help does not give its default:\n%s", help)
	}
}
