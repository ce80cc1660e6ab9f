package diag

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing wrong in the mock's own files, with where it is.
type Problem struct {
	File    string
	Line    int    // 0 when unknown
	Field   string // dotted path inside the file, "" for the whole file
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every problem found while loading, reported all at once.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problem(s):\n  %s", len(ps), strings.Join(lines, "\n  "))
}

// Add records a problem at file:line, in field (a dotted path, or "").
func (ps *Problems) Add(file string, line int, field, format string, args ...any) {
	*ps = append(*ps, Problem{File: file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// AddYAMLError records an error of ParseYAML or Value at its line, in the
// file:line: form of every problem.
func (ps *Problems) AddYAMLError(file string, err error) {
	var se *SyntaxError
	if errors.As(err, &se) {
		ps.Add(file, se.Line, "", "not valid YAML: %s", se.Msg)
		return
	}
	ps.addParseError(file, "", err) // diag's own errors (a recursive alias) are not syntax
}

// AddJSONError records an error of ParseJSON ("line 4: …") at its line.
func (ps *Problems) AddJSONError(file string, err error) {
	ps.addParseError(file, "not valid JSON: ", err)
}

// addParseError records an error of diag's own "line N: …" form at line N.
func (ps *Problems) addParseError(file, prefix string, err error) {
	msg := err.Error()
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, tail, ok := strings.Cut(rest, ": "); ok {
			if v, err := strconv.Atoi(n); err == nil {
				line, msg = v, tail
			}
		}
	}
	ps.Add(file, line, "", "%s%s", prefix, msg)
}

// Err sorts the problems by file and line and returns them, or nil when
// there are none, so callers can return it directly.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
	return ps
}
