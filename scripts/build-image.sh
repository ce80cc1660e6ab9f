#!/usr/bin/env bash
# Builds the cdnmock container image: the static Linux binary first, then the
# root Dockerfile around it, with docker or podman, whichever is installed
# (a docker client without a running engine does not count).
#
#   scripts/build-image.sh [TAG]          default tag: cdnmock:dev
#
# Environment:
#   CONTAINER_ENGINE=docker|podman   use this one
#   VERSION, COMMIT                  stamped into the binary and the labels
#                                    (default: dev and git's HEAD)
#   GOARCH                           the image's architecture (default: Go's);
#                                    the build asks for linux/$GOARCH
#
# Whatever the umask, the files in the image are readable (and the binary
# runnable) by its non-root user.
set -euo pipefail
cd "$(dirname "$0")/.."

tag=${1:-cdnmock:dev}
version=${VERSION:-dev}
. scripts/ldflags.sh # sets commit and ldflags
arch=${GOARCH:-$(go env GOARCH)}

engine=${CONTAINER_ENGINE:-}
if [ -z "$engine" ]; then
  if command -v docker >/dev/null && docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    engine=docker
  elif command -v podman >/dev/null; then
    engine=podman
  else
    echo "build-image: neither docker (with a running engine) nor podman is installed" >&2
    exit 1
  fi
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT

echo "build-image: go build (linux/$arch, static, version $version, commit $commit)"
CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath -ldflags "$ldflags" -o "$ctx/cdnmock" .
chmod 0755 "$ctx/cdnmock" # the build's mode follows the umask (0700 under umask 077)

doc=rootfs/usr/share/doc/cdnmock
mkdir -p "$ctx/rootfs/etc/ssl/certs" "$ctx/$doc" "$ctx/datafs/data"
chmod 0755 "$ctx/rootfs" "$ctx/rootfs/etc" "$ctx/rootfs/etc/ssl" "$ctx/rootfs/etc/ssl/certs" \
  "$ctx/rootfs/usr" "$ctx/rootfs/usr/share" "$ctx/rootfs/usr/share/doc" "$ctx/$doc" \
  "$ctx/datafs" "$ctx/datafs/data"
# The license, and the notice of the font the binary embeds (Apache-2.0).
cp LICENSE mock/report/fonts/NOTICE "$ctx/$doc/"
chmod 0644 "$ctx/$doc/LICENSE" "$ctx/$doc/NOTICE"
printf 'root:x:0:0:root:/root:/sbin/nologin\ncdnmock:x:65532:65532:cdnmock:/data:/sbin/nologin\n' >"$ctx/rootfs/etc/passwd"
printf 'root:x:0:\ncdnmock:x:65532:\n' >"$ctx/rootfs/etc/group"
certs=""
for f in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
  if [ -f "$f" ]; then certs=$f; break; fi
done
if [ -z "$certs" ]; then
  echo "build-image: no CA certificate bundle found (Debian: apt-get install ca-certificates)" >&2
  exit 1
fi
cp "$certs" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
chmod 0644 "$ctx/rootfs/etc/passwd" "$ctx/rootfs/etc/group" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"

opts=()
# podman builds OCI images by default, which drop HEALTHCHECK; and it would
# keep an intermediate image of each step, useless here (every step is a COPY
# or metadata).
if [ "$engine" = podman ]; then opts+=(--format docker --layers=false); fi
opts+=(--platform "linux/$arch")

echo "build-image: $engine build -t $tag"
"$engine" build ${opts[@]+"${opts[@]}"} \
  --build-arg "VERSION=$version" --build-arg "COMMIT=$commit" \
  -t "$tag" -f Dockerfile "$ctx"
