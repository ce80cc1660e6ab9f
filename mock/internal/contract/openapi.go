package contract

import (
	"bytes"
	"context"
	"runtime"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// loadOpenAPI parses and validates an OpenAPI document with kin-openapi. A
// large one, such as the generated spec (166 operations, 430 KB: parsing it
// is most of the server's startup), is read in parts side by side when it
// has the plain layout the importer writes (splitPaths): each part is the
// document's top (info, extensions, components…) with a run of its paths,
// and the first part's document gets the paths of the others. When the
// layout is not that, or any part fails, the whole document is read as one,
// so problems are reported as they always were.
func loadOpenAPI(data []byte) (*openapi3.T, error) {
	if parts := splitPaths(data, runtime.GOMAXPROCS(0)); parts != nil {
		docs := make([]*openapi3.T, len(parts))
		errs := make([]error, len(parts))
		Parallel(len(parts), func(i int) { docs[i], errs[i] = loadDoc(parts[i]) })
		if !slices.ContainsFunc(errs, func(err error) bool { return err != nil }) {
			for _, d := range docs[1:] {
				for path, item := range d.Paths.Map() {
					docs[0].Paths.Set(path, item)
				}
			}
			return docs[0], nil
		}
	}
	return loadDoc(data)
}

func loadDoc(data []byte) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	return doc, nil
}

// splitMin is the size from which a document is worth reading in parts,
// and the least number of paths each part gets.
const (
	splitMin      = 64 << 10
	splitMinPaths = 16
)

// splitPaths cuts a document into up to n documents that each hold its top
// and a run of its paths, or returns nil when it is not worth it (small, n
// is 1) or the layout is not the plain one (scanPaths).
func splitPaths(data []byte, n int) [][]byte {
	if n < 2 || len(data) < splitMin {
		return nil
	}
	head, paths := scanPaths(data)
	if paths == nil || len(paths) < 2*splitMinPaths {
		return nil
	}
	parts := min(n, len(paths)/splitMinPaths)
	size := (len(paths) + parts - 1) / parts
	out := make([][]byte, 0, parts)
	for i := 0; i < len(paths); i += size {
		last := paths[min(len(paths), i+size)-1]
		var b bytes.Buffer
		b.Grow(len(head) + 8 + last.end - paths[i].start)
		b.Write(head)
		b.WriteString("paths:\n")
		b.Write(data[paths[i].start:last.end])
		out = append(out, b.Bytes())
	}
	return out
}

// pathText is where one path of a document is: its key as written
// ("/?Action=X"), its bytes and its first line (1-based).
type pathText struct {
	key        string
	start, end int
	line       int
}

// scanPaths finds the top of a document (everything before "paths:") and
// where each of its paths is, or returns nil paths when the layout is not
// the plain one the importer writes: a line at column 0 starts a top-level
// key, "paths:" is the last of them, and each line indented by exactly two
// spaces under it starts a path ("  /?Action=X:"). Anything else (document
// markers, tabs, another key after paths, a path written twice, an odd
// indentation) returns nil: the document is then read whole.
func scanPaths(data []byte) (head []byte, paths []pathText) {
	inPath := false
	seen := map[string]bool{}
	lineNo := 0
	for off := 0; off < len(data); {
		lineNo++
		nl := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if nl >= 0 {
			next = off + nl + 1
		}
		line := bytes.TrimRight(data[off:next], "\r\n")
		trimmed := bytes.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		switch {
		case bytes.HasPrefix(line, []byte("\t")) || bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("...")):
			return nil, nil
		case len(trimmed) == 0 || trimmed[0] == '#':
			// blank or comment: belongs to what surrounds it
		case !inPath && indent == 0 && bytes.Equal(bytes.TrimRight(line, " "), []byte("paths:")):
			head, inPath = data[:off], true
		case !inPath:
			// the top of the document
		case indent == 0:
			return nil, nil // a top-level key after paths
		case indent == 2:
			key := string(bytes.TrimSuffix(bytes.TrimRight(trimmed, " "), []byte(":")))
			if !strings.HasPrefix(key, "/") || seen[key] {
				return nil, nil // quoted keys and keys written twice: read whole
			}
			seen[key] = true
			if len(paths) > 0 {
				paths[len(paths)-1].end = off
			}
			paths = append(paths, pathText{key: key, start: off, line: lineNo})
		case indent < 2:
			return nil, nil
		case len(paths) == 0:
			return nil, nil // content under paths before its first path
		}
		off = next
	}
	if !inPath || len(paths) == 0 {
		return nil, nil
	}
	paths[len(paths)-1].end = len(data)
	return head, paths
}
