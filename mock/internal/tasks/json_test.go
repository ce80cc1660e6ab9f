package tasks

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

// oldTaskJSON is a task as the --state file held it before tasks kept
// their strings packed (written by json.Marshal of the former Task).
const oldTaskJSON = `{"id":"100042","seq":100042,"account":"AK1","family":"usage","report":"pdf","name":"monthly \"usage\"",` +
	`"start":"2026-11-01T00:00:00Z","end":"2026-11-02T00:00:00Z","params":{"DomainNames":"a.example.com,b.example.com",` +
	`"EndTime":"2026-11-02T00:00:00Z","Language":"en-us","StartTime":"2026-11-01T00:00:00Z","TaskName":"monthly \"usage\""},` +
	`"created":"2026-11-25T12:00:00Z","done":"2026-11-25T12:01:30Z","outcome":"failed","token":"0123456789abcdef0123456789abcdef"}`

// A file written before loads, and a task is written back as the same
// JSON: the state format did not change.
func TestStateJSONUnchanged(t *testing.T) {
	var x Task
	if err := json.Unmarshal([]byte(oldTaskJSON), &x); err != nil {
		t.Fatal(err)
	}
	if x.ID() != "100042" || x.Name() != `monthly "usage"` || x.Start() != "2026-11-01T00:00:00Z" || x.Outcome() != StatusFailed ||
		x.Token() != "0123456789abcdef0123456789abcdef" || x.Params()["DomainNames"] != "a.example.com,b.example.com" ||
		len(x.Params()) != 5 || x.createTime != "2026-11-25T12:00:00Z" {
		t.Errorf("loaded as %+v, params %v", x, x.Params())
	}
	got, err := json.Marshal(&x)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != oldTaskJSON {
		t.Errorf("written back as\n%s\nwant\n%s", got, oldTaskJSON)
	}
	bad := strings.Replace(oldTaskJSON, `"outcome":"failed"`, `"outcome":"maybe"`, 1)
	if err := json.Unmarshal([]byte(bad), &x); err == nil || !strings.Contains(err.Error(), `outcome "maybe"`) {
		t.Errorf("an unknown outcome loads: %v", err)
	}
}

// A created task's strings, in one allocation, say what the create sent:
// its name and period come from its parameters, values are cut to
// ValueBytes, and its JSON is the object the file always held.
func TestCreateKeeps(t *testing.T) {
	ts := openTestStore(t, "", maxTasks)
	x := newTask("AK1")
	long := strings.Repeat("d", 2*ValueBytes)
	if err := ts.create(x, []Param{{"StartTime", "2026-11-01T00:00:00Z"}, {"TaskName", "n"}, {"DomainNames", long}}, ""); err != nil {
		t.Fatal(err)
	}
	if x.ID() != "100001" || x.Name() != "n" || x.Start() != "2026-11-01T00:00:00Z" || x.End() != "" ||
		len(x.Params()["DomainNames"]) > ValueBytes || !strings.HasPrefix(x.Params()["DomainNames"], "ddd") {
		t.Errorf("kept %+v, params %v", x, x.Params())
	}
	got, _ := json.Marshal(x)
	var back Task
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&back)
	if string(again) != string(got) || !strings.Contains(string(got), `"name":"n","start":"2026-11-01T00:00:00Z","end":"","params":{`) {
		t.Errorf("written as %s, then %s", got, again)
	}
}

// Download tokens are 128 bits in lower-case hex, never repeat, and two
// stores (two servers) draw different ones: each seeds its generator
// from crypto/rand.
func TestDownloadTokens(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for range 2 {
		ts := openTestStore(t, "", maxTasks)
		for range 500 {
			x := mustCreate(t, ts, "AK")
			if !hex32.MatchString(x.Token()) || seen[x.Token()] {
				t.Fatalf("token %q: not 32 hex digits, or seen before", x.Token())
			}
			seen[x.Token()] = true
		}
	}
}

// A task of an operation that declares neither TaskName nor a period keeps
// the name sent apart from its params; the file holds that name and an
// empty period, and loading it gives the same task back. A file whose id,
// name or period disagrees with its seq and params was edited by hand:
// loading it is an error naming the field, not a guess.
func TestStateJSONNameOutsideParams(t *testing.T) {
	ts := openTestStore(t, "", maxTasks)
	x := newTask("AK1")
	if err := ts.create(x, []Param{{"Language", "en-us"}}, "sent apart"); err != nil {
		t.Fatal(err)
	}
	file, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(file), `"name":"sent apart","start":"","end":"","params":{"Language":"en-us"}`) {
		t.Fatalf("written as %s", file)
	}
	var back Task
	if err := json.Unmarshal(file, &back); err != nil {
		t.Fatal(err)
	}
	if back.Name() != "sent apart" || back.ID() != x.ID() || back.Start() != "" || back.End() != "" || back.Token() != x.Token() {
		t.Errorf("loaded as %+v", back)
	}
	if again, _ := json.Marshal(&back); string(again) != string(file) {
		t.Errorf("written back as\n%s\nwant\n%s", again, file)
	}
	for _, edit := range []struct{ from, to, err string }{
		{`"id":"` + x.ID() + `"`, `"id":"7"`, `id "7": its seq says "` + x.ID() + `"`},
		{`"start":""`, `"start":"2026-11-01T00:00:00Z"`, `start "2026-11-01T00:00:00Z": its params.StartTime says ""`},
		{`"end":""`, `"end":"2026-11-02T00:00:00Z"`, `end "2026-11-02T00:00:00Z": its params.EndTime says ""`},
	} {
		bad := strings.Replace(string(file), edit.from, edit.to, 1)
		if err := json.Unmarshal([]byte(bad), &back); err == nil || err.Error() != edit.err {
			t.Errorf("%s loads: %v, want %s", edit.to, err, edit.err)
		}
	}
	named := strings.Replace(oldTaskJSON, `"name":"monthly \"usage\""`, `"name":"other"`, 1)
	if err := json.Unmarshal([]byte(named), &back); err == nil || err.Error() != `name "other": its params.TaskName says "monthly \"usage\""` {
		t.Errorf("a name unlike its params' TaskName loads: %v", err)
	}
}

// A value with invalid UTF-8 is kept as JSON writes it (U+FFFD for each
// bad byte), so a task this server wrote loads again whatever a client
// sent: 400 bad bytes are 1200 once written, and would be cut anew at
// load, unlike the name the file holds.
func TestStateJSONInvalidUTF8(t *testing.T) {
	bad := strings.Repeat("\xff", 400)
	for _, c := range []struct {
		name   string
		params []Param
		apart  string
	}{
		{"TaskName", []Param{{"TaskName", bad}}, ""},
		{"a name sent apart", nil, bad},
		{"StartTime", []Param{{"StartTime", bad}, {"EndTime", "2026-11-02T00:00:00Z"}}, ""},
		{"a few bad bytes", []Param{{"TaskName", "a\xffb"}}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := openTestStore(t, "", maxTasks)
			x := newTask("AK1")
			if err := ts.create(x, c.params, c.apart); err != nil {
				t.Fatal(err)
			}
			if !utf8.ValidString(x.Name()) || !utf8.ValidString(x.Start()) || len(x.Name()) > ValueBytes || len(x.Start()) > ValueBytes {
				t.Errorf("kept name %q, start %q: want valid UTF-8 within %d bytes", x.Name(), x.Start(), ValueBytes)
			}
			file, err := json.Marshal(x)
			if err != nil {
				t.Fatal(err)
			}
			var back Task
			if err := json.Unmarshal(file, &back); err != nil {
				t.Fatalf("a task this store wrote does not load: %v", err)
			}
			if back.Name() != x.Name() || back.Start() != x.Start() {
				t.Errorf("loaded name %q, start %q; want %q, %q", back.Name(), back.Start(), x.Name(), x.Start())
			}
			if again, _ := json.Marshal(&back); string(again) != string(file) {
				t.Errorf("written back as\n%s\nwant\n%s", again, file)
			}
		})
	}
}

// A message about a hand-edited file shows the start of a long value, not
// all of its 1 KiB twice.
func TestStateJSONMismatchQuotesTheStart(t *testing.T) {
	long := strings.Repeat("é", 600) // 1200 bytes: the name as kept is cut
	ts := openTestStore(t, "", maxTasks)
	x := newTask("AK1")
	if err := ts.create(x, []Param{{"TaskName", long}}, ""); err != nil {
		t.Fatal(err)
	}
	file, _ := json.Marshal(x)
	edited := strings.Replace(string(file), `"name":"é`, `"name":"x`, 1)
	var back Task
	err := json.Unmarshal([]byte(edited), &back)
	if err == nil {
		t.Fatal("a name unlike its params' TaskName loads")
	}
	if msg := err.Error(); len(msg) > 300 || !strings.HasPrefix(msg, `name "xé`) || !strings.Contains(msg, `"…: its params.TaskName says "éé`) {
		t.Errorf("message of %d bytes: %.400s", len(msg), msg)
	}
}

// A task whose parameters hold its TaskName keeps the name once, in them,
// whether created or loaded from the state file: keep packs a name given
// apart between the id and the parameters, so loading must give it none
// (the file's name is the parameter's) rather than pack a second copy.
func TestStateJSONNameKeptOnce(t *testing.T) {
	ts := openTestStore(t, "", maxTasks)
	x := newTask("AK1")
	if err := ts.create(x, []Param{{"Language", "en-us"}, {"TaskName", "monthly"}}, ""); err != nil {
		t.Fatal(err)
	}
	file, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	var back Task
	if err := json.Unmarshal(file, &back); err != nil {
		t.Fatal(err)
	}
	for label, task := range map[string]*Task{"created": x, "loaded": &back} {
		if task.Name() != "monthly" {
			t.Fatalf("%s task named %q", label, task.Name())
		}
		// The packed string is token, creation time, id, name apart, params.
		afterID := unsafe.Add(unsafe.Pointer(unsafe.StringData(task.id)), len(task.id))
		if unsafe.Pointer(unsafe.StringData(task.params)) != afterID {
			t.Errorf("%s task packs a name apart from its parameters' TaskName", label)
		}
	}
}
