package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestVersionPlainBuildIsDev(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		code, stdout, _ := cli(t, arg)
		if code != 0 || !strings.HasPrefix(stdout, "cdnmock dev\n") || !strings.Contains(stdout, "go      "+runtime.Version()) {
			t.Errorf("%s: exit %d:\n%s", arg, code, stdout)
		}
	}
}

// The release scripts stamp the version and commit with -ldflags -X, from
// scripts/ldflags.sh.
func TestVersionStamped(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	// The -ldflags the scripts share.
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to read scripts/ldflags.sh")
	}
	sh := exec.Command(bash, "-c", `version=9.8.7; . scripts/ldflags.sh; printf %s "$ldflags"`)
	sh.Env = append(os.Environ(), "COMMIT=0123abcd")
	ldflags, err := sh.Output()
	if err != nil {
		t.Fatalf("scripts/ldflags.sh: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "cdnmock")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", string(ldflags), ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "cdnmock 9.8.7\ncommit  0123abcd\ngo      " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if string(out) != want {
		t.Errorf("got\n%swant\n%s", out, want)
	}
}
