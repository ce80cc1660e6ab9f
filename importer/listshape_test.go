package importer

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// TestListShapesInferred: the full metadata gives the stateless lists
// their x-mock-page (checked by eye against each fixture and the
// metadata), and the ids their x-mock-echo.
func TestListShapesInferred(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Page []map[string]any  `yaml:"x-mock-page"`
			Echo map[string]string `yaml:"x-mock-echo"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(fullResult(t).Spec, &doc); err != nil {
		t.Fatal(err)
	}
	type shape struct {
		Page []map[string]any
		Echo map[string]string
	}
	of := func(op string) shape { // the operation, whatever its method
		for _, o := range doc.Paths["/?Action="+op] {
			return shape(o)
		}
		return shape{}
	}
	page := func(op string) map[string]any {
		if p := of(op).Page; len(p) == 1 {
			return p[0]
		}
		t.Errorf("%s: x-mock-page %v, want one list", op, of(op).Page)
		return nil
	}
	for op, items := range map[string]string{
		"DescribeCdnDeletedDomains":     "Domains.PageData",
		"DescribeCdnDomainLogs":         "DomainLogDetails.DomainLogDetail[].LogInfos.LogInfoDetail",
		"DescribeCdnHttpsDomainList":    "CertInfos.CertInfo",
		"DescribeCdnSSLCertificateList": "CertificateListModel.CertList.Cert",
		"DescribeCdnUserDomainsByFunc":  "Domains.PageData",
		"DescribeDomainCcActivityLog":   "ActivityLog",
		"DescribeDomainPathData":        "PathDataPerInterval.UsageData",
		"DescribeCdnCertificateList":    "CertificateListModel.CertList.Cert",
		"DescribeCdnSMCertificateList":  "CertificateListModel.CertList.Cert",
		"DescribeCdnWafDomain":          "OutPutDomains",
		"DescribePreloadDetailById":     "UrlDetails",
	} {
		if p := page(op); p != nil && p["items"] != items {
			t.Errorf("%s: items %v, want %s", op, p["items"], items)
		}
	}
	want := map[string]any{"items": "ActivityLog", "total": "Total",
		"number": map[string]any{"field": "PageIndex", "param": "PageNumber"},
		"size":   map[string]any{"field": "PageSize", "param": "PageSize"}}
	if p := page("DescribeDomainCcActivityLog"); !reflect.DeepEqual(p, want) {
		t.Errorf("DescribeDomainCcActivityLog: %v, want %v", p, want)
	}
	if p := page("DescribeCdnCertificateList"); p["number"] != nil || p["total"] != "CertificateListModel.Count" {
		t.Errorf("a count-only list: %v", p)
	}
	// Only LogCount is described as counting this page's items (本页…).
	for name := range doc.Paths {
		op := strings.TrimPrefix(name, "/?Action=")
		for _, p := range of(op).Page {
			if c, want := p["count"], "DomainLogDetails.DomainLogDetail[].LogCount"; (c != nil || op == "DescribeCdnDomainLogs") && c != want {
				t.Errorf("%s: count %v, want %s only for DescribeCdnDomainLogs", op, c, want)
			}
		}
	}
	if e := of("DescribeCdnDomainLogs").Echo; !reflect.DeepEqual(e, map[string]string{"DomainLogDetails.DomainLogDetail[].DomainName": "DomainName"}) {
		t.Errorf("DescribeCdnDomainLogs echo: %v", e)
	}
	if e := of("DescribePreloadDetailById").Echo; e["UrlDetails[].TaskId"] != "TaskId" {
		t.Errorf("DescribePreloadDetailById echo: %v", e)
	}

	// The hand-written spec replaces its operations wholesale: the
	// generated layer gives them neither (the server would not read it).
	hand := handDefined(t)
	for _, op := range []string{"DescribeUserDomains", "DescribeRefreshTasks", "DescribeUserUsageDataExportTask"} {
		if !hand[op] {
			t.Errorf("the hand-written spec no longer defines %s: pick another", op)
		}
	}
	for op := range hand {
		if s := of(op); s.Page != nil || s.Echo != nil {
			t.Errorf("%s, defined by the hand-written spec, has %+v", op, s)
		}
	}
}

// TestStringPageParams: page parameters typed string in the metadata
// (the export-task lists') set the page as integers do. Converted without
// the hand-written spec, which defines those two operations.
func TestStringPageParams(t *testing.T) {
	data, err := os.ReadFile(metadataFile)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Convert(data, Options{Source: metadataFile})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Page []map[string]any `yaml:"x-mock-page"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(res.Spec, &doc); err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"DescribeUserUsageDataExportTask", "DescribeUserUsageDetailDataExportTask"} {
		for _, o := range doc.Paths["/?Action="+op] {
			want := []map[string]any{{"items": "UsageDataPerPage.Data.DataItem", "total": "UsageDataPerPage.TotalCount",
				"number": map[string]any{"field": "UsageDataPerPage.PageNumber", "param": "PageNumber"},
				"size":   map[string]any{"field": "UsageDataPerPage.PageSize", "param": "PageSize"}}}
			if !reflect.DeepEqual(o.Page, want) {
				t.Errorf("%s: x-mock-page %v\nwant %v", op, o.Page, want)
			}
		}
	}
}
