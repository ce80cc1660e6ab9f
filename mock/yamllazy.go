package mock

import (
	"sync"

	"go.yaml.in/yaml/v3"
)

// lazyYAML returns a yamlFile whose document is parsed only when a problem
// asks for a line. LoadSpec needs the line index for nothing else, and
// building it for a large spec (the generated one: 166 operations, 430 KB)
// costs about as much as loading the spec itself.
func lazyYAML(name string, data []byte) *yamlFile {
	return &yamlFile{name: name, lazy: lazyDoc{data: data}}
}

// lazyDoc holds the bytes of a yamlFile not parsed yet.
type lazyDoc struct {
	once sync.Once
	data []byte // nil: the file was parsed when made (parseYAML)
}

// load parses the document into f once. The caller checked that the data
// is YAML (the OpenAPI loader read it), so an error leaves the file
// without lines: problems then say line 0.
func (l *lazyDoc) load(f *yamlFile) {
	l.once.Do(func() {
		if l.data == nil {
			return
		}
		var doc yaml.Node
		if yaml.Unmarshal(l.data, &doc) == nil && len(doc.Content) > 0 {
			f.root = doc.Content[0]
		}
		l.data = nil
	})
}
