# The cdnmock image: the static binary on an empty base, with CA certificates
# and a non-root user. It embeds the spec, scenarios and fixtures, so the
# default use needs nothing mounted.
#
# The binary is built beforehand (no Go image is pulled), as release tools do:
# scripts/build-image.sh [TAG] builds it, lays out the build context below,
# then runs `docker build` or `podman build` with this file. The context:
#
#   cdnmock                      CGO_ENABLED=0 GOOS=linux go build -o cdnmock .
#   rootfs/etc/passwd, group     the user cdnmock (uid and gid 65532)
#   rootfs/etc/ssl/certs/ca-certificates.crt
#   rootfs/usr/share/doc/cdnmock/LICENSE, NOTICE
#                                the license, and the notice of the embedded font
#   datafs/data/                 an empty directory, for --state
#
#   docker run -p 8080:8080 cdnmock:dev
#   docker run -p 8080:8080 -v cdnmock-data:/data -e CDNMOCK_STATE=/data/tasks.db cdnmock:dev
FROM scratch

ARG VERSION=dev
ARG COMMIT=unknown
LABEL org.opencontainers.image.title="cdnmock" \
      org.opencontainers.image.description="A local Alibaba Cloud CDN API (2018-05-10) for contract tests" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}"

COPY rootfs/ /
# /data belongs to the user: a named volume mounted there starts with this
# ownership, so --state can write to it.
COPY --chown=65532:65532 datafs/data/ /data/
COPY cdnmock /usr/local/bin/cdnmock

ENV PATH=/usr/local/bin \
    CDNMOCK_ADDR=0.0.0.0:8080
USER 65532:65532
WORKDIR /data
EXPOSE 8080
# Exec form: the image has no shell. Podman keeps it with --format docker.
HEALTHCHECK --interval=5s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/cdnmock", "health"]
ENTRYPOINT ["/usr/local/bin/cdnmock"]
