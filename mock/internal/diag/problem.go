package diag

import (
	"fmt"
	"sort"
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
