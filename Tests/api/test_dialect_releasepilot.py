"""Release Pilot's dialect (SPEC §7, seed 000_…) at `/releasepilot/api/v1` through the real
`shiplog serve`: every route of the seed, the `{data, message, status}` envelope, `{error, status}`
errors, keys (`Authorization: Bearer KEY` and the native forms), `skip`/`size` pages, rate-limit
headers, and that what it writes is what the native API reads.

    python3 -m pytest -q Tests/api/test_dialect_releasepilot.py
"""
import itertools

import pytest

from test_api import API, CALLERS

BASE = "/releasepilot/api/v1/projects/nimbus"
SECRET = "/releasepilot/api/v1/projects/secret"
_unique = itertools.count(1)


def unique():
    return next(_unique)


def ok(response, status=200):
    """The envelope of every answer: {data, message: "Success", status}; returns data."""
    assert response.status_code == status, f"{response.status_code} {response.text[:500]}"
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"data", "message", "status"}, body
    assert body["message"] == "Success" and body["status"] == status, body
    return body["data"]


def error(response, status, *words):
    """An error: {error: sentence, status}, the sentence naming `words`."""
    assert response.status_code == status, f"{response.status_code} {response.text[:500]}"
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "status"}, body
    assert body["status"] == status and isinstance(body["error"], str) and body["error"][:1].isupper(), body
    for word in words:
        assert word in body["error"], body
    return body["error"]


def release_id(server, component, version):
    return server.admin("GET", f"{API}/components/{component}/releases/{version}").json()["id"]


def new_release(server, component="cli", status="published"):
    version = f"9.{unique()}.0"
    body = {"version": version, "status": status, "published_at": "2026-01-01T00:00:00Z", "title": "Pilot"}
    return ok(server.admin("POST", f"{BASE}/products/{component}/releases", json=body), 201)


# MARK: - Releases


def test_list_releases(server, store):
    data = ok(server.get(f"{BASE}/products/api/releases", store.keys["read"]))
    native = server.get(f"{API}/releases", store.keys["read"], params={"component": "api"}).json()["items"]
    assert data == native
    assert all(item["component"] == "api" and "id" in item and "created_at" in item for item in data)


def test_list_releases_pages_with_skip_and_size(server, store):
    everything = ok(server.get(f"{BASE}/products/api/releases", store.keys["read"]))
    assert len(everything) >= 4
    page = ok(server.get(f"{BASE}/products/api/releases", store.keys["read"], params={"skip": 1, "size": 2}))
    assert page == everything[1:3]
    assert ok(server.get(f"{BASE}/products/api/releases", params={"skip": 1000})) == []
    for name, value in (("size", 0), ("size", 201), ("size", "x"), ("skip", -1)):
        error(server.get(f"{BASE}/products/api/releases", params={name: value}), 400, name)


def test_list_releases_filters(server, store):
    drafts = ok(server.get(f"{BASE}/products/web/releases", store.keys["read"], params={"status": "draft"}))
    assert [item["version"] for item in drafts] == ["3.8.0"]
    assert "3.8.0" not in [item["version"] for item in ok(server.get(f"{BASE}/products/web/releases"))]  # no key: no drafts
    error(server.get(f"{BASE}/products/web/releases", params={"status": "draft"}), 401)
    error(server.get(f"{BASE}/products/web/releases", params={"status": "nope"}), 400, "status")
    error(server.get(f"{BASE}/products/web/releases", params={"limit": 5}), 400, "limit")  # unknown parameter
    error(server.get(f"{BASE}/products/nope/releases"), 404, "nope")


def test_create_get_update_delete_release(server, store):
    created = new_release(server)
    assert created["component"] == "cli" and created["id"]
    path = f"{BASE}/products/cli/releases/{created['id']}"
    assert ok(server.get(path)) == created
    # The native API sees the same release.
    assert server.admin("GET", f"{API}/releases/{created['id']}").json() == created
    updated = ok(server.request("PATCH", path, store.keys["write"], json={"title": "Renamed"}))
    assert updated["title"] == "Renamed"
    assert server.admin("GET", f"{API}/releases/{created['id']}").json()["title"] == "Renamed"
    assert ok(server.request("DELETE", path, store.keys["write"])) is None
    error(server.get(path), 404)
    assert server.admin("GET", f"{API}/releases/{created['id']}").status_code == 404


def test_create_release_checks_the_body(server, store):
    error(server.admin("POST", f"{BASE}/products/cli/releases", json={"component": "api", "version": "1.0.0"}), 400, "component")
    error(server.admin("POST", f"{BASE}/products/cli/releases", json={"status": "published"}), 400, "version")
    error(server.admin("POST", f"{BASE}/products/cli/releases", data=b"{", headers={"Content-Type": "application/json"}), 400)
    error(server.admin("POST", f"{BASE}/products/cli/releases", json={"version": "v1.0.0", "published_at": "2026-01-01T00:00:00Z"}), 409)


def test_release_of_another_product_is_not_found(server, store):
    identifier = release_id(server, "api", "v1.10.2")
    assert ok(server.get(f"{BASE}/products/api/releases/{identifier}"))["version"] == "v1.10.2"
    error(server.get(f"{BASE}/products/web/releases/{identifier}"), 404)
    error(server.get(f"{BASE}/products/api/releases/no-such-id"), 404)
    error(server.get(f"{BASE}/products/api/releases/{identifier}", params={"x": 1}), 400, "x")


def test_a_write_reaches_the_version_document(server, store):
    """The same store write: the native reads, the version document, everything sees it."""
    version = f"9{unique()}.0.0"
    ok(server.admin("POST", f"{BASE}/products/desktop/releases", json={"version": version, "published_at": "2030-01-01T00:00:00Z"}), 201)
    latest = {entry["name"]: entry["version"] for entry in server.get("/v1/pages/nimbus/version").json()["latest"]}
    assert version in latest.values()
    server.admin("DELETE", f"{API}/components/desktop/releases/{version}")


# MARK: - Customer sites


def test_sites(server, store):
    listed = ok(server.get(f"{BASE}/customer-sites", store.keys["read"]))
    assert listed == server.get(f"{API}/sites", store.keys["read"]).json()["items"]
    slug = f"acme-{unique()}"
    created = ok(server.request("POST", f"{BASE}/customer-sites", store.keys["write"], json={"slug": slug, "name": "Acme"}), 201)
    assert created["slug"] == slug and created["name"] == "Acme"
    assert ok(server.get(f"{BASE}/customer-sites/{slug}")) == server.get(f"{API}/sites/{slug}").json()
    renamed = ok(server.request("PATCH", f"{BASE}/customer-sites/{slug}", store.keys["write"], json={"name": "Acme Corp"}))
    assert renamed["name"] == "Acme Corp"
    assert server.get(f"{API}/sites/{slug}").json()["name"] == "Acme Corp"
    error(server.request("POST", f"{BASE}/customer-sites", store.keys["write"], json={"slug": slug}), 409)
    error(server.request("POST", f"{BASE}/customer-sites", store.keys["write"], json={"name": "x"}), 400, "slug")
    assert ok(server.request("DELETE", f"{BASE}/customer-sites/{slug}", store.keys["write"])) is None
    error(server.get(f"{BASE}/customer-sites/{slug}"), 404)
    error(server.request("DELETE", f"{BASE}/customer-sites/{slug}", store.keys["write"]), 404)


def test_sites_page(server, store):
    for _ in range(3):
        ok(server.admin("POST", f"{BASE}/customer-sites", json={"slug": f"page-{unique()}"}), 201)
    everything = ok(server.get(f"{BASE}/customer-sites"))
    assert ok(server.get(f"{BASE}/customer-sites", params={"skip": 1, "size": 2})) == everything[1:3]
    error(server.get(f"{BASE}/customer-sites", params={"cursor": "x"}), 400, "cursor")


def test_attach_list_detach(server, store):
    slug = f"site-{unique()}"
    ok(server.admin("POST", f"{BASE}/customer-sites", json={"slug": slug}), 201)
    release = new_release(server, "web")
    releases = f"{BASE}/customer-sites/{slug}/releases"
    attached = ok(server.request("POST", releases, store.keys["write"], json={"releaseId": release["id"]}), 201)
    assert attached == release
    assert ok(server.request("POST", releases, store.keys["write"], json={"releaseId": release["id"]}), 200) == release
    assert ok(server.get(releases)) == [release]
    native = server.get(f"{API}/sites/{slug}/releases").json()["items"]
    assert native == [release]
    assert ok(server.get(releases, params={"skip": 1})) == []
    error(server.request("POST", releases, store.keys["write"], json={}), 400, "releaseId")
    error(server.request("POST", releases, store.keys["write"], json={"releaseId": 5}), 400, "releaseId")
    error(server.request("POST", releases, store.keys["write"], json={"releaseId": "nope"}), 404)
    assert ok(server.request("DELETE", f"{releases}/{release['id']}", store.keys["write"])) is None
    assert ok(server.get(releases)) == []
    error(server.request("DELETE", f"{releases}/{release['id']}", store.keys["write"]), 404)
    error(server.get(f"{BASE}/customer-sites/no-such-site/releases"), 404)


# MARK: - Keys


WRITES = {
    "create release": ("POST", f"{BASE}/products/cli/releases", {"version": "0.0.1"}),
    "create site": ("POST", f"{BASE}/customer-sites", {"slug": "never"}),
    "attach": ("POST", f"{BASE}/customer-sites/initech/releases", {"releaseId": "x"}),
}


@pytest.mark.parametrize("how", ["bearer", "bare", "query"])
@pytest.mark.parametrize("caller", CALLERS)
def test_reads(server, store, caller, how):
    response = server.get(f"{BASE}/products/api/releases", store.keys[caller], how=how)
    expected = {"wrong": 401, "other": 404}.get(caller, 200)
    if expected == 200:
        ok(response)
    else:
        error(response, expected)
        if expected == 401:
            assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("operation", list(WRITES))
def test_writes_need_a_write_key(server, store, operation, caller):
    method, path, body = WRITES[operation]
    response = server.request(method, path, store.keys[caller], json=body)
    expected = {"none": 401, "wrong": 401, "other": 404, "read": 403}.get(caller)
    if expected:
        error(response, expected)


def test_private_project(server, store):
    error(server.get(f"{SECRET}/customer-sites"), 401)
    error(server.get(f"{SECRET}/customer-sites", store.keys["admin"]), 404)  # a key of nimbus
    assert ok(server.get(f"{SECRET}/customer-sites", store.keys["secret"])) == []
    error(server.get("/releasepilot/api/v1/projects/no-such/customer-sites"), 404)


def test_unknown_routes_and_methods(server):
    error(server.get(f"{BASE}/nope"), 404)
    response = server.request("PUT", f"{BASE}/customer-sites")
    error(response, response.status_code)
    assert response.status_code in (404, 405)


def test_rate_limit(limited):
    path = f"{BASE}/customer-sites"
    for index in range(3):
        response = limited.get(path)
        ok(response)
        assert response.headers["X-RateLimit-Limit"] == "3"
        assert response.headers["X-RateLimit-Remaining"] == str(2 - index)
        assert "X-RateLimit-Reset" in response.headers
    refused = limited.get(path)
    error(refused, 429, "3")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_seed_examples(server, store):
    """The seed's own examples: `Authorization: Bearer YOUR_API_KEY` and `?skip=0&size=50`."""
    headers = {"Authorization": f"Bearer {store.keys['read']}"}
    response = server.session.get(server.url(f"{BASE}/products/api/releases?skip=0&size=50"), headers=headers, timeout=10)
    data = ok(response)
    assert data == ok(server.get(f"{BASE}/products/api/releases", store.keys["read"]))
    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert name not in response.headers or response.headers[name].isdigit()
    sites = server.session.get(server.url(f"{BASE}/customer-sites?skip=0&size=50"), headers=headers, timeout=10)
    assert any(site["slug"] == "initech" for site in ok(sites))


def test_default_size_is_50(server, store):
    for _ in range(51 - len(ok(server.get(f"{BASE}/customer-sites", params={"size": 200})))):
        ok(server.admin("POST", f"{BASE}/customer-sites", json={"slug": f"many-{unique()}"}), 201)
    assert len(ok(server.get(f"{BASE}/customer-sites"))) == 50
    assert len(ok(server.get(f"{BASE}/customer-sites", params={"size": 200}))) >= 51
