"""Query parameters on the native API's routes that are not lists (SPEC §6.1: "A query parameter a
route does not know → 400 naming it (never silently ignored)"), through the real `shiplog serve`:
reads of one thing and every write refuse any but `access_token`, and such a write changes nothing.
The lists are checked in test_lists_sites.py. Stores, keys and servers are those of `test_api.py`.

    python3 -m pytest -q Tests/api/test_query_rules.py
"""
import pytest

from test_api import API, assert_auth_error, assert_error, release_path, scratch_release, unique


def _draft(server):
    release = scratch_release(server)
    return release_path(release["component"], release["version"])


def _draft_by_id(server):
    return f"{API}/releases/{scratch_release(server)['id']}"


def _deployment(server):
    return f"{API}/deployments/{server.get(f'{API}/deployments', params={'limit': 1}).json()['items'][0]['id']}"


def _site(server):
    slug = f"query-{unique()}"
    assert server.admin("PUT", f"{API}/sites/{slug}", json={"name": "Query"}).status_code == 201
    return f"{API}/sites/{slug}"


# name → (method, path or path factory, body or None)
ROUTES = {
    "get page": ("GET", API, None),
    "get release": ("GET", f"{API}/components/api/releases/v1.10.2", None),
    "get release by id": ("GET", _draft_by_id, None),
    "put component": ("PUT", f"{API}/components/api", {"name": "Nimbus API"}),
    "create release": ("POST", f"{API}/releases", {"component": "cli", "version": "0.0.999", "status": "draft"}),
    "patch release": ("PATCH", _draft, {"title": "Changed"}),
    "patch release by id": ("PATCH", _draft_by_id, {"title": "Changed"}),
    "delete release": ("DELETE", _draft, None),
    "delete release by id": ("DELETE", _draft_by_id, None),
    "publish": ("POST", lambda s: _draft(s) + "/publish", None),
    "yank": ("POST", lambda s: _draft(s) + "/yank", None),
    "activate": ("POST", f"{API}/components/api/releases/v1.10.2/activate", None),
    "clear active": ("DELETE", f"{API}/components/api/active", None),
    "create group": ("POST", f"{API}/groups", {"version": "2099.999", "members": {"api": "v1.10.2"}}),
    "create environment": ("POST", f"{API}/environments", {"name": "query-env"}),
    "freeze environment": ("PATCH", f"{API}/environments/staging", {"frozen": False}),
    "record deployment": ("POST", f"{API}/environments/staging/deployments", {"component": "api", "version": "v1.10.2", "status": "success"}),
    "update deployment": ("PATCH", f"{API}/environments/staging/deployments", {"component": "api", "version": "v1.10.2", "status": "success"}),
    "rollback": ("POST", f"{API}/environments/staging/rollback", {"component": "api", "force": True}),
    "patch deployment": ("PATCH", _deployment, {"status": "success"}),
    "delete deployment": ("DELETE", _deployment, None),
    "create site": ("POST", f"{API}/sites", {"slug": "query-site", "name": "Query"}),
    "put site": ("PUT", _site, {"name": "Renamed"}),
    "patch site": ("PATCH", _site, {"name": "Renamed"}),
    "delete site": ("DELETE", _site, None),
    "attach release": ("PUT", lambda s: _site(s) + "/releases/api/v1.10.2", None),
    "detach release": ("DELETE", lambda s: _site(s) + "/releases/api/v1.10.2", None),
    "create webhook": ("POST", f"{API}/webhooks", {"url": "https://hooks.example/x", "secret": "a-secret-of-enough-length"}),
    "delete webhook": ("DELETE", f"{API}/webhooks/0123456789abcdef", None),
}


def _path(server, path):
    return path(server) if callable(path) else path


@pytest.mark.parametrize("name", list(ROUTES))
def test_unknown_query_parameters_are_refused(server, name):
    method, path, body = ROUTES[name]
    path = _path(server, path)
    before = server.admin("GET", path).text if method != "GET" and "/releases/" in path else None
    response = server.admin(method, path, params={"dry_run": "1", "force": "true"}, json=body)
    assert_error(response, 400, "invalid_request", "dry_run")
    causes = response.json()["causes"]
    assert {"field": "dry_run", "error": "unknown query parameter"} in causes
    assert {"field": "force", "error": "unknown query parameter"} in causes
    if before is not None:
        assert server.admin("GET", path).text == before, "a refused write changed nothing"


def test_a_refused_create_creates_nothing(server):
    body = {"component": "cli", "version": f"0.0.{unique()}", "status": "draft"}
    assert server.admin("POST", f"{API}/releases", params={"notify": "0"}, json=body).status_code == 400
    assert server.admin("GET", release_path("cli", body["version"])).status_code == 404


@pytest.mark.parametrize("name", ["get page", "get release", "create release", "delete webhook"])
def test_access_token_is_known_everywhere(server, store, name):
    method, path, body = ROUTES[name]
    if name == "create release":
        body = dict(body, version=f"0.0.{unique()}")
    response = server.request(method, _path(server, path), store.keys["admin"], how="query", json=body)
    assert response.status_code in (200, 201, 404), response.text
    assert response.status_code != 404 or name == "delete webhook"


@pytest.mark.parametrize("caller,status", [("none", 401), ("wrong", 401), ("other", 404), ("read", 403)])
def test_the_key_is_judged_before_the_query(server, store, caller, status):
    body = {"component": "cli", "version": f"0.0.{unique()}", "status": "draft"}
    response = server.request("POST", f"{API}/releases", store.keys[caller], params={"dry_run": "1"}, json=body)
    assert_auth_error(response, status)


@pytest.mark.parametrize("path,name", [
    (f"{API}/releases?limit=1&limit=2", "limit"),
    (f"{API}/releases?component=api&component=web", "component"),
    (f"{API}/deployments?status=success&status=failure", "status"),
    (f"{API}/groups?cursor=a&cursor=b", "cursor"),
])
def test_a_known_parameter_given_twice_is_refused(server, path, name):
    response = server.admin("GET", path)
    assert_error(response, 400, "invalid_request", name)
    assert response.json()["causes"] == [{"field": name, "error": "given more than once"}]


@pytest.mark.parametrize("limit", ["+5", "%2B5", "05x", "0x10", "1e2"])
def test_limit_is_digits_only(server, limit):
    assert_error(server.admin("GET", f"{API}/releases?limit={limit}"), 400, "invalid_request", "limit")
    assert server.admin("GET", f"{API}/releases?limit=05").status_code == 200
