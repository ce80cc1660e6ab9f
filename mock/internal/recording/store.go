package recording

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Recorder writes each exchange to its own file as it happens, so memory
// stays bounded however long it records.
type Recorder struct {
	dir string
	mu  sync.Mutex
	// next is the next number to try per file stem, a hint only: creating
	// with O_EXCL finds the free one. At most maxHints are kept; beyond,
	// the hints start over.
	next map[string]int
}

const maxHints = 10_000

// NewRecorder records into dir, made if need be.
func NewRecorder(dir string) (*Recorder, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Recorder{dir: dir, next: map[string]int{}}, nil
}

// Write redacts x, checks that no secret is left and writes it to a new
// file <Action>.<hash>.<n>.json; it returns the file's name. A file that
// would still hold a secret is not written.
func (r *Recorder) Write(x *Exchange, secrets []string) (string, error) {
	accounts := redact(x, secrets)
	data, err := x.encode()
	if err != nil {
		return "", err
	}
	stem := x.FileStem()
	if err := stillSecret(data, append(append(append([]string{}, secrets...), accounts...), x.hidden...)); err != nil {
		return "", fmt.Errorf("the recording of %s was not written: %w", x.Action, err)
	}
	for {
		n := r.take(stem) // the lock covers the hint only, never the disk
		name := stem + "." + pad(n) + ".json"
		f, err := os.OpenFile(filepath.Join(r.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return "", werr
		}
		x.File = name
		return name, nil
	}
}

// take returns the next number to try for stem and moves the hint past it.
func (r *Recorder) take(stem string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.next[stem]; !ok && len(r.next) >= maxHints {
		clear(r.next)
	}
	n := max(1, r.next[stem])
	r.next[stem] = n + 1
	return n
}

// pad writes n with at least three digits, so files sort in recorded order.
func pad(n int) string {
	s := strconv.Itoa(n)
	if len(s) < 3 {
		s = strings.Repeat("0", 3-len(s)) + s
	}
	return s
}

// Library is a directory of recordings, read once, played back.
type Library struct {
	byStem   map[string]*played
	byAction map[string][]*Exchange
	count    int
}

// played are the recordings of one key in recorded order, and how many
// calls they have answered.
type played struct {
	mu   sync.Mutex
	list []*Exchange
	used int
}

// A library is held in memory whole: Load refuses a directory with more
// than MaxRecordings files or MaxRecordingBytes bytes of them.
const (
	MaxRecordings     = 50_000
	MaxRecordingBytes = 512 << 20
)

// loadLimits are MaxRecordings and MaxRecordingBytes (smaller in tests).
var loadLimits = struct {
	count int
	bytes int64
}{MaxRecordings, MaxRecordingBytes}

// Load reads every *.json file of dir. A file that is not a recording
// fails the load, named with the field at fault; so does a directory over
// MaxRecordings or MaxRecordingBytes.
func Load(dir string) (*Library, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	if len(names) > loadLimits.count {
		return nil, fmt.Errorf("%s: %d recordings, more than the %d a replay holds in memory: split the directory", dir, len(names), loadLimits.count)
	}
	var total int64
	for _, path := range names {
		if fi, err := os.Stat(path); err == nil {
			total += fi.Size()
		}
	}
	if total > loadLimits.bytes {
		return nil, fmt.Errorf("%s: %d bytes of recordings, more than the %d a replay holds in memory: split the directory", dir, total, loadLimits.bytes)
	}
	sort.Strings(names)
	l := &Library{byStem: map[string]*played{}, byAction: map[string][]*Exchange{}}
	var errs []error
	for _, path := range names {
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		x, err := decode(filepath.Join(dir, filepath.Base(path)), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		x.File = filepath.Base(path)
		x.key()
		stem := x.FileStem()
		p := l.byStem[stem]
		if p == nil {
			p = &played{}
			l.byStem[stem] = p
		}
		p.list = append(p.list, x)
		l.byAction[x.Action] = append(l.byAction[x.Action], x)
		l.count++
	}
	for _, p := range l.byStem {
		// Recorded order is the number before .json: names sort so only
		// up to 999 (pad), and .1000 sorts before .999.
		sort.SliceStable(p.list, func(i, j int) bool { return seq(p.list[i].File) < seq(p.list[j].File) })
	}
	return l, errors.Join(errs...)
}

// Len is how many recordings the library holds.
func (l *Library) Len() int { return l.count }

// Miss says why a call matched no recording: the closest recording of
// the same Action, if any, and the first parameter that differs.
type Miss struct {
	Closest string // its file name; "" when no recording has the Action
	Param   string
	Reason  string
}

// Match returns the recording that answers k: the first not played yet of
// those recorded for k, in recorded order, then the last again. Without
// one it returns why.
func (l *Library) Match(k Key) (*Exchange, *Miss) {
	if p := l.byStem[k.FileStem()]; p != nil {
		// The stem is 48 bits of a hash: a hit must be the same key.
		want := k.canonical()
		p.mu.Lock()
		defer p.mu.Unlock()
		var same []*Exchange
		for _, x := range p.list {
			if x.key() == want {
				same = append(same, x)
			}
		}
		if len(same) > 0 {
			i := min(p.used, len(same)-1)
			p.used++
			return same[i], nil
		}
	}
	return nil, l.closest(k)
}

// seq is the recording number of a file name <stem>.<n>.json; 0 when it
// has none (a file named by hand sorts first).
func seq(name string) int {
	name = strings.TrimSuffix(name, ".json")
	n, err := strconv.Atoi(name[strings.LastIndexByte(name, '.')+1:])
	if err != nil {
		return 0
	}
	return n
}

// closest finds the recording of k.Action that differs from k in the
// fewest parameters (ties: the first file).
func (l *Library) closest(k Key) *Miss {
	var best *Miss
	bestScore := 0
	for _, x := range l.byAction[k.Action] {
		score, param, reason := diff(k, x.Key)
		if best == nil || score < bestScore {
			best, bestScore = &Miss{Closest: x.File, Param: param, Reason: reason}, score
		}
	}
	if best == nil {
		return &Miss{Param: "Action", Reason: "no recording of " + k.Action}
	}
	return best
}

// diff counts the differences between a call's key and a recording's, and
// says the first (Version, Format, then parameters by name).
func diff(call, rec Key) (score int, param, reason string) {
	note := func(p, r string) {
		score++
		if param == "" {
			param, reason = p, r
		}
	}
	if call.Version != rec.Version {
		note("Version", fmt.Sprintf("Version %q, recorded %q", call.Version, rec.Version))
	}
	if call.Format != rec.Format {
		note("Format", fmt.Sprintf("the answer's format %s, recorded %s", call.Format, rec.Format))
	}
	names := map[string]bool{}
	for n := range call.Params {
		names[n] = true
	}
	for n := range rec.Params {
		names[n] = true
	}
	sorted := slices.Sorted(maps.Keys(names))
	for _, n := range sorted {
		cv, inCall := call.Params[n]
		rv, inRec := rec.Params[n]
		switch {
		case !inRec:
			note(n, fmt.Sprintf("%s is sent, not recorded", n))
		case !inCall:
			note(n, fmt.Sprintf("%s is recorded (%q), not sent", n, strings.Join(rv, ",")))
		case strings.Join(cv, "\x00") != strings.Join(rv, "\x00"):
			note(n, fmt.Sprintf("%s %q, recorded %q", n, strings.Join(cv, ","), strings.Join(rv, ",")))
		}
	}
	return score, param, reason
}
