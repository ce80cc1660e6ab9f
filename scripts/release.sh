#!/usr/bin/env bash
# Writes the release archives into dist/:
#
#   scripts/release.sh VERSION            e.g. scripts/release.sh 1.2.0
#
#   cdnmock_VERSION_linux_amd64.tar.gz    cdnmock, README.md, LICENSE
#   cdnmock_VERSION_linux_arm64.tar.gz
#   cdnmock_VERSION_darwin_amd64.tar.gz
#   cdnmock_VERSION_darwin_arm64.tar.gz
#   cdnmock_VERSION_windows_amd64.zip     cdnmock.exe, README.md, LICENSE
#   cdnmock_VERSION_windows_arm64.zip
#   cdnmock_VERSION_checksums.txt         SHA-256 of each archive (sha256sum -c)
#
# The binaries are static (CGO_ENABLED=0) and stamped with VERSION and the
# commit (cdnmock version). Needs Go, tar, gzip and zip.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-}
if [ -z "$version" ] || [ $# -ne 1 ]; then
  echo "usage: scripts/release.sh VERSION" >&2
  exit 2
fi
case $version in
*[!A-Za-z0-9._+-]* | [!A-Za-z0-9]*)
  echo "release: VERSION '$version': use letters, digits and . _ + - (e.g. 1.2.0)" >&2
  exit 2
  ;;
esac
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  echo "release: warning: the work tree has uncommitted changes; commit $commit does not describe them" >&2
fi

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

rm -rf dist
mkdir -p dist/stage
for os in linux darwin windows; do
  for arch in amd64 arm64; do
    name="cdnmock_${version}_${os}_${arch}"
    exe=cdnmock
    if [ "$os" = windows ]; then exe=cdnmock.exe; fi
    echo "release: $name"
    mkdir "dist/stage/$name"
    CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath \
      -ldflags "-s -w -X main.version=$version -X main.commit=$commit" \
      -o "dist/stage/$name/$exe" .
    cp README.md LICENSE "dist/stage/$name/"
    if [ "$os" = windows ]; then
      (cd dist/stage && zip -q -r "../$name.zip" "$name")
    else
      tar -C dist/stage -czf "dist/$name.tar.gz" "$name"
    fi
  done
done
rm -rf dist/stage
(cd dist && sha256 *.tar.gz *.zip >"cdnmock_${version}_checksums.txt")
echo "release: dist/"
ls -l dist
