package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
		t.Setenv("CDNMOCK_ADDR", "0.0.0.0:"+port) // as in the image
		if code, _, stderr := cli(t, "health"); code != 0 {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
	t.Run("the admin address first", func(t *testing.T) {
		t.Setenv("CDNMOCK_ADDR", downAddr(t))
		t.Setenv("CDNMOCK_ADMIN_ADDR", addr)
		if code, _, stderr := cli(t, "health"); code != 0 {
			t.Errorf("exit %d: %s", code, stderr)
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
	if code, _, stderr := cli(t, "health"); code != exitServer {
		t.Errorf("nothing at the configured address: exit %d, %s", code, stderr)
	}

	for name, h := range map[string]http.HandlerFunc{
		"not a cdnmock": http.NotFound,
		"not ok": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"status":"starting"}`))
		},
	} {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(h)
			defer ts.Close()
			if code, _, stderr := cli(t, "health", "--server", ts.URL); code != exitServer {
				t.Errorf("exit %d, want %d: %s", code, exitServer, stderr)
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
