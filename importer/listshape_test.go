package importer

import (
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
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
	if e := of("DescribeCdnDomainLogs").Echo; !reflect.DeepEqual(e, map[string]string{"DomainLogDetails.DomainLogDetail[].DomainName": "DomainName"}) {
		t.Errorf("DescribeCdnDomainLogs echo: %v", e)
	}
	if e := of("DescribePreloadDetailById").Echo; e["UrlDetails[].TaskId"] != "TaskId" {
		t.Errorf("DescribePreloadDetailById echo: %v", e)
	}
}
