#!/usr/bin/env bash
# Runs schemathesis against a real `shiplog serve` with openapi.yaml: every operation of the
# document gets generated requests (valid and invalid ones) with an admin key, and every answer
# must be no server error and conform to the document (status code, content type, headers and
# body schema). Exits non-zero on any failure.
#
#   bash Tests/api/schemathesis.sh            # SHIPLOG_BIN overrides .build/debug/shiplog
#   MAX_EXAMPLES=50 bash Tests/api/schemathesis.sh
#   SHIPLOG_TEST_STORE=postgres bash Tests/api/schemathesis.sh   # on a new database of SHIPLOG_TEST_POSTGRES_URL
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
shiplog="${SHIPLOG_BIN:-$root/.build/debug/shiplog}"
max_examples="${MAX_EXAMPLES:-25}"
max_time="${MAX_TIME:-70}"
anonymous_time="${ANONYMOUS_TIME:-20}"

if [ ! -x "$shiplog" ]; then
    echo "schemathesis.sh: $shiplog is missing; run swift build first" >&2
    exit 1
fi

work="$(mktemp -d)"
server=""
name=""
cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server"
        wait "$server" || true
    fi
    if [ -n "$name" ]; then psql "$SHIPLOG_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $name" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# The store: a SQLite file, or with SHIPLOG_TEST_STORE=postgres a new database on the test server.
db="$work/store.db"
if [ "${SHIPLOG_TEST_STORE:-sqlite}" = postgres ]; then
    : "${SHIPLOG_TEST_POSTGRES_URL:?is not set: run under Tests/support/postgres.sh}"
    name="shiplog_schemathesis_$$_$RANDOM"
    psql "$SHIPLOG_TEST_POSTGRES_URL" -qc "CREATE DATABASE $name"
    db="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' \
        "$SHIPLOG_TEST_POSTGRES_URL" "$name")"
fi
"$shiplog" import --db "$db" "$root/site/data.json" >/dev/null
admin="$("$shiplog" keys create --db "$db" --page nimbus --scope admin 2>/dev/null)"

SHIPLOG_OPENAPI="$root/openapi.yaml" "$shiplog" serve --db "$db" --port 0 --rate-limit 0 \
    >"$work/stdout" 2>"$work/server.log" &
server=$!
port=""
for _ in $(seq 1 100); do
    port="$(sed -n 's|^shiplog serving on http://[^:]*:\([0-9][0-9]*\)$|\1|p' "$work/stdout")"
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "schemathesis.sh: the server did not start" >&2
    cat "$work/server.log" >&2
    exit 1
fi
base="http://127.0.0.1:$port"
# The ids the store gave the example's releases and deployments, so the routes by id reach past 404s.
ids="$(python3 - "$base" "$admin" <<'PY'
import json, sys, urllib.request
base, key = sys.argv[1], sys.argv[2]
ids = []
for path in ("releases", "deployments"):
    request = urllib.request.Request(f"{base}/api/v1/pages/nimbus/{path}?limit=200", headers={"Authorization": f"Bearer {key}"})
    ids += [item["id"] for item in json.load(urllib.request.urlopen(request, timeout=5))["items"]]
print(", ".join(json.dumps(id) for id in ids))
PY
)"
# A release with assets for every platform, so the dynamic update routes answer 200 as well as 204.
python3 - "$base" "$admin" <<'PY'
import json, sys, urllib.request
base, key = sys.argv[1], sys.argv[2]
platforms = ["darwin-aarch64", "darwin-x86_64", "windows-x86_64", "windows-x86_64-msi", "linux-x86_64-appimage", "linux-x86_64-deb"]
assets = [{"name": f"desktop-{p}.bin", "url": f"https://dl.nimbus.example/9.9.0/{p}", "platform": p, "signature": f"sig-{p}"} for p in platforms]
assets += [{"name": "desktop-arm64.zip", "url": "https://dl.nimbus.example/9.9.0/arm64.zip", "platform": "darwin-aarch64"}]
body = {"component": "desktop", "version": "v9.9.0", "published_at": "2026-06-01T00:00:00Z", "notes": "Updates", "assets": assets}
request = urllib.request.Request(f"{base}/api/v1/pages/nimbus/releases", data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
urllib.request.urlopen(request, timeout=5)
PY

# The schemathesis configuration: schemathesis.toml and the dictionary `ids`, the ids above.
{
    cat "$root/Tests/api/schemathesis.toml"
    printf '\n[dictionaries.ids]\nvalues = [%s]\n' "$ids"
} >"$work/schemathesis.toml"

if command -v schemathesis >/dev/null; then
    st=(schemathesis)
else
    st=(python3 -c 'import sys; from schemathesis.cli import schemathesis; sys.argv[0] = "schemathesis"; schemathesis()')
fi

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
run() {
    "${st[@]}" --config-file "$work/schemathesis.toml" run "$root/openapi.yaml" \
        --url "$base" \
        --checks "$checks" \
        --max-examples "$max_examples" \
        --seed "${SEED:-20261123}" \
        --workers 1 \
        --request-timeout 10 \
        --output-sanitize true \
        --suppress-health-check all \
        "$@"
}

status=0
echo "== schemathesis with an admin key"
run --header "Authorization: Bearer $admin" --phases examples,coverage,fuzzing,stateful --max-time "$max_time" || status=$?
echo "== schemathesis without a key (public reads, 401 on the rest)"
run --phases examples,coverage,fuzzing --max-time "$anonymous_time" || status=$?

if ! python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' "$base/health"; then
    echo "schemathesis.sh: the server stopped answering" >&2
    status=1
fi
# What the server answered, by method and status (from its one line per request).
echo "Server answers (count, method, status):"
sed -n 's/.*\] \([A-Z]*\) [^ ]* \([0-9]*\) [0-9.]*ms$/\1 \2/p' "$work/server.log" | sort | uniq -c | sort -k2,2 -k3,3n
if grep -q " 5[0-9][0-9] [0-9.]*ms$\| error \|Fatal error" "$work/server.log"; then
    echo "schemathesis.sh: the server log shows errors:" >&2
    grep " 5[0-9][0-9] [0-9.]*ms$\| error \|Fatal error" "$work/server.log" | head -20 >&2
    status=1
fi
exit "$status"
