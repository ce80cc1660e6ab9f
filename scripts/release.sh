#!/usr/bin/env bash
# Writes the release archives into dist/:
#
#   scripts/release.sh VERSION            e.g. scripts/release.sh 1.2.0
#
#   cdnmock_VERSION_linux_amd64.tar.gz    cdnmock, README.md, LICENSE, NOTICE, docs/
#   cdnmock_VERSION_linux_arm64.tar.gz
#   cdnmock_VERSION_darwin_amd64.tar.gz
#   cdnmock_VERSION_darwin_arm64.tar.gz
#   cdnmock_VERSION_windows_amd64.zip     cdnmock.exe, README.md, LICENSE, NOTICE, docs/
#   cdnmock_VERSION_windows_arm64.zip
#   cdnmock_VERSION_checksums.txt         SHA-256 of each archive (sha256sum -c)
#
# docs/ holds the pages the README links to (docs/*.md) and the images they
# show (docs/*.png). NOTICE is the notice of the font the binary embeds
# (mock/report/fonts/, Apache-2.0). The binaries are static (CGO_ENABLED=0) and stamped with
# VERSION and the commit (cdnmock version; scripts/ldflags.sh). Needs Go,
# tar, gzip and, for windows, zip.
#
# Environment:
#   RELEASE_TARGETS   the OS/ARCH pairs to build, separated by spaces, e.g.
#                     "linux/amd64 windows/amd64" (default: all six above)
#   COMMIT            the commit to stamp (default: git's HEAD)
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"

version=${1:-}
if [ -z "$version" ] || [ $# -ne 1 ]; then
  echo "usage: [RELEASE_TARGETS='linux/amd64 ...'] scripts/release.sh VERSION" >&2
  exit 2
fi
case $version in
*[!A-Za-z0-9._+-]* | [!A-Za-z0-9]*)
  echo "release: VERSION '$version': use letters, digits and . _ + - (e.g. 1.2.0)" >&2
  exit 2
  ;;
esac
read -r -a targets <<<"${RELEASE_TARGETS:-$all_targets}"
if [ ${#targets[@]} -eq 0 ]; then
  echo "release: RELEASE_TARGETS is blank; want some of: $all_targets" >&2
  exit 2
fi
for t in "${targets[@]}"; do
  case " $all_targets " in
  *" $t "*) ;;
  *)
    echo "release: RELEASE_TARGETS: '$t' is not one of: $all_targets" >&2
    exit 2
    ;;
  esac
done
case " ${targets[*]} " in
*" windows/"*)
  if ! command -v zip >/dev/null; then
    echo "release: zip is not installed; it makes the windows archives (Debian, Ubuntu: apt-get install zip)" >&2
    exit 1
  fi
  ;;
esac

. scripts/ldflags.sh # sets commit and ldflags
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  echo "release: warning: the work tree has uncommitted changes; commit $commit does not describe them" >&2
fi

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

# The docs/ pages, and the images they show.
shopt -s nullglob
docs=(docs/*.md docs/*.png)
shopt -u nullglob
if [ ${#docs[@]} -eq 0 ]; then
  echo "release: no docs/*.md pages to put in the archives" >&2
  exit 1
fi

rm -rf dist
mkdir -p dist/stage
archives=()
for t in "${targets[@]}"; do
  os=${t%/*} arch=${t#*/}
  name="cdnmock_${version}_${os}_${arch}"
  exe=cdnmock
  if [ "$os" = windows ]; then exe=cdnmock.exe; fi
  echo "release: $name"
  mkdir "dist/stage/$name"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags "$ldflags" -o "dist/stage/$name/$exe" .
  cp README.md LICENSE mock/report/fonts/NOTICE "dist/stage/$name/"
  mkdir "dist/stage/$name/docs"
  cp "${docs[@]}" "dist/stage/$name/docs/"
  # The same modes whatever the umask.
  chmod 0755 "dist/stage/$name" "dist/stage/$name/$exe" "dist/stage/$name/docs"
  chmod 0644 "dist/stage/$name/README.md" "dist/stage/$name/LICENSE" "dist/stage/$name/NOTICE" \
    "${docs[@]/#/dist/stage/$name/}"
  if [ "$os" = windows ]; then
    (cd dist/stage && zip -q -r "../$name.zip" "$name")
    archives+=("$name.zip")
  else
    tar -C dist/stage -czf "dist/$name.tar.gz" "$name"
    archives+=("$name.tar.gz")
  fi
done
rm -rf dist/stage
(cd dist && sha256 "${archives[@]}" >"cdnmock_${version}_checksums.txt")
echo "release: dist/"
ls -l dist
