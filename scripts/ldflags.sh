# shellcheck shell=bash
# Sourced by scripts/build-image.sh and scripts/release.sh: the -ldflags that
# stamp a binary with its version and commit (cdnmock version).
#
# Takes $version. Sets $commit ($COMMIT, else git's HEAD, else "unknown")
# and $ldflags.
commit=${COMMIT:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}
ldflags="-s -w -X main.version=$version -X main.commit=$commit"
