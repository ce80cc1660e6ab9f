package admin

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
	"github.com/alibaba-cloud-mock/cdnmock/mock/internal/resources"
)

// The admin API of resource state (x-mock-resources):
//
//	GET    /_mock/resources   accounts' counts and newest items (?accessKeyId=, ?resource= to narrow; ?limit=, ?after= to page)
//	DELETE /_mock/resources   forget items: all, or an account's, a resource's, or both

func (s *api) resourceRoutes(g *echo.Group) {
	g.GET("/resources", s.adminResources)
	g.DELETE("/resources", s.adminResetResources)
}

// resourceFilter reads ?accessKeyId= and ?resource=: given (even empty for
// the account, which names calls without a key) or not. An unknown
// resource is a 404.
func (s *api) resourceFilter(c echo.Context) (account string, byAccount bool, resource string, err error) {
	q := c.QueryParams()
	if v, ok := q["accessKeyId"]; ok {
		byAccount = true
		if len(v) > 0 {
			account = v[0]
		}
	}
	resource = q.Get("resource")
	if resource != "" && s.Catalog().Spec.Resources[resource] == nil {
		return "", false, "", c.JSON(http.StatusNotFound, adminapi.Error{Code: "Mock.UnknownResource",
			Message: "no resource " + resource + " in the spec; valid: " + joinSorted(s.Catalog().Spec.Resources)})
	}
	return account, byAccount, resource, nil
}

// Pages of GET /_mock/resources: newest items per account and resource
// (?limit=), accounts per page.
const (
	defaultResourceLimit = 20
	maxResourceLimit     = 1000
	resourceAccounts     = 100
)

func (s *api) adminResources(c echo.Context) error {
	account, byAccount, resource, err := s.resourceFilter(c)
	if err != nil || c.Response().Committed {
		return err
	}
	limit := defaultResourceLimit
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxResourceLimit {
			return c.JSON(http.StatusBadRequest, adminapi.Error{Code: "Mock.BadLimit",
				Message: fmt.Sprintf("limit=%q: the newest items shown per account and resource, 1 to %d", v, maxResourceLimit)})
		}
		limit = n
	}
	q := resources.Query{Resource: resource, MaxAccounts: resourceAccounts, PerList: limit}
	if v, ok := c.QueryParams()["after"]; ok && len(v) > 0 { // given, even empty: after the "" account
		q.After = &v[0]
	}
	if byAccount {
		q.Account = &account
	}
	defs := s.Catalog().Spec.Resources
	now := s.Clock.Now()
	views, next := s.Resources.Accounts(defs, q, now)
	page := adminapi.ResourcesPage{Now: now, Resources: sortedKeys(defs), Accounts: make([]adminapi.AccountResources, 0, len(views)),
		Total: s.Resources.Len(), Limit: resources.MaxItems, Shown: limit, Next: next}
	for _, v := range views {
		page.Accounts = append(page.Accounts, adminapi.AccountResources{AccessKeyID: v.Account, Counts: v.Counts, Items: v.Items})
	}
	return c.JSON(http.StatusOK, page)
}

func (s *api) adminResetResources(c echo.Context) error {
	account, byAccount, resource, err := s.resourceFilter(c)
	if err != nil || c.Response().Committed {
		return err
	}
	var only *string // nil: every account
	if byAccount {
		only = &account
	}
	n, err := s.Resources.Reset(only, resource)
	if err != nil {
		return c.JSON(http.StatusInternalServerError, adminapi.Error{Code: "Mock.StateError", Message: err.Error()})
	}
	return c.JSON(http.StatusOK, adminapi.ResourcesReset{Deleted: n})
}

func sortedKeys[V any](m map[string]V) []string {
	out := slices.Sorted(maps.Keys(m))
	return out
}

func joinSorted[V any](m map[string]V) string {
	out := ""
	for i, k := range sortedKeys(m) {
		if i > 0 {
			out += ", "
		}
		out += k
	}
	return out
}
