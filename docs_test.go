package main

// The code in the Markdown pages (README.md, BENCHMARKS.md, docs/*.md) is
// tested: every ```go block that is a whole file compiles, and every ```js
// block is recipes/node/recipe.js, the Node.js recipe CI runs
// (recipes/node/recipe.test.mjs), or a verbatim part of it.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// mdBlock is one fenced code block of a Markdown page.
type mdBlock struct {
	file     string // the page, relative to the repository
	line     int    // of the block's first line of code
	lang     string // the fence's info string's first word
	code     string // without the fence's indentation
	fragment bool   // <!-- fragment --> on the line before its fence
}

// fragmentMark, alone on the line before a fence (blank lines aside), says
// that a ```go block is a part of a file, not a whole one: it is counted,
// not compiled.
var fragmentMark = regexp.MustCompile(`^<!--\s*fragment\b.*-->$`)

// markdownBlocks returns the fenced code blocks of a page.
func markdownBlocks(file, text string) ([]mdBlock, error) {
	var (
		blocks []mdBlock
		open   *mdBlock
		indent string
		fence  string
		prev   string // the last non-blank line outside a block
		body   strings.Builder
	)
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if open != nil {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, "`~") == "" {
				open.code = body.String()
				blocks = append(blocks, *open)
				open, prev = nil, trimmed
				continue
			}
			body.WriteString(strings.TrimPrefix(line, indent))
			body.WriteByte('\n')
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			n := len(trimmed) - len(strings.TrimLeft(trimmed, trimmed[:1]))
			fence = trimmed[:n]
			info := strings.Fields(trimmed[n:])
			open = &mdBlock{file: file, line: i + 2, fragment: fragmentMark.MatchString(prev)}
			if len(info) > 0 {
				open.lang = info[0]
			}
			indent = line[:len(line)-len(strings.TrimLeft(line, " \t"))]
			body.Reset()
			continue
		}
		if trimmed != "" {
			prev = trimmed
		}
	}
	if open != nil {
		return nil, fmt.Errorf("%s:%d: a code block is never closed", file, open.line-1)
	}
	return blocks, nil
}

// docPages are the Markdown pages whose code is tested.
func docPages(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{}
	for _, f := range append([]string{"README.md", "BENCHMARKS.md"}, files...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pages[filepath.ToSlash(f)] = string(data)
	}
	return pages
}

func docBlocks(t *testing.T, langs ...string) []mdBlock {
	t.Helper()
	pages := docPages(t)
	var all []mdBlock
	for _, f := range slices.Sorted(maps.Keys(pages)) {
		blocks, err := markdownBlocks(f, pages[f])
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range blocks {
			if slices.Contains(langs, b.lang) {
				all = append(all, b)
			}
		}
	}
	return all
}

// docSnippet is a ```go block that is a whole file, as it will be compiled.
type docSnippet struct {
	mdBlock
	pkg  string // its package clause
	test bool   // it imports testing: a _test.go file
}

// goSnippets sorts the ```go blocks: whole files (with a package clause)
// to compile, fragments marked as such to count; anything else is an error.
func goSnippets(blocks []mdBlock) (whole []docSnippet, fragments int, errs []string) {
	for _, b := range blocks {
		f, err := parser.ParseFile(token.NewFileSet(), "", b.code, parser.ImportsOnly)
		if err != nil || f.Name == nil {
			if b.fragment {
				fragments++
				continue
			}
			errs = append(errs, fmt.Sprintf("%s:%d: a ```go block without a package clause: make it a whole file, or put <!-- fragment --> on the line before it", b.file, b.line))
			continue
		}
		s := docSnippet{mdBlock: b, pkg: f.Name.Name}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "testing" {
				s.test = true
			}
		}
		if formatted, err := format.Source([]byte(b.code)); err == nil && !bytes.Equal(formatted, []byte(b.code)) {
			errs = append(errs, fmt.Sprintf("%s:%d: the ```go block is not gofmt-ed", b.file, b.line))
		}
		whole = append(whole, s)
	}
	return whole, fragments, errs
}

// Every ```go block of the README and docs/ that is a whole file compiles
// against this module, with the versions go.mod pins: each is put in a
// package of its own under a temporary directory of the module (the
// underscore keeps it out of ./...), then one go vet checks them all,
// offline. Compile errors point at the page and line (//line directives).
func TestDocSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	whole, fragments, errs := goSnippets(docBlocks(t, "go"))
	for _, e := range errs {
		t.Error(e)
	}
	if len(whole) == 0 {
		t.Fatal("no ```go block with a package clause in README.md or docs/: is the Markdown parser broken?")
	}
	dir, err := os.MkdirTemp(".", "_docsnippets-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var pkgs []string
	programs, tests := 0, 0
	for i, s := range whole {
		pkgDir := filepath.Join(dir, fmt.Sprintf("s%02d", i+1))
		if err := os.Mkdir(pkgDir, 0o755); err != nil {
			t.Fatal(err)
		}
		name := "snippet.go"
		if s.test {
			name, tests = "snippet_test.go", tests+1
		} else if s.pkg == "main" {
			programs++
		}
		src := fmt.Sprintf("//line ../../%s:%d\n%s", s.file, s.line, s.code) // relative to the file: the page
		if err := os.WriteFile(filepath.Join(pkgDir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(pkgDir))
	}
	cmd := exec.Command(goTool, append([]string{"vet"}, pkgs...)...)
	// Offline, with go.mod and go.sum as they are: every module a snippet
	// may import is one this module requires.
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("a Go snippet of the docs does not compile (go vet %s): %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	t.Logf("compiled %d whole Go files from the docs (%d programs, %d test files, %d other); %d fragments marked <!-- fragment --> not compiled",
		len(whole), programs, tests, len(whole)-programs-tests, fragments)
}

// The Markdown parser finds blocks, their lines and the fragment mark, and
// goSnippets refuses an unmarked fragment and an unformatted file.
func TestSnippetParsing(t *testing.T) {
	page := "# t\n\n```go\npackage main\n\nfunc main() {}\n```\n\n<!-- fragment: needs a client -->\n\n```go\nclient.Do()\n```\n\n" +
		"```go\nx := 1\n```\n\n- item\n\n  ```go\n  package p\n\n  var  X = 1\n  ```\n\n```js\nconst a = 1;\n```\n"
	blocks, err := markdownBlocks("page.md", page)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range blocks {
		got = append(got, fmt.Sprintf("%s:%d %s %v %q", b.file, b.line, b.lang, b.fragment, b.code))
	}
	want := []string{
		`page.md:4 go false "package main\n\nfunc main() {}\n"`,
		`page.md:12 go true "client.Do()\n"`,
		`page.md:16 go false "x := 1\n"`,
		`page.md:22 go false "package p\n\nvar  X = 1\n"`,
		`page.md:28 js false "const a = 1;\n"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("blocks:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	whole, fragments, errs := goSnippets(blocks[:4])
	if len(whole) != 2 || fragments != 1 || len(errs) != 2 ||
		!strings.Contains(errs[0], "page.md:16: a ```go block without a package clause") ||
		!strings.Contains(errs[1], "page.md:22: the ```go block is not gofmt-ed") {
		t.Errorf("whole %d, fragments %d, errors %q", len(whole), fragments, errs)
	}
	if _, err := markdownBlocks("open.md", "```go\npackage main\n"); err == nil {
		t.Error("an unclosed block: no error")
	}
}

// The Node.js recipe shown in the docs is the one CI runs: docs/sdk-recipes.md
// shows recipes/node/recipe.js whole, the README a verbatim part of it, and
// its install line names the versions package.json pins.
func TestNodeRecipeInDocs(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("recipes", "node", "recipe.js"))
	if err != nil {
		t.Fatal(err)
	}
	recipe := string(data)
	whole, inReadme := false, 0
	for _, b := range docBlocks(t, "js", "javascript") {
		switch {
		case b.code == recipe:
			whole = whole || b.file == "docs/sdk-recipes.md"
		case strings.TrimSpace(b.code) != "" && strings.Contains("\n"+recipe, "\n"+b.code):
		default:
			t.Errorf("%s:%d: this ```js block is not recipes/node/recipe.js nor a run of whole lines of it, which CI runs; copy it from there", b.file, b.line)
			continue
		}
		if b.file == "README.md" {
			inReadme++
		}
	}
	if !whole {
		t.Error("docs/sdk-recipes.md does not show recipes/node/recipe.js whole in a ```js block")
	}
	if inReadme == 0 {
		t.Error("README.md shows no part of recipes/node/recipe.js")
	}

	var pkg struct{ Dependencies map[string]string }
	raw, err := os.ReadFile(filepath.Join("recipes", "node", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	install := regexp.MustCompile(`(?m)^//\s+npm install (.+)$`).FindStringSubmatch(recipe)
	if install == nil {
		t.Fatal("recipe.js has no `// npm install …` line")
	}
	for _, name := range []string{"@alicloud/cdn20180510", "@alicloud/openapi-core"} {
		v, ok := pkg.Dependencies[name]
		if !ok {
			t.Errorf("recipes/node/package.json does not depend on %s", name)
			continue
		}
		if !slices.Contains(strings.Fields(install[1]), name+"@"+v) {
			t.Errorf("recipe.js installs %q; package.json, which CI tests, pins %s@%s", install[1], name, v)
		}
	}
}

// The README's CI example starts the server with flags that parse, and
// writes the outcome coverage (docs/cli.md) next to failing on violations.
func TestReadmeCIExample(t *testing.T) {
	var line string
	for _, b := range docBlocks(t, "yaml") {
		for _, l := range strings.Split(b.code, "\n") {
			if b.file == "README.md" && strings.Contains(l, "cdnmock/cdnmock --") {
				line = strings.TrimSpace(l)
			}
		}
	}
	if line == "" {
		t.Fatal("README.md has no ```yaml CI example starting cdnmock/cdnmock with flags")
	}
	args := strings.Fields(strings.TrimSuffix(line, "&"))[1:]
	o, err := parseFlags("serve", args, io.Discard)
	if err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	if !o.failOnViolation || o.coverageOut == "" {
		t.Errorf("%q: want --fail-on-violation and --coverage-out", line)
	}
}
