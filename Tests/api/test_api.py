"""The HTTP API of `shiplog serve`, through the real built binary on a real socket.

Each server runs on a temporary store into which `site/data.json` (page "nimbus": 4
components, 20 releases, 2 groups, deployments, a customer site) was imported, with keys of
every scope, a key of another page and a private page. The binary, the servers and `cli` are those
of Tests/support/harness.py: SHIPLOG_BIN, else `.build/debug/shiplog` of this checkout (run `swift build` first).

The stores are SQLite files, or PostgreSQL databases with SHIPLOG_TEST_STORE=postgres
(Tests/support/stores.py):

    python3 -m pytest -q Tests/api
    bash Tests/support/postgres.sh env SHIPLOG_TEST_STORE=postgres python3 -m pytest -q Tests/api
"""
import calendar
import copy
import http.client
import itertools
import json
import re
import signal
import socket
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from harness import API, BINARY, DATA_FILE, PAGE, ROOT, Server, cli, create_key, require_binary, stop_after  # noqa: E402,F401  (BINARY, stop_after for other modules)
from harness import wait_for as wait_until  # noqa: E402
from stores import new_db  # noqa: E402,F401

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))
VERSION = f"/v1/pages/{PAGE}/version"

SECRET_DATA = {
    "page": {"id": "secret", "title": "Secret releases", "public": False},
    "components": [{"slug": "app", "name": "The app"}],
    "releases": [{"component": "app", "version": "1.0.0", "published_at": "2026-01-01T00:00:00Z", "author": "eve"}],
}

# What the store sets on every release, deployment and site it answers (SPEC §1, §6.1), and the
# fields deployments always carry; test_ids.py checks them, `plain` leaves them out for comparisons
# with the data file.
STORE_FIELDS = ("id", "created_at", "created_by", "from_version")


def plain(value):
    """An answer (or list of answers) without what the store sets and without a null error_message."""
    if isinstance(value, list):
        return [plain(item) for item in value]
    return {key: item for key, item in value.items()
            if key not in STORE_FIELDS and not (key == "error_message" and item is None)}


LOG_LINE = re.compile(r"\] (GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD) (\S+) (\d{3}) (\d+\.\d+)ms$")

require_binary()


# MARK: - Stores, keys and servers (the fixtures that hold them are in conftest.py)


class Store:
    """A temporary store with the example data, a private page and keys of every kind."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        # A SQLite file in the folder, or a new PostgreSQL database with SHIPLOG_TEST_STORE=postgres.
        self.db = new_db(self.directory)
        cli("import", "--db", self.db, DATA_FILE)
        secret = self.directory / "secret.json"
        secret.write_text(json.dumps(SECRET_DATA), encoding="utf-8")
        cli("import", "--db", self.db, secret)
        self.keys = {}
        self.key_ids = {}
        for scope in ("read", "write", "admin"):
            self.keys[scope], self.key_ids[scope] = create_key(self.db, PAGE, scope)
        # `keys create --create-page` creates the page "other" (empty) for its key.
        self.keys["other"], self.key_ids["other"] = create_key(self.db, "other", "admin", "--create-page")
        self.keys["secret"], self.key_ids["secret"] = create_key(self.db, "secret", "read")
        self.keys["wrong"] = "sk_this_key_does_not_exist_0123456789"
        self.keys["none"] = None


_unique = itertools.count(1)


def unique():
    return next(_unique)


def scratch_release(server, status="draft", component="cli", **fields):
    """Creates a release nobody else uses (old, low version: never "latest"); returns its body."""
    n = unique()
    body = {"component": component, "version": f"0.0.{n}", "status": status, **fields}
    if status != "draft":
        body.setdefault("published_at", "2001-01-01T00:00:00Z")
    response = server.admin("POST", f"{API}/releases", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def release_path(component, version):
    return f"{API}/components/{component}/releases/{urllib.parse.quote(version, safe='')}"


def assert_error(response, status, code=None, field=None):
    """An error answer of SPEC §6: JSON {error, message, status, causes} (causes may be empty)."""
    assert response.status_code == status, f"{response.status_code} {response.text[:500]}"
    assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error", "message", "status", "causes"}, body
    assert isinstance(body["error"], str) and re.fullmatch(r"[a-z_]+", body["error"]), body
    assert isinstance(body["message"], str) and body["message"], body
    assert body["status"] == status, body
    return assert_causes(body, "causes", code, field)


def assert_causes(body, causes, code, field):
    """An error answer's causes (under the key `causes`, if any) are {field, error} objects; its
    error is `code` and a cause names `field`, where given. Returns the body."""
    if causes in body:
        assert isinstance(body[causes], list), body
        for cause in body[causes]:
            assert set(cause) == {"field", "error"}, cause
            assert isinstance(cause["field"], str) and isinstance(cause["error"], str)
    if code is not None:
        assert body["error"] == code, body
    if field is not None:
        fields = [cause["field"] for cause in body.get(causes, [])]
        assert field in fields, f"no cause names {field!r}: {body}"
    return body


def assert_page_error(response, status, code=None, field=None):
    """An error answer of ReleasePage's dialect on /v1/pages/… (SPEC §7):
    JSON {error: kebab-code, error_description, error_uri: "", error_causes} and the media-type header."""
    assert response.status_code == status, f"{response.status_code} {response.text[:500]}"
    assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
    assert response.headers.get("X-ReleasePage-Media-Type") == "releasepage.v1", response.headers
    body = response.json()
    assert set(body) == {"error", "error_description", "error_uri", "error_causes"}, body
    assert isinstance(body["error"], str) and re.fullmatch(r"[a-z]+(-[a-z]+)*", body["error"]), body
    assert isinstance(body["error_description"], str) and body["error_description"], body
    assert body["error_uri"] == "", body
    if status == 403 and code in (None, "key-invalid"):
        assert body == {
            "error": "key-invalid",
            "error_description": "The client API key is invalid",
            "error_uri": "",
            "error_causes": [{"field": "apiKey", "error": "invalid"}],
        }, body
    return assert_causes(body, "error_causes", code, field)


def listing(items, total=None):
    """A whole list as the API answers it on one page (SPEC §6.1)."""
    return {"items": items, "next_cursor": None, "has_more": False, "total": len(items) if total is None else total}


def published_order(releases):
    """(component, version) of releases as the API lists them: newest first, undated last."""
    def key(release):
        return release.get("published_at") or ""
    return [(r["component"], r["version"]) for r in sorted(releases, key=key, reverse=True)]


def wait_for(predicate, timeout=3.0, interval=0.05):
    """Polls `predicate` until it is true; returns the seconds it took (or fails)."""
    start = time.monotonic()
    wait_until(predicate, timeout, interval=interval)
    return time.monotonic() - start


# MARK: - Server routes


def test_health(server):
    response = server.get("/health")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"status": "ok"}


def test_openapi_document_is_served_as_json(server):
    response = server.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert {
        "/health",
        "/openapi.json",
        "/metrics",
        "/v1/pages/{page}/version",
        "/api/v1/pages/{page}",
        "/api/v1/pages/{page}/components/{component}",
        "/api/v1/pages/{page}/releases",
        "/api/v1/pages/{page}/components/{component}/releases/{version}",
        "/api/v1/pages/{page}/releases/{id}",
        "/api/v1/pages/{page}/deployments",
        "/api/v1/pages/{page}/deployments/{id}",
        "/api/v1/pages/{page}/components/{component}/releases/{version}/publish",
        "/api/v1/pages/{page}/components/{component}/releases/{version}/yank",
        "/api/v1/pages/{page}/groups",
        "/api/v1/pages/{page}/environments",
        "/api/v1/pages/{page}/environments/{environment}",
        "/api/v1/pages/{page}/environments/{environment}/deployments",
        "/api/v1/pages/{page}/environments/{environment}/rollback",
        "/api/v1/pages/{page}/sites",
        "/api/v1/pages/{page}/sites/{site}",
        "/api/v1/pages/{page}/sites/{site}/releases",
        "/api/v1/pages/{page}/sites/{site}/releases/{component}/{version}",
        "/api/v1/pages/{page}/subscribers",
        "/v1/pages/{page}/subscribers",
        "/v1/pages/{page}/subscribers/form",
        "/v1/pages/{page}/subscribers/confirm",
        "/v1/pages/{page}/unsubscribe",
    } <= set(document["paths"])
    assert set(document["components"]["securitySchemes"]) == {"bearerAuth", "apiKeyHeader", "accessToken", "metricsToken"}


def test_openapi_document_matches_the_yaml(server):
    yaml = pytest.importorskip("yaml")
    expected = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    assert server.get("/openapi.json").json() == json.loads(json.dumps(expected))


def test_openapi_document_is_valid():
    validator = pytest.importorskip("openapi_spec_validator")
    yaml = pytest.importorskip("yaml")
    validator.validate(yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8")))


# MARK: - Version endpoint


def expected_version_document():
    components = DATA["components"]
    latest = {"api": "v1.10.2", "web": "3.7.0", "desktop": "1.2.1", "cli": "v1.1.0"}
    entries = []
    for component in components:
        release = next(r for r in DATA["releases"] if r["component"] == component["slug"] and r["version"] == latest[component["slug"]])
        entries.append({
            "repo": component["repo"],
            "version": release["version"],
            "author": release["author"],
            "published_at": release["published_at"],
            "name": component["name"],
        })
    group = next(g for g in DATA["groups"] if g["version"] == "2026.2")
    authors = []
    for component in components:
        release = next(r for r in DATA["releases"] if r["component"] == component["slug"] and r["version"] == group["members"][component["slug"]])
        if release["author"] not in authors:
            authors.append(release["author"])
    return {
        "latest": entries,
        "latestGrouped": {
            "version": "2026.2",
            "authors": authors,
            "published_at": group["published_at"],
            "repos": [c["repo"] for c in components],
        },
    }


def test_version_document(pristine):
    response = pristine.get(VERSION)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-ReleasePage-Media-Type"] == "releasepage.v1"
    assert response.json() == expected_version_document()


def test_version_etag_and_304(fresh):
    first = fresh.get(VERSION)
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]+"', etag), etag
    again = fresh.get(VERSION)
    assert again.headers["ETag"] == etag and again.content == first.content

    for condition in (etag, f"W/{etag}", f'"nope", {etag}', "*"):
        response = fresh.get(VERSION, headers={"If-None-Match": condition})
        assert response.status_code == 304, condition
        assert response.content == b""
        assert response.headers["ETag"] == etag
    assert fresh.get(VERSION, headers={"If-None-Match": '"something-else"'}).status_code == 200

    # A change that moves "latest" changes the body and so the ETag.
    created = fresh.admin("POST", f"{API}/releases", json={
        "component": "api", "version": "v1.11.0", "published_at": "2026-11-01T10:00:00Z", "author": "mfrost"})
    assert created.status_code == 201, created.text
    changed = fresh.get(VERSION, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.json()["latest"][0]["version"] == "v1.11.0"
    assert fresh.get(VERSION, headers={"If-None-Match": changed.headers["ETag"]}).status_code == 304


def test_version_yanked_and_prerelease_are_never_latest(fresh):
    fresh.admin("POST", f"{API}/releases", json={
        "component": "web", "version": "4.0.0-beta.1", "published_at": "2026-11-01T10:00:00Z"})
    fresh.admin("POST", f"{API}/components/web/releases/3.7.0/yank")
    latest = {entry["name"]: entry["version"] for entry in fresh.get(VERSION).json()["latest"]}
    assert latest["Nimbus Web"] == "3.6.0"
    # 2026.2 has a yanked member now; 2026.1 is the latest complete group.
    assert fresh.get(VERSION).json()["latestGrouped"]["version"] == "2026.1"


def test_version_auth(server, store):
    assert server.get(VERSION, store.keys["read"]).status_code == 200
    assert_page_error(server.get(VERSION, store.keys["wrong"]), 403, "key-invalid")
    assert_page_error(server.get(VERSION, store.keys["other"]), 404, "not-found")
    assert_page_error(server.get("/v1/pages/no-such-page/version"), 404, "not-found")
    assert_page_error(server.get("/v1/pages/NOT_A_SLUG/version"), 404, "not-found")


def test_version_cors(server):
    response = server.get(VERSION, headers={"Origin": "https://app.example"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    # Errors carry CORS headers too, so a browser can read them.
    error = server.get("/v1/pages/no-such-page/version", headers={"Origin": "https://app.example"})
    assert error.status_code == 404 and error.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", [VERSION, f"{API}/releases", "/health"])
def test_cors_without_origin(server, path):
    """The CORS headers do not depend on the request: an answer a shared cache kept from a request
    without Origin (and revalidates with a 304) still lets a browser read it."""
    response = server.get(path)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "etag" in response.headers["Access-Control-Expose-Headers"].lower()
    if "ETag" in response.headers:
        again = server.get(path, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.headers["Access-Control-Allow-Origin"] == "*"


def test_version_cors_exposes_etag(server):
    response = server.get(VERSION, headers={"Origin": "https://app.example"})
    assert "etag" in response.headers.get("Access-Control-Expose-Headers", "").lower()


@pytest.mark.parametrize("path", [VERSION, f"{API}/releases", f"{API}/components/api/releases/v1.10.2"])
def test_cors_preflight(server, path):
    response = server.request("OPTIONS", path, headers={
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization, content-type, if-none-match",
    })
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= methods
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "if-none-match"} <= allowed
    exposed = {h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"} <= exposed


# MARK: - The auth matrix

CALLERS = ["none", "wrong", "other", "read", "write", "admin"]
PUBLIC_GET = {"none": 200, "wrong": 401, "other": 404, "read": 200, "write": 200, "admin": 200}
KEY_GET = {"none": 401, "wrong": 401, "other": 404, "read": 200, "write": 200, "admin": 200}
# Without a key a draft answers as a missing release would (SPEC §6.2: drafts cannot be probed).
DRAFT_GET = {"none": 404, "wrong": 401, "other": 404, "read": 200, "write": 200, "admin": 200}


def write_op(ok):
    return {"none": 401, "wrong": 401, "other": 404, "read": 403, "write": ok, "admin": ok}


def admin_op(ok):
    return {"none": 401, "wrong": 401, "other": 404, "read": 403, "write": 403, "admin": ok}


def _new_release_body(server):
    return {"component": "cli", "version": f"0.0.{unique()}", "status": "draft"}


def _draft_path(server):
    release = scratch_release(server)
    return release_path(release["component"], release["version"])


# name → (method, path or path factory, body factory or None, expected status by caller)
OPERATIONS = {
    "get page": ("GET", API, None, PUBLIC_GET),
    "list releases": ("GET", f"{API}/releases", None, PUBLIC_GET),
    "list drafts": ("GET", f"{API}/releases?status=draft", None, KEY_GET),
    "get release": ("GET", f"{API}/components/api/releases/v1.10.2", None, PUBLIC_GET),
    "get draft": ("GET", f"{API}/components/web/releases/3.8.0", None, DRAFT_GET),
    "list groups": ("GET", f"{API}/groups", None, PUBLIC_GET),
    "version": ("GET", VERSION, None, PUBLIC_GET),
    "create release": ("POST", f"{API}/releases", _new_release_body, write_op(201)),
    "patch release": ("PATCH", _draft_path, lambda s: {"title": "Changed"}, write_op(200)),
    "delete release": ("DELETE", _draft_path, None, write_op(204)),
    "publish release": ("POST", lambda s: _draft_path(s) + "/publish", None, write_op(200)),
    "yank release": ("POST", lambda s: _draft_path(s) + "/yank", None, write_op(200)),
    "put component": ("PUT", lambda s: f"{API}/components/scratch-{unique()}", lambda s: {"name": "Scratch"}, admin_op(201)),
    "create group": ("POST", f"{API}/groups", lambda s: {"version": f"2099.{unique()}", "members": {"api": "v1.10.2"}}, admin_op(201)),
}
ERROR_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found"}


def request_as(server, store, operations, operation, caller, how):
    """One cell of an auth matrix: `operations[operation]` (method, path, body, expected status by
    caller) done with `caller`'s key sent as `how`. Returns (path, response, expected status)."""
    method, path, body, expected = operations[operation]
    if callable(path):
        path = path(server)
    payload = body(server) if body else None
    return path, server.request(method, path, store.keys[caller], how=how, json=payload), expected[caller]


def assert_auth_error(response, status):
    """The native API's answer to a caller it refuses: the error of ERROR_CODES, a Bearer challenge on 401."""
    assert_error(response, status, ERROR_CODES[status])
    if status == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("how", ["bearer", "bare", "query"])
@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_auth_matrix(server, store, operation, caller, how):
    path, response, status = request_as(server, store, OPERATIONS, operation, caller, how)
    if path.startswith("/v1/") and status in ERROR_CODES:
        # ReleasePage's dialect (SPEC §7): a wrong or missing key is 403 key-invalid, no challenge.
        assert_page_error(response, 403 if status == 401 else status, {401: "key-invalid", 404: "not-found"}[status])
        assert "WWW-Authenticate" not in response.headers
    elif status in ERROR_CODES:
        assert_auth_error(response, status)
    else:
        assert response.status_code == status, f"{operation} as {caller}: {response.status_code} {response.text[:300]}"


def test_bearer_scheme_is_case_insensitive(server, store):
    for scheme in ("bearer", "BEARER", "Bearer "):
        response = server.get(f"{API}/releases?status=draft", headers={"Authorization": f"{scheme} {store.keys['read']}"})
        assert response.status_code == 200, scheme


def test_header_key_wins_over_query(server, store):
    """A request presenting a key is judged by it: the Authorization header, when both are sent."""
    response = server.get(f"{API}/releases", headers={"Authorization": store.keys["wrong"]},
                          params={"access_token": store.keys["admin"]})
    assert_error(response, 401, "unauthorized")


def test_private_page(server, store):
    secret = "/api/v1/pages/secret"
    for path in (secret, f"{secret}/releases", f"{secret}/groups", f"{secret}/components/app/releases/1.0.0",
                 "/v1/pages/secret/version"):
        if path.startswith("/v1/"):
            assert_page_error(server.get(path), 403, "key-invalid")
            assert_page_error(server.get(path, store.keys["wrong"]), 403, "key-invalid")
            assert_page_error(server.get(path, store.keys["admin"]), 404, "not-found")  # a key of nimbus
        else:
            assert_error(server.get(path), 401, "unauthorized")
            assert_error(server.get(path, store.keys["wrong"]), 401, "unauthorized")
            assert_error(server.get(path, store.keys["admin"]), 404, "not_found")  # a key of nimbus
        assert server.get(path, store.keys["secret"]).status_code == 200, path
    version = server.get("/v1/pages/secret/version", store.keys["secret"])
    assert version.headers["Cache-Control"] == "private, no-cache"
    assert version.json()["latest"][0]["version"] == "1.0.0"
    assert server.get(secret, store.keys["secret"]).json()["page"]["public"] is False
    # The secret page's read key may not write.
    assert_error(server.request("POST", f"{secret}/releases", store.keys["secret"],
                                json={"component": "app", "version": "2.0.0", "status": "draft"}), 403, "forbidden")


def test_unknown_page(server, store):
    assert_error(server.get("/api/v1/pages/no-such-page"), 404, "not_found")
    assert_error(server.get("/api/v1/pages/no-such-page/releases", store.keys["admin"]), 404, "not_found")


# MARK: - Page and components


def test_get_page(pristine):
    body = pristine.get(API).json()
    assert set(body) == {"page", "components"}
    page = body["page"]
    assert page["id"] == PAGE and page["title"] == DATA["page"]["title"]
    assert page["public"] is True and page["grouping"] == "none" and page["feed_limit"] == 50
    assert page["base_url"] == DATA["page"]["base_url"]
    assert body["components"] == DATA["components"]


def test_put_component_creates_then_updates(server, store):
    slug = f"new-{unique()}"
    created = server.admin("PUT", f"{API}/components/{slug}", json={
        "name": "New thing", "repo": "nimbus/new", "url": "https://github.com/nimbus/new", "description": "Fresh."})
    assert created.status_code == 201, created.text
    assert created.json() == {"slug": slug, "name": "New thing", "repo": "nimbus/new",
                              "url": "https://github.com/nimbus/new", "description": "Fresh."}
    components = server.get(API).json()["components"]
    assert components[-1]["slug"] == slug

    # PUT replaces: fields left out are unset; the slug may be repeated; null counts as absent.
    updated = server.admin("PUT", f"{API}/components/{slug}", json={"slug": slug, "name": "Renamed", "repo": None})
    assert updated.status_code == 200, updated.text
    assert updated.json() == {"slug": slug, "name": "Renamed"}
    assert next(c for c in server.get(API).json()["components"] if c["slug"] == slug) == {"slug": slug, "name": "Renamed"}

    # The new component takes releases.
    release = server.admin("POST", f"{API}/releases", json={"component": slug, "version": "1.0.0", "published_at": "2026-01-01T00:00:00Z"})
    assert release.status_code == 201, release.text


def test_put_component_errors(server):
    assert_error(server.admin("PUT", f"{API}/components/api", json={"slug": "web"}), 400, "invalid_request", "slug")
    assert_error(server.admin("PUT", f"{API}/components/Bad_Slug", json={}), 400, "invalid_request", "component")
    assert_error(server.admin("PUT", f"{API}/components/x-{unique()}", json={"url": "ftp://example.com/"}), 400, "invalid_request", "url")
    assert_error(server.admin("PUT", f"{API}/components/x-{unique()}", json={"nmae": "typo"}), 400, "invalid_request", "nmae")
    assert_error(server.admin("PUT", f"{API}/components/x-{unique()}", json={"name": 42}), 400, "invalid_request", "name")
    assert_error(server.admin("PUT", f"{API}/components/x-{unique()}", json=["name"]), 400, "invalid_request", "body")
    assert_error(server.admin("PUT", f"{API}/components/x-{unique()}", data=b""), 400, "invalid_json")


# MARK: - Releases: list, filters, pagination


def test_list_releases_anonymous_hides_drafts(pristine):
    body = pristine.get(f"{API}/releases", params={"limit": 100}).json()
    assert set(body) == {"items", "next_cursor", "has_more", "total"}
    assert body["has_more"] is False and body["next_cursor"] is None
    assert body["total"] == len(body["items"])
    public = [r for r in DATA["releases"] if r.get("status") != "draft"]
    assert [(r["component"], r["version"]) for r in body["items"]] == published_order(public)
    for item in body["items"]:
        assert item["status"] in ("published", "yanked") and isinstance(item["prerelease"], bool)
    rc = next(r for r in body["items"] if r["version"] == "v2.0.0-rc.1")
    assert rc["prerelease"] is True
    assert next(r for r in body["items"] if r["version"] == "v1.10.1")["status"] == "yanked"


def test_list_releases_with_key_shows_drafts_last(pristine):
    items = pristine.get(f"{API}/releases", pristine.store.keys["read"], params={"limit": 100}).json()["items"]
    assert [(r["component"], r["version"]) for r in items] == published_order(DATA["releases"])
    assert (items[-1]["component"], items[-1]["version"], items[-1]["status"]) == ("web", "3.8.0", "draft")
    assert "published_at" not in items[-1]


def test_release_objects_round_trip(pristine):
    """Every release answers as in the data file, with status and prerelease resolved."""
    items = pristine.get(f"{API}/releases", pristine.store.keys["read"], params={"limit": 100}).json()["items"]
    by_ref = {(r["component"], r["version"]): r for r in items}
    for release in DATA["releases"]:
        answered = dict(by_ref[(release["component"], release["version"])])
        expected = dict(release)
        expected.setdefault("status", "published")
        expected.setdefault("prerelease", "-" in release["version"] and release["version"].lstrip("v")[0].isdigit())
        letters = re.match(r"[A-Za-z]*", release["version"].partition("-")[2]).group(0).lower()
        expected.setdefault("channel", (letters or "prerelease") if expected["prerelease"] else "stable")
        assert plain(answered) == expected


@pytest.mark.parametrize("status,expected", [
    ("draft", [("web", "3.8.0")]),
    ("yanked", [("api", "v1.10.1")]),
])
def test_list_releases_by_status(pristine, status, expected):
    items = pristine.get(f"{API}/releases", pristine.store.keys["read"], params={"status": status}).json()["items"]
    assert [(r["component"], r["version"]) for r in items] == expected


def test_list_published_only(pristine):
    items = pristine.get(f"{API}/releases", params={"status": "published", "limit": 100}).json()["items"]
    assert len(items) == 18 and all(r["status"] == "published" for r in items)


def test_list_drafts_needs_a_key(server):
    assert_error(server.get(f"{API}/releases", params={"status": "draft"}), 401, "unauthorized")


@pytest.mark.parametrize("component", ["api", "web", "desktop", "cli"])
def test_list_releases_by_component(pristine, component):
    items = pristine.get(f"{API}/releases", params={"component": component}).json()["items"]
    expected = [r for r in DATA["releases"] if r["component"] == component and r.get("status") != "draft"]
    assert [(r["component"], r["version"]) for r in items] == published_order(expected)


# Queries that every keyset listing (releases, deployments) refuses: 400 naming the parameter.
BAD_LISTING_QUERIES = [
    ({"limit": "0"}, "limit"),
    ({"limit": "201"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"limit": "-1"}, "limit"),
    ({"skip": "2"}, "skip"),
    ({"component": "Not A Slug"}, "component"),
    ({"cursor": "garbage"}, "cursor"),
    ({"cursor": "eyJ4IjoxfQ"}, "cursor"),  # base64url of {"x":1}: JSON, but not a cursor
    ({"cursor": "%%%"}, "cursor"),
]


@pytest.mark.parametrize("params,field", BAD_LISTING_QUERIES + [
    ({"limit": ""}, "limit"),
    ({"size": "2"}, "size"),
    ({"limit": "1.5"}, "limit"),
    ({"status": "gone"}, "status"),
])
def test_list_releases_bad_query(server, params, field):
    assert_error(server.get(f"{API}/releases", params=params), 400, "invalid_request", field)


def test_list_releases_unknown_component(server):
    assert_error(server.get(f"{API}/releases", params={"component": "nope"}), 404, "not_found")


def test_list_releases_limits(pristine):
    assert len(pristine.get(f"{API}/releases").json()["items"]) == 19  # default 50, 19 public releases
    one = pristine.get(f"{API}/releases", params={"limit": 1}).json()
    assert len(one["items"]) == 1 and one["has_more"] is True and isinstance(one["next_cursor"], str)
    exact = pristine.get(f"{API}/releases", params={"limit": 19}).json()
    assert len(exact["items"]) == 19 and exact["has_more"] is False and exact["next_cursor"] is None


def walk_pages(fetch, params, default_limit, most_pages):
    """Every page of a keyset listing, `fetch(query)` answering one page's body: (items in order, number of pages)."""
    items, cursor, pages = [], None, 0
    while True:
        query = dict(params)
        if cursor:
            query["cursor"] = cursor
        body = fetch(query)
        pages += 1
        assert len(body["items"]) <= int(params.get("limit", default_limit))
        items += body["items"]
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return items, pages
        assert body["items"] and isinstance(body["next_cursor"], str)
        cursor = body["next_cursor"]
        assert pages < most_pages


def walk(server, key=None, **params):
    """Every page of the release list: ((component, version) in order, number of pages)."""
    def fetch(query):
        response = server.get(f"{API}/releases", key, params=query)
        assert response.status_code == 200, response.text
        return response.json()
    items, pages = walk_pages(fetch, params, default_limit=50, most_pages=100)
    return [(r["component"], r["version"]) for r in items], pages


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 7, 19, 20])
@pytest.mark.parametrize("who", ["anonymous", "read"])
def test_pagination_no_duplicates_no_gaps(pristine, limit, who):
    key = pristine.store.keys["read"] if who == "read" else None
    everything = pristine.get(f"{API}/releases", key, params={"limit": 100}).json()["items"]
    expected = [(r["component"], r["version"]) for r in everything]
    items, pages = walk(pristine, key, limit=limit)
    assert items == expected
    assert len(set(items)) == len(items)
    assert pages == max(1, -(-len(expected) // limit))


def test_pagination_with_filter(pristine):
    items, _ = walk(pristine, limit=2, component="api")
    expected = [r for r in DATA["releases"] if r["component"] == "api"]
    assert items == published_order(expected)


def test_pagination_is_stable_while_releases_are_added(fresh):
    """A cursor names the last item seen: releases added before it do not shift the rest."""
    before = [(r["component"], r["version"]) for r in fresh.get(f"{API}/releases", params={"limit": 100}).json()["items"]]
    first = fresh.get(f"{API}/releases", params={"limit": 5}).json()
    seen = [(r["component"], r["version"]) for r in first["items"]]
    for version, date in (("v9.0.0", "2030-01-01T00:00:00Z"), ("v0.0.1", "2000-01-01T00:00:00Z")):
        assert fresh.admin("POST", f"{API}/releases", json={"component": "api", "version": version, "published_at": date}).status_code == 201
    cursor = first["next_cursor"]
    while cursor:
        body = fresh.get(f"{API}/releases", params={"limit": 5, "cursor": cursor}).json()
        seen += [(r["component"], r["version"]) for r in body["items"]]
        cursor = body["next_cursor"]
    assert seen == before + [("api", "v0.0.1")]


# MARK: - Releases: create, read, change, delete


def test_create_release(server):
    n = unique()
    body = {
        "component": "desktop", "version": f"0.1.{n}", "title": "A build", "published_at": "2001-02-03T04:05:06+01:00",
        "author": "ada", "notes": "### Fixed\n- things", "commit": "abc123", "tag": f"0.1.{n}",
        "url": "https://github.com/nimbus/desktop/releases/tag/x", "code_name": "Cirrus",
        "assets": [{"name": "a.dmg", "url": "https://downloads.example/a.dmg", "platform": "darwin-aarch64",
                    "signature": "sig", "size": 123}],
    }
    response = server.admin("POST", f"{API}/releases", json=body)
    assert response.status_code == 201, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    expected = dict(body, published_at="2001-02-03T03:05:06Z", status="published", prerelease=False, channel="stable")
    assert plain(response.json()) == expected
    location = response.headers["Location"]
    assert location == f"{API}/components/desktop/releases/0.1.{n}"
    assert server.get(location).json() == response.json()


@pytest.mark.parametrize("version,prerelease", [
    ("1.{n}.0-rc.1", True), ("v3.{n}.0-beta2", True), ("spring-{n}", False), ("1.{n}.0", False),
    ("2.{n}.0+build.7", False), ("v4.{n}", False),
])
def test_prerelease_default(server, version, prerelease):
    n = 1000 + unique()
    response = server.admin("POST", f"{API}/releases", json={"component": "web", "version": version.format(n=n), "status": "draft"})
    assert response.status_code == 201, response.text
    assert response.json()["prerelease"] is prerelease
    for flag in (True, False):
        explicit = server.admin("POST", f"{API}/releases", json={
            "component": "web", "version": version.format(n=n) + f"-{flag}", "status": "draft", "prerelease": flag})
        assert explicit.status_code == 201 and explicit.json()["prerelease"] is flag


def test_versions_that_need_percent_encoding(server):
    for version in (f"2.0.0+build.{unique()}", f"naïve-{unique()}", f"a;b=c,d:{unique()}", f"100%-{unique()}", f"x?y#{unique()}"):
        created = server.admin("POST", f"{API}/releases", json={"component": "web", "version": version, "status": "draft"})
        assert created.status_code == 201, (version, created.text)
        location = created.headers["Location"]
        fetched = server.get(location, server.store.keys["read"])
        assert fetched.status_code == 200, (version, location, fetched.text)
        assert fetched.json()["version"] == version
        assert server.admin("DELETE", release_path("web", version)).status_code == 204


def test_create_release_conflict(server):
    release = scratch_release(server)
    assert_error(server.admin("POST", f"{API}/releases", json={"component": release["component"], "version": release["version"], "status": "draft"}),
                 409, "conflict")
    assert_error(server.admin("POST", f"{API}/releases", json={"component": "api", "version": "v1.10.2", "published_at": "2026-01-01T00:00:00Z"}),
                 409, "conflict")


@pytest.mark.parametrize("body,field", [
    ({"component": "nope", "version": "1.0.0", "status": "draft"}, "component"),
    ({"version": "1.0.0", "status": "draft"}, "component"),
    ({"component": "api", "status": "draft"}, "version"),
    ({"component": "api", "version": "9.9.9"}, "published_at"),
    ({"component": "api", "version": "9.9.9", "status": "published", "published_at": None}, "published_at"),
    ({"component": "api", "version": "9.9.9", "status": "draft", "extra": 1}, "extra"),
    ({"component": "api", "version": "9.9.9", "status": "gone"}, "status"),
    ({"component": "api", "version": 9, "status": "draft"}, "version"),
    ({"component": ["api"], "version": "9.9.9", "status": "draft"}, "component"),
    ({"component": "api", "version": "9.9.9", "status": "draft", "prerelease": "yes"}, "prerelease"),
    ({"component": "api", "version": "9.9.9", "status": "draft", "title": {"a": 1}}, "title"),
    ({"component": "api", "version": "9.9.9", "status": "draft", "assets": {}}, "assets"),
    ({"component": "api", "version": "9.9.9", "status": "draft", "assets": [{"size": -1}]}, "assets[0].size"),
    ({"component": "api", "version": "9.9.9", "status": "draft", "assets": [{"size": 1.5}]}, "assets[0].size"),
    ({"component": "api", "version": "9.9.9", "status": "draft", "assets": [{"url": "javascript:alert(1)"}]}, "assets[0].url"),
    ({"component": "api", "version": "9.9.9", "status": "draft", "assets": [{"nmae": "x"}]}, "assets[0].nmae"),
    ({"component": "api", "version": "9.9.9", "status": "draft", "url": "not a url"}, "url"),
    ({"component": "api", "version": "9.9.9", "published_at": "yesterday"}, "published_at"),
    ({"component": "api", "version": "9.9.9", "published_at": "2024-02-30T00:00:00Z"}, "published_at"),
    ({"component": "Bad", "version": "9.9.9", "status": "draft"}, "component"),
    ({"component": "api", "version": "a/b", "status": "draft"}, "version"),
    ({"component": "api", "version": "..", "status": "draft"}, "version"),
    ({"component": "api", "version": "with space", "status": "draft"}, "version"),
    ({"component": "api", "version": "x" * 101, "status": "draft"}, "version"),
    ({"component": "api", "version": "", "status": "draft"}, "version"),
    ({"component": "api", "version": "latest.json", "status": "draft"}, "version"),
])
def test_create_release_invalid(server, body, field):
    assert_error(server.admin("POST", f"{API}/releases", json=body), 400, "invalid_request", field)


@pytest.mark.parametrize("stamp", ["0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_timestamps_outside_four_digit_years(server, stamp):
    response = server.admin("POST", f"{API}/releases", json={"component": "cli", "version": f"0.0.{unique()}",
                                                             "status": "draft", "published_at": stamp})
    if response.status_code == 201:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", response.json()["published_at"]), response.text
    else:
        assert_error(response, 400, "invalid_request", "published_at")


def test_nul_in_strings_is_refused(server):
    # JSON allows \u0000, but no text field can hold it: refused whole, never stored cut.
    body = b'{"component": "cli", "version": "0.0.%d", "status": "draft", "title": "before\\u0000after"}' % unique()
    response = server.admin("POST", f"{API}/releases", data=body)
    error = assert_error(response, 400, "invalid_json")
    assert "NUL" in error["message"]


def test_create_release_reports_every_problem(server):
    body = {"component": "Bad", "version": "a/b", "status": "draft", "prerelease": 1, "typo": True}
    error = assert_error(server.admin("POST", f"{API}/releases", json=body), 400, "invalid_request")
    assert {"component", "version", "prerelease", "typo"} <= {cause["field"] for cause in error["causes"]}


@pytest.mark.parametrize("body", [b"[]", b'"release"', b"42", b"null", b"true"])
def test_create_release_body_not_an_object(server, body):
    error = assert_error(server.admin("POST", f"{API}/releases", data=body, headers={"Content-Type": "application/json"}), 400)
    assert error["error"] in ("invalid_request", "invalid_json")


def test_get_release(server):
    response = server.get(f"{API}/components/api/releases/v1.10.2")
    assert response.status_code == 200
    body = response.json()
    assert body["component"] == "api" and body["version"] == "v1.10.2" and body["status"] == "published"
    assert body["prerelease"] is False


def test_get_release_not_found(server):
    assert_error(server.get(f"{API}/components/api/releases/v0.0.0-none"), 404, "not_found")
    assert_error(server.get(f"{API}/components/nope/releases/1.0.0"), 404, "not_found")


def test_get_draft_needs_a_key(server, store):
    # Without a key a draft is not there at all (SPEC §6.2: drafts cannot be probed).
    assert_error(server.get(f"{API}/components/web/releases/3.8.0"), 404, "not_found")
    assert server.get(f"{API}/components/web/releases/3.8.0", store.keys["read"]).json()["status"] == "draft"


def test_patch_release_merges(server):
    release = scratch_release(server, title="Old", code_name="Nimbus", author="ada")
    path = release_path(release["component"], release["version"])
    response = server.admin("PATCH", path, json={"title": "New", "code_name": None, "notes": "Hello",
                                                 "component": release["component"], "version": release["version"]})
    assert response.status_code == 200, response.text
    expected = {"component": release["component"], "version": release["version"], "title": "New", "author": "ada",
                "notes": "Hello", "status": "draft", "prerelease": False, "channel": "stable"}
    assert plain(response.json()) == expected
    assert server.get(path, server.store.keys["read"]).json() == response.json()
    # An empty patch changes nothing.
    assert server.admin("PATCH", path, json={}).json() == response.json()


def test_patch_release_identity_cannot_change(server):
    release = scratch_release(server)
    path = release_path(release["component"], release["version"])
    assert_error(server.admin("PATCH", path, json={"version": "1.0.0"}), 400, "invalid_request", "version")
    assert_error(server.admin("PATCH", path, json={"component": "api"}), 400, "invalid_request", "component")


@pytest.mark.parametrize("patch,field", [
    ({"status": "published"}, "published_at"),  # a published release needs a date
    ({"title": 5}, "title"),
    ({"published_at": "soon"}, "published_at"),
    ({"typo": 1}, "typo"),
    ({"assets": [{"url": "file:///etc/passwd"}]}, "assets[0].url"),
])
def test_patch_release_invalid(server, patch, field):
    release = scratch_release(server)
    assert_error(server.admin("PATCH", release_path(release["component"], release["version"]), json=patch),
                 400, "invalid_request", field)


def test_patch_published_release_cannot_lose_its_date(server):
    release = scratch_release(server, status="published")
    path = release_path(release["component"], release["version"])
    assert_error(server.admin("PATCH", path, json={"published_at": None}), 400, "invalid_request", "published_at")


def test_patch_release_not_found_and_not_an_object(server):
    assert_error(server.admin("PATCH", f"{API}/components/api/releases/none-{unique()}", json={"title": "x"}), 404, "not_found")
    release = scratch_release(server)
    assert_error(server.admin("PATCH", release_path(release["component"], release["version"]), json=[1]), 400, "invalid_request", "body")


def test_delete_release(server):
    release = scratch_release(server)
    path = release_path(release["component"], release["version"])
    response = server.admin("DELETE", path)
    assert response.status_code == 204 and response.content == b""
    assert_error(server.get(path, server.store.keys["read"]), 404, "not_found")
    assert_error(server.admin("DELETE", path), 404, "not_found")


@pytest.mark.parametrize("component,version,referrer", [
    ("api", "v1.10.2", "group"),        # member of groups 2026.1 and 2026.2
    ("api", "v1.10.1", "deployment"),   # deployed to production
    ("desktop", "1.2.0", "site"),       # attached to the customer site initech
])
def test_delete_referenced_release_conflicts(server, component, version, referrer):
    body = assert_error(server.admin("DELETE", release_path(component, version)), 409, "conflict")
    assert referrer in body["message"]
    assert server.get(release_path(component, version)).status_code == 200


def test_publish_and_yank(server):
    release = scratch_release(server)
    assert "published_at" not in release
    path = release_path(release["component"], release["version"])
    before = time.time()
    published = server.admin("POST", path + "/publish")
    assert published.status_code == 200, published.text
    body = published.json()
    assert body["status"] == "published"
    stamp = calendar.timegm(time.strptime(body["published_at"], "%Y-%m-%dT%H:%M:%SZ"))
    assert before - 5 <= stamp <= time.time() + 5
    # Anonymous callers see it now.
    assert server.get(path).json() == body
    yanked = server.admin("POST", path + "/yank")
    assert yanked.status_code == 200
    assert yanked.json() == dict(body, status="yanked")  # the date stays
    assert server.get(path).json()["status"] == "yanked"
    republished = server.admin("POST", path + "/publish")
    assert republished.json() == body


def test_publish_keeps_an_existing_date(server):
    release = scratch_release(server, published_at="2002-02-02T02:02:02Z")
    published = server.admin("POST", release_path(release["component"], release["version"]) + "/publish").json()
    assert published["published_at"] == "2002-02-02T02:02:02Z"


def test_publish_unknown_release(server):
    assert_error(server.admin("POST", f"{API}/components/api/releases/none-{unique()}/publish"), 404, "not_found")
    assert_error(server.admin("POST", f"{API}/components/api/releases/none-{unique()}/yank"), 404, "not_found")


def test_write_key_may_change_releases_but_not_components(server, store):
    write = store.keys["write"]
    created = server.request("POST", f"{API}/releases", write, json={"component": "cli", "version": f"0.0.{unique()}", "status": "draft"})
    assert created.status_code == 201
    assert_error(server.request("PUT", f"{API}/components/cli", write, json={"name": "x"}), 403, "forbidden")
    assert_error(server.request("POST", f"{API}/groups", write, json={"version": "3000.1"}), 403, "forbidden")


# MARK: - Groups


def test_list_groups(pristine):
    body = pristine.get(f"{API}/groups").json()
    assert body == listing(DATA["groups"])


def test_create_group(server):
    version = f"2098.{unique()}"
    body = {"version": version, "title": "Big one", "published_at": "2026-06-01T00:00:00Z", "notes": "Hi",
            "members": {"api": "v1.10.2", "web": "3.7.0"}}
    response = server.admin("POST", f"{API}/groups", json=body)
    assert response.status_code == 201, response.text
    assert response.json() == body
    assert body in server.get(f"{API}/groups").json()["items"]
    assert_error(server.admin("POST", f"{API}/groups", json=body), 409, "conflict")


def test_create_group_without_members(server):
    response = server.admin("POST", f"{API}/groups", json={"version": f"2097.{unique()}"})
    assert response.status_code == 201, response.text
    assert response.json()["members"] == {}


@pytest.mark.parametrize("body,field", [
    ({"title": "no version"}, "version"),
    ({"version": "a/b"}, "version"),
    ({"version": "2096.1", "members": {"api": "v0.0.0-none"}}, None),
    ({"version": "2096.2", "members": {"nope": "1.0.0"}}, None),
    ({"version": "2096.3", "members": {"Bad Slug": "1.0.0"}}, None),
    ({"version": "2096.4", "members": {"api": 1}}, "members.api"),
    ({"version": "2096.5", "members": ["api"]}, "members"),
    ({"version": "2096.6", "typo": 1}, "typo"),
    ({"version": "2096.7", "published_at": "nope"}, "published_at"),
])
def test_create_group_invalid(server, body, field):
    assert_error(server.admin("POST", f"{API}/groups", json=body), 400, "invalid_request", field)


# MARK: - Hostile requests


def raw_request(server, data, timeout=10):
    """Sends bytes as they are and returns (status, headers text, body bytes)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as connection:
        connection.sendall(data)
        answer = b""
        while True:
            try:
                chunk = connection.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else None
    return status, head.decode("latin-1"), body


def post_bytes(server, path, body, key=None, chunk=1 << 16):
    """POSTs a body with http.client, tolerating a server that answers before reading it all."""
    return send_bytes(server, "POST", path, body, key, chunk=chunk)


def send_bytes(server, method, path, body, key=None, content_type="application/json", source=None, chunk=1 << 16):
    """Sends a body with http.client (from the loopback address `source`, if given), tolerating a
    server that answers before reading it all: (status, headers, content)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30,
                                            source_address=(source, 0) if source else None)
    connection.putrequest(method, path)
    connection.putheader("Content-Type", content_type)
    connection.putheader("Content-Length", str(len(body)))
    if key:
        connection.putheader("Authorization", f"Bearer {key}")
    connection.endheaders()
    try:
        for start in range(0, len(body), chunk):
            connection.send(body[start:start + chunk])
    except (BrokenPipeError, ConnectionResetError):
        pass
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), content


def assert_json_error_bytes(status, headers, content, expected):
    assert status == expected, (status, content[:300])
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    assert content_type.startswith("application/json"), headers
    body = json.loads(content)
    assert body["status"] == expected and body["error"] and body["message"]
    return body


@pytest.mark.parametrize("body", [
    b"{", b"{bad}", b'{"component": "api",}', b"[1, 2", b"nul", b"\"unterminated", b'{"a": 01}', b"{} {}",
    b'{"a": "\\x"}', b'{"a": "\\ud800"}', b"\x00", b"\xef\xbb\xbf{}", b"NaN", b"1e99999",
])
def test_malformed_json(healthy, store, body):
    status, headers, content = post_bytes(healthy, f"{API}/releases", body, store.keys["admin"])
    error = assert_json_error_bytes(status, headers, content, 400)
    assert error["error"] in ("invalid_json", "invalid_request")


def test_empty_body(healthy, store):
    status, headers, content = post_bytes(healthy, f"{API}/releases", b"", store.keys["admin"])
    assert assert_json_error_bytes(status, headers, content, 400)["error"] == "invalid_json"


@pytest.mark.parametrize("body", [
    b'{"component": "api", "version": "\xff\xfe", "status": "draft"}',
    b'{"component": "api", "version": "\xc0\xaf", "status": "draft"}',  # overlong "/"
    b'{"component": "api", "version": "\xed\xa0\x80", "status": "draft"}',  # a surrogate in UTF-8
    b'{"\xff": 1}',
])
def test_invalid_utf8_body(healthy, store, body):
    status, headers, content = post_bytes(healthy, f"{API}/releases", body, store.keys["admin"])
    assert assert_json_error_bytes(status, headers, content, 400)["error"] == "invalid_json"


@pytest.mark.parametrize("opening,closing", [(b"[", b"]"), (b'{"a":', b"}")])
def test_deep_nesting(healthy, store, opening, closing):
    body = opening * 10_000 + b"1" + closing * 10_000
    status, headers, content = post_bytes(healthy, f"{API}/releases", body, store.keys["admin"])
    assert assert_json_error_bytes(status, headers, content, 400)["error"] == "invalid_json"


def test_nesting_within_the_limit_is_parsed(healthy, store):
    body = json.dumps({"component": "api", "version": "1", "status": "draft", "title": [[[[1]]]]}).encode()
    status, headers, content = post_bytes(healthy, f"{API}/releases", body, store.keys["admin"])
    error = assert_json_error_bytes(status, headers, content, 400)
    assert error["error"] == "invalid_request" and error["causes"][0]["field"] == "title"


def json_body_of_size(size):
    """A JSON object of exactly `size` bytes: {"title": "aaa…"} padded with spaces."""
    body = b'{"title": "' + b"a" * (size - 14) + b'"}'
    return body + b" " * (size - len(body))


@pytest.mark.parametrize("size", [(1 << 20) + 1, 20 << 20])
def test_body_too_large(healthy, store, size):
    body = json_body_of_size(size)
    assert len(body) == size
    status, headers, content = post_bytes(healthy, f"{API}/releases", body, store.keys["admin"])
    assert assert_json_error_bytes(status, headers, content, 413)["error"] == "body_too_large"


def test_body_of_exactly_one_mebibyte_is_read(healthy, store):
    body = json_body_of_size(1 << 20)
    assert len(body) == 1 << 20
    status, headers, content = post_bytes(healthy, f"{API}/releases", body, store.keys["admin"])
    assert assert_json_error_bytes(status, headers, content, 400)["error"] == "invalid_request"  # read, then refused


@pytest.mark.parametrize("method,path", [
    ("GET", "/nope"),
    ("GET", "/api"),
    ("GET", "/api/v1"),
    ("GET", "/api/v1/pages"),
    ("GET", "/api/v2/pages/nimbus"),
    ("GET", f"{API}/nope"),
    ("GET", f"{API}/components"),
    ("GET", f"{API}/components/api"),
    ("GET", f"{API}/components/api/releases"),
    ("POST", f"{API}/components/api/releases/v1.10.2/unpublish"),
    ("GET", "/v1/pages/nimbus"),
    ("GET", f"{API}/no-such-collection/1"),
    ("GET", "/v1/pages/nimbus/version/extra"),
    ("DELETE", f"{API}/groups"),
    ("PUT", f"{API}/releases"),
    ("DELETE", "/health"),
    ("POST", VERSION),
])
def test_unknown_routes(healthy, store, method, path):
    response = healthy.request(method, path, store.keys["admin"])
    assert response.status_code in (404, 405)
    (assert_page_error if path.startswith("/v1/") else assert_error)(response, response.status_code)


@pytest.mark.parametrize("path,expected", [
    (f"{API}/components/api/releases/..", 400),
    (f"{API}/components/api/releases/.", 400),
    (f"{API}/components/api/releases/%2E%2E", 400),
    (f"{API}/components/api/releases/..%2F..%2F..%2Fetc%2Fpasswd", 400),
    (f"{API}/components/api/releases/a%2Fb", 400),
    (f"{API}/components/api/releases/a%5Cb", 400),
    (f"{API}/components/api/releases/a%00b", 400),
    (f"{API}/components/api/releases/%ff%fe", 400),
    (f"{API}/components/api/releases/%", 400),
    (f"{API}/components/..%2Fweb/releases/3.7.0", 400),
    (f"{API}/components/%2e%2e/releases/1", 400),
    ("/api/v1/pages/..%2Fnimbus", 404),
    ("/api/v1/pages/%2e%2e", 404),
    ("/api/v1/pages/nimbus%2F..", 404),
    ("/v1/pages/..%2F..%2Fetc%2Fpasswd/version", 404),
    (f"{API}/components/api/../web/releases/3.7.0", None),
    ("/api/v1/pages/nimbus/../nimbus", None),
    ("/../../../../etc/passwd", 404),
    ("/%2e%2e/%2e%2e/etc/passwd", 404),
])
def test_dot_segments_and_encoded_slashes(healthy, store, path, expected):
    """Sent byte for byte (no client-side normalisation): a JSON 4xx, never a file or a 5xx."""
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: {store.keys['read']}\r\nConnection: close\r\n\r\n"
    status, head, body = raw_request(healthy, request.encode())
    assert b"root:" not in body
    assert status is not None and 400 <= status < 500, (status, body[:200])
    if expected is not None:
        assert status == expected, body[:300]
    assert "application/json" in head.lower()
    if path.startswith("/v1/"):  # ReleasePage's dialect (SPEC §7)
        assert json.loads(body)["error"] == "not-found"
    else:
        assert json.loads(body)["status"] == status


def test_invalid_utf8_in_path(healthy, store):
    request = b"GET " + API.encode() + b"/components/api/releases/\xff\xfe HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    status, head, body = raw_request(healthy, request)
    assert status == 400, (status, head)


def test_invalid_utf8_in_path_answers_json(healthy):
    request = b"GET " + API.encode() + b"/components/api/releases/\xff\xfe HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    status, head, body = raw_request(healthy, request)
    assert "application/json" in head.lower() and json.loads(body)["status"] == 400


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 100_000 + b"\r\n\r\n",
    b"POST " + API.encode() + b"/releases HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
])
def test_broken_http(healthy, request_bytes):
    status, head, body = raw_request(healthy, request_bytes, timeout=5)
    assert status is None or 400 <= status < 500 or status == 431, (status, head)
    if status == 400:
        # What the HTTP parser refuses is answered in the API's error shape too.
        assert "application/json" in head.lower() and json.loads(body)["error"] == "malformed_http", (head, body)


def test_wrong_content_type_is_still_json(server, store):
    """The body is read as JSON whatever Content-Type says (clients often send none)."""
    response = server.request("POST", f"{API}/releases", store.keys["admin"],
                              data=json.dumps({"component": "cli", "version": f"0.0.{unique()}", "status": "draft"}),
                              headers={"Content-Type": "text/plain"})
    assert response.status_code == 201


def test_many_bad_requests_then_healthy(healthy, store):
    for _ in range(50):
        healthy.request("POST", f"{API}/releases", store.keys["admin"], data=b"{")
        healthy.get(f"{API}/components/%ff/releases/x")
    assert healthy.get(VERSION).status_code == 200


# MARK: - Rate limits


def rate_limit_headers(response):
    return {name: int(response.headers[name]) for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")}


def test_rate_limit(limited):
    answers = [limited.get(VERSION) for _ in range(3)]
    for index, response in enumerate(answers):
        assert response.status_code == 200
        headers = rate_limit_headers(response)
        assert headers["X-RateLimit-Limit"] == 3
        assert headers["X-RateLimit-Remaining"] == 2 - index
        assert 0 < headers["X-RateLimit-Reset"] - time.time() <= 61
    refused = limited.get(VERSION)
    body = assert_page_error(refused, 429, "rate-limited")
    assert "3" in body["error_description"]
    retry = int(refused.headers["Retry-After"])
    assert 1 <= retry <= 60
    headers = rate_limit_headers(refused)
    assert headers["X-RateLimit-Limit"] == 3 and headers["X-RateLimit-Remaining"] == 0
    assert abs(headers["X-RateLimit-Reset"] - (time.time() + retry)) <= 2
    # Every route counts against the same budget.
    assert limited.get(f"{API}/releases").status_code == 429
    # Load balancers' probes are never limited (SPEC §6.2).
    assert limited.get("/health").status_code == 200


def test_rate_limit_is_per_key(limited):
    for _ in range(4):
        limited.get(VERSION)
    assert limited.get(VERSION).status_code == 429  # anonymous budget used up
    read, write = limited.store.keys["read"], limited.store.keys["write"]
    for index in range(3):
        response = limited.get(VERSION, read)
        assert response.status_code == 200 and rate_limit_headers(response)["X-RateLimit-Remaining"] == 2 - index
    assert_page_error(limited.get(VERSION, read), 429, "rate-limited")
    assert limited.get(VERSION, write).status_code == 200  # another key, another budget
    assert limited.get(VERSION, read, how="query").status_code == 429  # the same key, however it is sent


def test_rate_limit_headers_on_every_route(limited):
    for path in (API, f"{API}/releases"):
        response = limited.get(path)
        assert response.status_code == 200
        assert rate_limit_headers(response)["X-RateLimit-Limit"] == 3


def test_rate_limit_headers_on_errors(limited):
    response = limited.get(f"{API}/components/api/releases/none")
    assert response.status_code == 404
    assert rate_limit_headers(response)["X-RateLimit-Limit"] == 3


def test_no_rate_limit_headers_when_off(server):
    response = server.get(VERSION)
    assert "X-RateLimit-Limit" not in response.headers


# MARK: - The process: shutdown, logs, changes by other processes


def test_graceful_shutdown(tmp_path):
    running = Server(Store(tmp_path / "shutdown"))
    assert running.get("/health").status_code == 200
    start = time.monotonic()
    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait(timeout=10) == 0
    assert time.monotonic() - start < 5
    with pytest.raises(requests.ConnectionError):
        requests.get(running.url("/health"), timeout=2)
    running.stop()


def test_sigint_also_stops(tmp_path):
    running = Server(Store(tmp_path / "sigint"))
    running.process.send_signal(signal.SIGINT)
    assert running.process.wait(timeout=10) == 0
    running.stop()


def test_log_line_per_request_without_keys(fresh):
    key = fresh.store.keys["admin"]
    fresh.get(f"{API}/releases", key, how="query", params={"limit": 2})
    fresh.get(f"{API}/releases", "sk_wrong_secret_in_query", how="query")
    fresh.get(f"{API}/components/api/releases/none", key)
    fresh.request("POST", f"{API}/releases", key, how="query", json={"component": "cli", "version": "0.0.1", "status": "draft"})

    def lines():
        return [LOG_LINE.search(line) for line in fresh.log().splitlines() if LOG_LINE.search(line)]

    wait_for(lambda: len(lines()) >= 4)
    seen = [(m.group(1), m.group(2), int(m.group(3))) for m in lines()]
    assert ("GET", f"{API}/releases", 200) in seen
    assert ("GET", f"{API}/releases", 401) in seen
    assert ("GET", f"{API}/components/api/releases/none", 404) in seen
    assert ("POST", f"{API}/releases", 201) in seen
    assert all(float(m.group(4)) >= 0 for m in lines())
    log = fresh.log()
    assert key not in log and "sk_wrong_secret_in_query" not in log and "access_token" not in log
    for scope in ("read", "write", "other", "secret"):
        assert fresh.store.keys[scope] not in log


def test_changes_by_other_processes_show_up(fresh):
    """`shiplog import` into the store while the server runs: visible within about 2 s."""
    key = fresh.store.keys["read"]
    path = f"{API}/components/cli/releases/v1.2.0"
    assert fresh.get(path, key).status_code == 404
    etag = fresh.get(VERSION).headers["ETag"]
    data = copy.deepcopy(DATA)
    data["releases"].append({"component": "cli", "version": "v1.2.0", "published_at": "2026-11-01T12:00:00Z",
                             "author": "lee.chen", "title": "Imported"})
    changed = fresh.store.directory / "changed.json"
    changed.write_text(json.dumps(data), encoding="utf-8")
    cli("import", "--db", fresh.store.db, changed)
    took = wait_for(lambda: fresh.get(path, key).status_code == 200, timeout=3)
    assert took < 3
    assert fresh.get(path).json()["title"] == "Imported"
    version = fresh.get(VERSION, headers={"If-None-Match": etag})
    assert version.status_code == 200
    assert {"repo": "nimbus/cli", "version": "v1.2.0", "author": "lee.chen", "published_at": "2026-11-01T12:00:00Z",
            "name": "nimbus CLI"} in version.json()["latest"]


def test_revoked_key_stops_working(fresh):
    key = fresh.store.keys["write"]
    assert fresh.get(f"{API}/releases", key, params={"status": "draft"}).status_code == 200  # cached now
    listed = cli("keys", "list", "--db", fresh.store.db, "--page", PAGE).stdout
    assert fresh.store.key_ids["write"] in listed and key not in listed
    cli("keys", "revoke", "--db", fresh.store.db, fresh.store.key_ids["write"])
    took = wait_for(lambda: fresh.get(f"{API}/releases", key).status_code == 401, timeout=3)
    assert took < 3
    assert_error(fresh.get(f"{API}/releases", key), 401, "unauthorized")
    assert fresh.get(f"{API}/releases", fresh.store.keys["read"]).status_code == 200  # the others still work


def test_new_key_works_at_once(fresh):
    key, _ = create_key(fresh.store.db, PAGE, "read")
    wait_for(lambda: fresh.get(f"{API}/releases", key, params={"status": "draft"}).status_code == 200, timeout=3)


# MARK: - With the static site


def test_site_is_served_and_not_escaped(tmp_path):
    store = Store(tmp_path / "site-store")
    running = Server(store, "--site", tmp_path / "public", "--page", PAGE, "--rate-limit", "0")
    try:
        index = running.get("/")
        assert index.status_code == 200 and "text/html" in index.headers["Content-Type"]
        assert running.get("/version.json").json() == expected_version_document()
        for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/components/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
                     "/..%2F..%2F..%2F..%2Fetc%2Fpasswd", "/components/api/../../../../../etc/passwd"):
            status, head, body = raw_request(running, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            assert b"root:" not in body, path
            assert status is not None and 400 <= status < 500, (path, status)
        # An API change rebuilds the page.
        created = running.admin("POST", f"{API}/releases", json={
            "component": "cli", "version": "v1.3.0", "published_at": "2026-11-05T00:00:00Z", "title": "Site check"})
        assert created.status_code == 201
        wait_for(lambda: any(e["version"] == "v1.3.0" for e in running.get("/version.json").json()["latest"]), timeout=10)
        assert running.get("/components/cli/v1.3.0/").status_code == 200
        # API routes still answer JSON, not files.
        assert_error(running.get(f"{API}/nope"), 404, "not_found")
    finally:
        assert running.stop() == 0
