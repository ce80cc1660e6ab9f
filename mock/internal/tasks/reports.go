package tasks

import (
	"io"
	"maps"
	"slices"

	"github.com/alibaba-cloud-mock/cdnmock/mock/report"
)

// ReportKind is a kind of file an export task's download serves; a
// create's x-mock-state names one. Make writes the file to w as it is
// made: a failure before the first byte can still be answered as one.
type ReportKind struct {
	ContentType, Ext string
	Make             func(w io.Writer, t report.Task) error
}

// Reports are the files an export task can serve, by the name its
// x-mock-state gives (report:).
var Reports = map[string]ReportKind{
	"pdf":  {ContentType: "application/pdf", Ext: "pdf", Make: report.UsagePDF},
	"xlsx": {ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Ext: "xlsx", Make: report.DetailXLSX},
}

// ReportNames lists the reports an export can serve, sorted.
func ReportNames() []string {
	names := slices.Sorted(maps.Keys(Reports))
	return names
}
