package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/tasks"
)

// Every admin exchange the package's tests produce, whatever test makes it
// and whichever handler serves it (ServeHTTP, APIHandler, AdminHandler,
// over httptest servers or recorders), is checked against the admin API's
// OpenAPI document (adminapi/openapi.yaml) with kin-openapi's
// openapi3filter: TestMain installs the check as serveHook, and fails the
// run with the list of mismatches at the end.

func TestMain(m *testing.M) {
	serveHook = adminChecks.serve
	code := m.Run()
	if msg := adminChecks.summary(); msg != "" {
		fmt.Fprint(os.Stderr, msg)
		code = 1
	}
	if testing.Verbose() {
		fmt.Fprint(os.Stderr, adminChecks.coverage())
	}
	os.Exit(code)
}

// adminChecks collects the checks of the whole run.
var adminChecks = &adminChecker{}

// adminDocument is the admin API's document, loaded and routed once.
var adminDocument = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(adminapi.Document)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	return doc, nil
})

var adminRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := adminDocument()
	if err != nil {
		return nil, err
	}
	// The document's servers name the default address; requests reach the
	// handler with a path only, so route on the paths alone.
	routed := *doc
	routed.Servers = nil
	// kin's legacy router ignores a trailing slash: of two paths that differ
	// by one, whichever it adds last would take both. Keep one.
	routed.Paths = openapi3.NewPaths()
	for path, item := range doc.Paths.Map() {
		if _, alias := routedAliases[path]; !alias {
			routed.Paths.Set(path, item)
		}
	}
	return legacy.NewRouter(&routed)
})

// routedAliases are the document's paths the router reaches as another:
// their exchanges are checked, and counted, as the other's.
var routedAliases = map[string]string{"/_mock/ui/": "/_mock/ui"}

// adminChecker checks admin exchanges against the document.
type adminChecker struct {
	mu       sync.Mutex
	count    int             // exchanges checked
	failures []string        // one per exchange that does not match
	covered  map[string]bool // "GET /_mock/health 200", as the document names them
}

// serve is serveHook: it serves r and, when the path is an admin one,
// holds the answer back until the exchange is checked, so a test sees the
// check's result as soon as it has the answer.
func (ck *adminChecker) serve(listener string, next http.Handler, w http.ResponseWriter, r *http.Request) {
	if !isAdminPath(r.URL.Path) {
		next.ServeHTTP(w, r)
		return
	}
	var reqBody []byte
	if r.Body != nil && r.Body != http.NoBody {
		reqBody, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	bw := &bufferedWriter{header: http.Header{}}
	if strings.HasPrefix(r.URL.Path, AdminPrefix+"/downloads/") {
		bw.out = w // streamed: the tests see the file as it is written
	}
	next.ServeHTTP(bw, r)
	if bw.status == 0 {
		bw.status = http.StatusOK
	}
	ck.record(r, ck.check(listener, r, reqBody, bw.status, bw.header, bw.body.Bytes()))
	if bw.out != nil {
		return
	}
	maps.Copy(w.Header(), bw.header)
	w.WriteHeader(bw.status)
	_, _ = w.Write(bw.body.Bytes())
}

func (ck *adminChecker) record(r *http.Request, err error) {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	ck.count++
	if err != nil {
		ck.failures = append(ck.failures, fmt.Sprintf("%s %s: %v", r.Method, r.URL.RequestURI(), err))
	}
}

// mark and since give the failures recorded after a point, for a test that
// wants its own.
func (ck *adminChecker) mark() int {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	return len(ck.failures)
}

func (ck *adminChecker) since(mark int) []string {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	return append([]string(nil), ck.failures[mark:]...)
}

func (ck *adminChecker) summary() string {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	if len(ck.failures) == 0 {
		return ""
	}
	return fmt.Sprintf("FAIL: %d of %d admin exchanges do not match mock/adminapi/openapi.yaml:\n  %s\n",
		len(ck.failures), ck.count, strings.Join(ck.failures, "\n  "))
}

// coverage says how many exchanges were checked, and which documented
// answers no test produced.
func (ck *adminChecker) coverage() string {
	ck.mu.Lock()
	defer ck.mu.Unlock()
	doc, err := adminDocument()
	if err != nil {
		return ""
	}
	var missing []string
	for _, a := range documentedAnswers(doc) {
		if !ck.covered[a] {
			missing = append(missing, a)
		}
	}
	return fmt.Sprintf("admin API: %d exchanges checked against mock/adminapi/openapi.yaml; documented answers never produced: %s\n",
		ck.count, strings.Join(missing, ", "))
}

// documentedAnswers lists "METHOD path status" for every documented answer
// the router can reach.
func documentedAnswers(doc *openapi3.T) []string {
	var out []string
	for path, item := range doc.Paths.Map() {
		if _, alias := routedAliases[path]; alias {
			continue
		}
		for method, op := range item.Operations() {
			for status := range op.Responses.Map() {
				out = append(out, method+" "+path+" "+status)
			}
		}
	}
	sort.Strings(out)
	return out
}

// check holds one exchange to the document.
func (ck *adminChecker) check(listener string, r *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	doc, err := adminDocument()
	if err != nil {
		return fmt.Errorf("the document: %w", err)
	}
	router, err := adminRouter()
	if err != nil {
		return fmt.Errorf("the document's router: %w", err)
	}
	generic := func(allowed ...int) error { // an answer of no documented operation
		if !containsInt(allowed, status) {
			return fmt.Errorf("%d: want one of %v here", status, allowed)
		}
		if status == http.StatusUnauthorized {
			if !strings.HasPrefix(header.Get("WWW-Authenticate"), "Bearer ") {
				return fmt.Errorf("401 without WWW-Authenticate: Bearer")
			}
		}
		return checkAgainst(doc.Components.Schemas["AdminError"], header, body)
	}
	if listener == listenerAPI && !strings.HasPrefix(r.URL.Path, tasks.DownloadPath("")) {
		return generic(http.StatusNotFound) // the API's listener serves no admin route but downloads
	}
	route, pathParams, err := router.FindRoute(r)
	if err != nil { // no such path (404) or method (405); a token checked first (401); a panic (500)
		return generic(http.StatusUnauthorized, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusInternalServerError)
	}
	ck.mu.Lock()
	if ck.covered == nil {
		ck.covered = map[string]bool{}
	}
	ck.covered[fmt.Sprintf("%s %s %d", route.Method, route.Path, status)] = true
	ck.mu.Unlock()

	ctx := context.Background()
	req := r.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && status < 400 {
		return fmt.Errorf("the document refuses the request, the server answered %d: %w", status, err)
	}
	respOpts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: respOpts}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Errorf("%d %s: %w", status, truncate(string(body), 300), err)
	}
	resp := route.Operation.Responses.Status(status)
	if resp != nil && len(resp.Value.Content) == 0 && len(body) > 0 {
		return fmt.Errorf("%d: the document says no body, the server sent %q", status, truncate(string(body), 100))
	}
	return nil
}

// checkAgainst holds a JSON answer to a schema.
func checkAgainst(schema *openapi3.SchemaRef, header http.Header, body []byte) error {
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("content type %q, want application/json", ct)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("not JSON: %w: %q", err, truncate(string(body), 200))
	}
	if err := schema.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("%q does not match %s: %w", truncate(string(body), 200), schema.Ref, err)
	}
	return nil
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// truncate cuts s to n bytes for a message, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
