package admin

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/contract"
)

// The web console: one page and its assets, embedded, served under
// /_mock/ui. It drives the mock through the admin API only; it adds
// GET /_mock/operations, which lists the spec's operations with every
// documented outcome and the scenario that forces it.

//go:embed ui
var uiFiles embed.FS

// uiAsset is one embedded file of the console, ready to serve.
type uiAsset struct {
	data        []byte
	contentType string
	etag        string
}

// uiAssets maps a file name under ui/ to its asset; built once at start.
var uiAssets = loadUIAssets(uiFiles)

// uiTypes are the content types of the console's files, by extension.
var uiTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
}

// uiPolicy lets the page load only what the mock serves: no fonts, scripts
// or styles from elsewhere, and no inline code.
const uiPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func loadUIAssets(fsys embed.FS) map[string]uiAsset {
	out := map[string]uiAsset{}
	err := fs.WalkDir(fsys, "ui", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fsys.ReadFile(p)
		if err != nil {
			return err
		}
		ct, ok := uiTypes[path.Ext(p)]
		if !ok {
			ct = "application/octet-stream"
		}
		sum := sha256.Sum256(data)
		out[strings.TrimPrefix(p, "ui/")] = uiAsset{data: data, contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	if err != nil {
		panic("admin: embedded console: " + err.Error()) // only a broken build gets here
	}
	return out
}

// uiRoutes serves the console and the endpoint it adds to the admin API.
func (s *api) uiRoutes(g *echo.Group) {
	g.GET("/ui", s.uiFile)
	g.GET("/ui/", s.uiFile)
	g.GET("/ui/*", s.uiFile)
	g.GET("/operations", s.adminOperations)
}

// uiFile answers the page itself on /ui and /ui/, and its assets below.
func (s *api) uiFile(c echo.Context) error {
	name := c.Param("*")
	if name == "" {
		name = "index.html"
	}
	a, ok := uiAssets[name]
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, a.contentType)
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache") // revalidate, so a new binary's console shows at once
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", uiPolicy)
	h.Set("Referrer-Policy", "no-referrer")
	http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(a.data))
	return nil
}

func (s *api) adminOperations(c echo.Context) error {
	return c.JSON(http.StatusOK, operationsPage(s.Catalog()))
}

// taskFamily is the export task family an operation works on (its
// x-mock-state), "" for none: the console pins these first.
func taskFamily(op *contract.Operation) string {
	if op.State == nil {
		return ""
	}
	return op.State.Tasks
}

func operationsPage(cat Catalog) adminapi.OperationsPage {
	sp := cat.Spec
	page := adminapi.OperationsPage{Product: sp.Product, Version: sp.Version, Operations: []adminapi.OperationInfo{}}
	errorInfo := func(op *contract.Operation, d contract.ErrorDef, common bool) adminapi.ErrorInfo {
		e := adminapi.ErrorInfo{Code: d.Code, Status: d.Status, Message: d.WithName(op.Subject()).Message, Common: common, Assumed: d.Assumed}
		if cat.Scenarios[d.Code] != nil {
			e.Scenario = d.Code
		}
		return e
	}
	for _, name := range sp.OperationNames() {
		op := sp.Summary(name) // listing loads nothing
		info := adminapi.OperationInfo{Name: name, Methods: op.Methods, RateLimit: op.RateLimit, Tasks: taskFamily(op),
			Parameters: make([]adminapi.ParamInfo, len(op.Params)), Fixtures: []string{}, Errors: []adminapi.ErrorInfo{}}
		for i, p := range op.Params {
			info.Parameters[i] = adminapi.ParamInfo{Name: p.Name, Required: p.Required, Default: p.Default}
		}
		if op.Resource != nil {
			info.Assumed = op.Resource.Assumed
		}
		for f := range cat.Fixtures[name] {
			info.Fixtures = append(info.Fixtures, f)
		}
		sort.Strings(info.Fixtures)
		for _, d := range op.Errors() {
			info.Errors = append(info.Errors, errorInfo(op, d, false))
		}
		for _, d := range sp.CommonErrors() {
			if _, own := op.Documents(d.Code); !own {
				info.Errors = append(info.Errors, errorInfo(op, d, true))
			}
		}
		page.Operations = append(page.Operations, info)
	}
	return page
}
