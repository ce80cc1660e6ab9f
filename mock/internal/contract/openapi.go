package contract

import (
	"bytes"
	"context"
	"runtime"
	"slices"

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
// is 1) or the layout is not the plain one, where a line at column 0 starts
// a top-level key, "paths:" is the last of them, and each line indented by
// exactly two spaces under it starts a path ("  /?Action=X:"). Anything
// else (documents markers, tabs, another key after paths, a path written
// twice, an odd indentation) returns nil: the document is then read whole.
func splitPaths(data []byte, n int) [][]byte {
	if n < 2 || len(data) < splitMin {
		return nil
	}
	var (
		head   []byte   // everything before "paths:"
		starts []int    // offset of each path's first line
		keys   [][]byte // each path's key line, to find one written twice
		inPath = false
		end    = len(data)
	)
	for off := 0; off < len(data); {
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
			return nil
		case len(trimmed) == 0 || trimmed[0] == '#':
			// blank or comment: belongs to what surrounds it
		case !inPath && indent == 0 && bytes.Equal(bytes.TrimRight(line, " "), []byte("paths:")):
			head, inPath = data[:off], true
		case !inPath:
			// the top of the document
		case indent == 0:
			return nil // a top-level key after paths
		case indent == 2:
			if trimmed[0] != '/' && !bytes.HasPrefix(trimmed, []byte(`"/`)) && !bytes.HasPrefix(trimmed, []byte(`'/`)) {
				return nil
			}
			for _, k := range keys {
				if bytes.Equal(k, trimmed) {
					return nil
				}
			}
			keys = append(keys, trimmed)
			starts = append(starts, off)
		case indent < 2:
			return nil
		case len(starts) == 0:
			return nil // content under paths before its first path
		}
		off = next
	}
	if !inPath || len(starts) < 2*splitMinPaths {
		return nil
	}
	parts := min(n, len(starts)/splitMinPaths)
	size := (len(starts) + parts - 1) / parts
	out := make([][]byte, 0, parts)
	for i := 0; i < len(starts); i += size {
		to := end
		if i+size < len(starts) {
			to = starts[i+size]
		}
		var b bytes.Buffer
		b.Grow(len(head) + 8 + to - starts[i])
		b.Write(head)
		b.WriteString("paths:\n")
		b.Write(data[starts[i]:to])
		out = append(out, b.Bytes())
	}
	return out
}
