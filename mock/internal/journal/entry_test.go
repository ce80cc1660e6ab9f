package journal

import (
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alibaba-cloud-mock/cdnmock/mock/adminapi"
)

// recordBytes bounds the Record struct: every request allocates one and
// the journal keeps --journal-size of them, so fields most requests leave
// empty live behind its rare pointer. 240 is a size class of Go's
// allocator: one more field and each record takes 256 bytes.
const recordBytes = 240

func TestRecordSize(t *testing.T) {
	if n := reflect.TypeFor[Record]().Size(); n > recordBytes {
		t.Errorf("a Record is %d bytes, want at most %d: put fields most requests leave empty in Rare", n, recordBytes)
	}
}

// View shows every field of the record, the kept call's and the rare ones
// alike; a record without rare fields shows them empty.
func TestRecordView(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	long := strings.Repeat("v", journalValueBytes+1)
	e := &Record{Seq: 7, Time: now, RequestID: "R", Scenario: "s", ChosenBy: "header", Code: "C", Status: 400,
		Latency: adminapi.Duration(time.Millisecond), Violations: []adminapi.Violation{{Parameter: "P", Reason: "r"}}}
	e.KeepCall("POST", "Act", "AK", url.Values{"A": {"1"}, "B": {long}, "Signature": {"s"}}, nil)
	e.Rare().Warning = "w"
	e.Rare().Upstream = &adminapi.Upstream{RequestID: "U"}
	e.Rare().Replay = &adminapi.Replay{Reason: "why"}
	v := e.View()
	if v.Seq != 7 || !v.Time.Equal(now) || v.RequestID != "R" || v.Method != "POST" || v.Action != "Act" || v.AccessKeyID != "AK" ||
		v.Scenario != "s" || v.ChosenBy != "header" || v.Code != "C" || v.Status != 400 || v.Latency != adminapi.Duration(time.Millisecond) ||
		len(v.Violations) != 1 || v.Warning != "w" || v.Upstream.RequestID != "U" || v.Replay.Reason != "why" ||
		!v.ParamsTruncated || v.ParamsOmitted != 0 || len(v.Params) != 2 || v.Params["A"] != "1" || !strings.HasSuffix(v.Params["B"], CutMarker(len(long))) {
		t.Errorf("view %+v", v)
	}
	if e.Upstream() != v.Upstream {
		t.Error("Upstream() is not the record's")
	}

	plain := &Record{Status: 200}
	plain.KeepCall("GET", "Act", "AK", url.Values{"A": {"1"}}, nil)
	if v := plain.View(); v.Method != "GET" || v.Warning != "" || v.Upstream != nil || v.Replay != nil || v.ParamsTruncated ||
		plain.rare != nil || plain.Upstream() != nil || len(v.Params) != 1 {
		t.Errorf("plain view %+v, rare %v", v, plain.rare)
	}
	if v := (&Record{}).View(); v.Params != nil || v.Method != "" {
		t.Errorf("a record without a call shows params %v, method %q", v.Params, v.Method)
	}
}

// Every field of adminapi.Entry reaches the view: a record with all of
// them set shows none empty. A field added to Entry fails here until
// Record (or Rare) keeps it and View copies it.
func TestRecordViewHasEveryEntryField(t *testing.T) {
	e := &Record{Seq: 7, Time: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), RequestID: "R", Scenario: "s", ChosenBy: "header",
		Code: "C", Status: 400, Latency: adminapi.Duration(time.Millisecond), Violations: []adminapi.Violation{{Parameter: "P", Reason: "r"}},
		Drift: []adminapi.Drift{{Kind: "response", Field: "status"}}}
	params := url.Values{}
	for i := range journalMaxParams + 1 { // one more than kept: choose counts it in ParamsOmitted
		params.Set("P"+strconv.Itoa(i), "v")
	}
	e.KeepCall("POST", "Act", "AK", params, nil)
	e.Rare().Warning = "w"
	e.Rare().Upstream = &adminapi.Upstream{RequestID: "U"}
	e.Rare().Replay = &adminapi.Replay{Reason: "why"}
	v := reflect.ValueOf(*e.View())
	for i := range v.NumField() {
		if f := v.Type().Field(i); v.Field(i).IsZero() {
			t.Errorf("the view's %s is empty", f.Name)
		}
	}
}
