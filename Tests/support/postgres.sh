#!/usr/bin/env bash
# A private PostgreSQL for the tests (SPEC §8): a throwaway cluster in a temporary folder, on a free
# loopback port, trust auth, one database `shiplog_test`; stopped and deleted at exit.
#
#   bash Tests/support/postgres.sh CMD ARGS…   runs CMD with SHIPLOG_TEST_POSTGRES_URL set, then stops it
#   bash Tests/support/postgres.sh             prints the URL and keeps the server until interrupted
#   source Tests/support/postgres.sh           (from a bash script) starts it, exports the URL and stops
#                                              it when that script exits (it sets the EXIT trap)
#
# Needs Debian's postgresql (initdb, pg_ctl). As root the cluster runs as the `postgres` user (initdb
# refuses root); as anyone else, as that user. PG_BIN overrides where the server's programs are.
# SHIPLOG_PG_FSYNC=on keeps fsync (off by default: tests need no durability; benchmarks do).

shiplog_pg_main() {
    local bin="${PG_BIN:-}"
    if [ -z "$bin" ]; then
        bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    fi
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        echo "postgres.sh: no PostgreSQL server programs (install Debian's postgresql, or set PG_BIN)" >&2
        return 69
    fi
    local as=()
    if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
    SHIPLOG_PG_DIR="$(mktemp -d /tmp/shiplog-pg.XXXXXX)"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$SHIPLOG_PG_DIR"; fi
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    "${as[@]}" "$bin/initdb" -D "$SHIPLOG_PG_DIR/data" --auth=trust -E UTF8 --no-locale -U postgres >"$SHIPLOG_PG_DIR/initdb.log" 2>&1 \
        || { cat "$SHIPLOG_PG_DIR/initdb.log" >&2; return 1; }
    "${as[@]}" "$bin/pg_ctl" -D "$SHIPLOG_PG_DIR/data" -l "$SHIPLOG_PG_DIR/server.log" -w \
        -o "-p $port -k $SHIPLOG_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=${SHIPLOG_PG_FSYNC:-off} -c max_connections=300" start >/dev/null \
        || { cat "$SHIPLOG_PG_DIR/server.log" >&2; return 1; }
    SHIPLOG_PG_STOP=("${as[@]}" "$bin/pg_ctl" -D "$SHIPLOG_PG_DIR/data" -m fast -w stop)
    "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres shiplog_test || return 1
    export SHIPLOG_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/shiplog_test?sslmode=disable"
}

shiplog_pg_stop() {
    if [ -n "${SHIPLOG_PG_SLEEP:-}" ]; then kill "$SHIPLOG_PG_SLEEP" 2>/dev/null || true; fi
    if [ -n "${SHIPLOG_PG_DIR:-}" ]; then
        "${SHIPLOG_PG_STOP[@]}" >/dev/null 2>&1 || true
        rm -rf "$SHIPLOG_PG_DIR"
        SHIPLOG_PG_DIR=""
    fi
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    # Sourced: the caller's script keeps the server until it exits.
    trap shiplog_pg_stop EXIT
    shiplog_pg_main || return $?
else
    set -euo pipefail
    trap shiplog_pg_stop EXIT
    trap 'exit 130' INT TERM
    shiplog_pg_main
    if [ $# -gt 0 ]; then
        "$@"
    else
        echo "$SHIPLOG_TEST_POSTGRES_URL"
        # In the background and waited for, so a TERM stops the server at once (not after the sleep).
        while true; do sleep 3600 & SHIPLOG_PG_SLEEP=$!; wait $SHIPLOG_PG_SLEEP; done
    fi
fi
