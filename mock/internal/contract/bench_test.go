package contract

import (
	"context"
	"net/url"
	"testing"

	"github.com/alibaba-cloud-mock/cdnmock/spec"
	genspec "github.com/alibaba-cloud-mock/cdnmock/spec/generated"
)

// sinkViolations keeps the compiler from dropping the work under measurement.
var sinkViolations []Violation

// testReports are the report kinds the shipped spec names.
var testReports = []string{"pdf", "xlsx"}

// servedSpec is the spec the server serves by default: the hand-written
// spec over the generated one.
func servedSpec(tb testing.TB) *Spec {
	tb.Helper()
	hand, err := spec.FS.ReadFile(spec.Default)
	if err != nil {
		tb.Fatal(err)
	}
	gdata, err := genspec.FS.ReadFile(genspec.Default)
	if err != nil {
		tb.Fatal(err)
	}
	top, err := Load("spec/"+spec.Default, hand, LoadOptions{RequireCommon: true, Reports: testReports})
	if err != nil {
		tb.Fatal(err)
	}
	gen, err := Load("spec/generated/"+genspec.Default, gdata, LoadOptions{Reports: testReports})
	if err != nil {
		tb.Fatal(err)
	}
	sp, ps := merge(gen, top)
	if len(ps) > 0 {
		tb.Fatal(ps.Err())
	}
	return sp
}

func BenchmarkCheckSchema(b *testing.B) {
	sp := servedSpec(b)
	op := sp.Operation("CreateUserUsageDataExportTask")
	params := url.Values{"Action": {op.Name}, "Version": {"2018-05-10"}, "Format": {"JSON"},
		"StartTime": {"2026-11-01T00:00:00Z"}, "EndTime": {"2026-11-02T00:00:00Z"}}
	ctx := context.Background()
	if vs := sp.checkSchema(ctx, op, params); len(vs) > 0 {
		b.Fatalf("the call breaks the schema: %+v", vs)
	}
	b.ReportAllocs()
	for b.Loop() {
		sinkViolations = sp.checkSchema(ctx, op, params)
	}
}
