package main

// cdnmock health: exit 0 when a server answers GET /_mock/health, 1
// otherwise. For container health checks and CI scripts that wait for the
// server to be up.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

// healthTimeout bounds one check (client.healthTimeout): a health check must
// answer quickly, and cdnmock health must give its own answer before the
// image's HEALTHCHECK --timeout (5s) kills it.
const healthTimeout = 3 * time.Second

func (c *client) health(ctx context.Context, args []string) error {
	co, pos, err := c.flags("health", args, nil)
	if err != nil {
		return err
	}
	if err := noArgs("health", pos); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.healthTimeout)
	defer cancel()
	raw, err := c.call(ctx, co.server, http.MethodGet, "/health", nil, nil)
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("the mock at %s did not answer within %v", co.server, c.healthTimeout)
	}
	if err != nil {
		return err
	}
	// The status decides the exit code, with or without --json.
	var h adminapi.Health
	if err := c.decode(co.server, raw, &h); err != nil {
		return err
	}
	if h.Status != adminapi.HealthOK {
		return fmt.Errorf("the mock at %s is not healthy: %s", co.server, snippet(raw))
	}
	if co.json {
		return c.printJSON(raw)
	}
	fmt.Fprintf(c.stdout, "ok: %s\n", co.server)
	return nil
}

// configuredServer is where the client commands look without --server or
// $CDNMOCK_SERVER: the address the server itself takes from the environment
// (the admin API's own address first, as it serves /_mock/health), else the
// default. An address that listens on every interface is asked on loopback,
// as in a container where CDNMOCK_ADDR is 0.0.0.0:8080.
func configuredServer(getenv func(string) string) string {
	addr := strings.TrimPrefix(defaultServer, "http://")
	for _, name := range []string{envName("admin-addr"), envName("addr")} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			addr = v
			break
		}
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr // the call reports it
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
