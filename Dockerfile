# syntax=docker/dockerfile:1
# shiplog in a container: `docker build -t shiplog .`, then see docs/install.md.
#
# Stage 1 builds one release binary with the Swift runtime and Foundation linked in
# (--static-swift-stdlib) and the theme and openapi.yaml embedded; stage 2 runs it on a slim
# Debian of the same release (bookworm), which brings the few shared libraries it links:
# libsqlite3, libcmark, libstdc++, libz and libc (`ldd shiplog`). A cold build takes about
# 8 minutes on 2 cores (BoringSSL, through swift-crypto and swift-nio-ssl, and the HTTP server).

FROM swift:6.2-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcmark-dev libsqlite3-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# .build lives in a BuildKit cache, so a rebuild after a change compiles only what changed.
RUN --mount=type=cache,target=/src/.build \
    swift build -c release --product shiplog --static-swift-stdlib -Xswiftc -use-ld=lld \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/shiplog" /out/shiplog \
    && strip /out/shiplog

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcmark0.30.2 libsqlite3-0 libstdc++6 zlib1g ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 shiplog \
    && useradd --system --uid 10001 --gid shiplog --home-dir /data --shell /usr/sbin/nologin shiplog \
    && mkdir -p /site /data \
    && chown shiplog:shiplog /site /data
COPY --from=build /out/shiplog /usr/local/bin/shiplog
USER shiplog
WORKDIR /data
# /data: the store (shiplog.db) and data files; /site: the built static site.
VOLUME ["/site", "/data"]
EXPOSE 8080
ENTRYPOINT ["shiplog"]
CMD ["--help"]
