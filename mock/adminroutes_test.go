package mock_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/mock"
)

// An unknown admin path lists the endpoints; a wrong method names the
// allowed ones, in the Allow header and the message.
func TestAdminNotFoundAndMethodNotAllowed(t *testing.T) {
	_, ts := newServer(t, mock.Config{})
	r := admin(t, ts, http.MethodGet, "/_mock/covrage", "")
	msg := r.str("message")
	for _, want := range []string{`no admin endpoint "/_mock/covrage"; did you mean /_mock/coverage?`, "GET /_mock/health", "DELETE /_mock/scenario", "GET /_mock/coverage", "GET /_mock/openapi.yaml describes them"} {
		if r.status != 404 || r.str("code") != "Mock.404" || !strings.Contains(msg, want) {
			t.Errorf("unknown path: %d, message lacks %q: %s", r.status, want, r.body)
		}
	}
	r = admin(t, ts, http.MethodPatch, "/_mock/clock", "")
	if r.status != 405 || r.header.Get("Allow") != "GET, POST" || r.str("message") != `"PATCH" is not allowed on /_mock/clock; allowed: GET, POST` {
		t.Errorf("wrong method: %d Allow %q %s", r.status, r.header.Get("Allow"), r.body)
	}
	// A handler's own 404 (a console file that does not exist) stays short.
	if r := admin(t, ts, http.MethodGet, "/_mock/ui/nope.js", ""); r.status != 404 || strings.Contains(r.body, "Endpoints") {
		t.Errorf("console file: %d %s", r.status, r.body)
	}
}

// DELETE /_mock/scenario?accessKeyId= unbinds that key alone.
func TestUnbindOneKey(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	bind(t, srv, "AK1", "InvalidTimeRange")
	bind(t, srv, "AK2", "InternalError")
	r := admin(t, ts, http.MethodDelete, "/_mock/scenario?accessKeyId=AK1", "")
	if b, _ := r.fields["bindings"].(map[string]any); r.status != 200 || len(b) != 1 || b["AK2"] != "InternalError" {
		t.Errorf("unbind AK1: %d %s", r.status, r.body)
	}
	if got := call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK1"), nil); got.status != 200 {
		t.Errorf("AK1 after unbinding: %d, want the active scenario's 200", got.status)
	}
	r = admin(t, ts, http.MethodDelete, "/_mock/scenario?accessKeyId=AK1", "")
	if r.status != 404 || r.str("code") != "Mock.NotBound" || !strings.Contains(r.str("message"), `access key "AK1" is not bound`) {
		t.Errorf("unbinding again: %d %s", r.status, r.body)
	}
}

// DELETE /_mock/scenario?accessKeyId= with an empty key is refused: it
// must not reset every scenario and binding as a bare DELETE does.
func TestUnbindEmptyKeyIsRefused(t *testing.T) {
	srv, ts := newServer(t, mock.Config{})
	bind(t, srv, "AK1", "InvalidTimeRange")
	if err := srv.SetScenario("InternalError"); err != nil {
		t.Fatal(err)
	}
	r := admin(t, ts, http.MethodDelete, "/_mock/scenario?accessKeyId=", "")
	if r.status != 400 || r.str("code") != "Mock.EmptyAccessKeyId" || !strings.Contains(r.str("message"), "accessKeyId is empty") {
		t.Errorf("empty accessKeyId: %d %s", r.status, r.body)
	}
	// Both choices still hold: AK1's binding, and the active scenario for
	// every other key.
	if got := call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK1"), nil); got.status != 400 {
		t.Errorf("AK1 after a refused empty unbind: %d, want its binding's 400", got.status)
	}
	if got := call(t, ts, http.MethodPost, createParams("AccessKeyId", "AK2"), nil); got.status != 500 {
		t.Errorf("AK2 after a refused empty unbind: %d, want the active InternalError's 500", got.status)
	}
}
