package main

// cdnmock version: what a binary was built from.

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Stamped at build time by scripts/release.sh and scripts/build-image.sh:
//
//	go build -ldflags "-X main.version=1.2.0 -X main.commit=0123abcd" .
//
// A plain build is "dev"; its commit then comes from the VCS information Go
// records, when built inside a checkout.
var (
	version = "dev"
	commit  = ""
)

func isVersionCommand(arg string) bool {
	return arg == "version" || arg == "--version" || arg == "-version"
}

// versionText is what cdnmock version prints:
//
//	cdnmock 1.2.0
//	commit  0123abcd
//	go      go1.26.8 linux/amd64
func versionText() string {
	goVersion, rev, modified := runtime.Version(), "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	c := commit
	if c == "" && rev != "" {
		c = rev
		if modified {
			c += " (modified)"
		}
	}
	if c == "" {
		c = "unknown"
	}
	return fmt.Sprintf("cdnmock %s\ncommit  %s\ngo      %s %s/%s\n", version, c, goVersion, runtime.GOOS, runtime.GOARCH)
}
