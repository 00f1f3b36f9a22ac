"""The active release of a component (SPEC §3, §6.1) through the real `shiplog serve`:
`POST …/components/{slug}/releases/{version}/activate`, `GET` and `DELETE …/components/{slug}/active`,
and everything that says "latest" following it (the version endpoint and its ETag, the page's
components, the built site, export). Stores, keys, servers and helpers are those of `test_api.py`.

    python3 -m pytest -q Tests/api/test_active.py
"""
import json

import pytest

from test_api import (
    API, PAGE, VERSION, Server, Store, assert_error, cli, new_db, release_path, unique, wait_for,
)


def activate(server, component, version, key="write"):
    return server.request("POST", release_path(component, version) + "/activate", server.store.keys[key])


def active(server, component, key=None):
    return server.get(f"{API}/components/{component}/active", server.store.keys[key] if key else None)


def clear(server, component, key="write"):
    return server.request("DELETE", f"{API}/components/{component}/active", server.store.keys[key])


def latest_versions(server):
    """component repo or slug → version, from the version endpoint."""
    return {entry["name"]: entry["version"] for entry in server.get(VERSION).json()["latest"]}


def api_latest(server):
    return latest_versions(server)["Nimbus API"]


# MARK: - Activate, show, clear


def test_activating_an_older_release_makes_it_the_latest_until_cleared(fresh):
    first = fresh.get(VERSION)
    assert first.status_code == 200 and api_latest(fresh) == "v1.10.2"
    shown = active(fresh, "api")
    assert shown.status_code == 200, shown.text
    assert shown.json()["pinned"] is False and shown.json()["release"]["version"] == "v1.10.2"

    # A rollback: activate an older release.
    answer = activate(fresh, "api", "v1.9.1")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"release", "previous_active"}
    assert body["release"]["version"] == "v1.9.1" and body["release"]["status"] == "published"
    assert body["previous_active"]["version"] == "v1.10.2"

    # Everything that says "latest" follows, read right after the answer.
    assert api_latest(fresh) == "v1.9.1"
    second = fresh.get(VERSION)
    assert second.headers["ETag"] != first.headers["ETag"]
    assert fresh.get(VERSION, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    assert fresh.get(VERSION, headers={"If-None-Match": second.headers["ETag"]}).status_code == 304
    shown = active(fresh, "api").json()
    assert shown["pinned"] is True and shown["release"]["version"] == "v1.9.1"
    components = {c["slug"]: c for c in fresh.get(API).json()["components"]}
    assert components["api"]["active"] == "v1.9.1" and "active" not in components["web"]
    # Other components keep their automatic latest.
    assert latest_versions(fresh)["Nimbus Web"] == "3.7.0"

    # Activating another: the previous one is the one activated before.
    answer = activate(fresh, "api", "v1.10.0")
    assert answer.status_code == 200 and answer.json()["previous_active"]["version"] == "v1.9.1"
    # Activating the active release again changes nothing.
    again = activate(fresh, "api", "v1.10.0")
    assert again.status_code == 200 and again.json()["previous_active"]["version"] == "v1.10.0"

    # Back to automatic.
    cleared = clear(fresh, "api")
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["release"]["version"] == "v1.10.2"
    assert cleared.json()["pinned"] is False
    assert cleared.json()["previous_active"]["version"] == "v1.10.0"
    assert api_latest(fresh) == "v1.10.2"
    assert fresh.get(VERSION).headers["ETag"] == first.headers["ETag"], "the same document, the same ETag"
    assert "active" not in {c["slug"]: c for c in fresh.get(API).json()["components"]}["api"]
    again = clear(fresh, "api")
    assert again.status_code == 200 and again.json()["previous_active"] is None


def test_activating_a_pre_release_makes_it_the_latest(fresh):
    assert activate(fresh, "api", "v2.0.0-rc.1").status_code == 200
    assert api_latest(fresh) == "v2.0.0-rc.1"
    shown = active(fresh, "api").json()
    assert shown["pinned"] is True and shown["release"]["prerelease"] is True


def test_activating_a_draft_publishes_it(fresh):
    # web 3.8.0 is a draft: unseen without a key.
    assert fresh.get(release_path("web", "3.8.0")).status_code == 404
    answer = activate(fresh, "web", "3.8.0")
    assert answer.status_code == 200, answer.text
    release = answer.json()["release"]
    assert release["status"] == "published" and release["published_at"]
    assert answer.json()["previous_active"]["version"] == "3.7.0"
    assert fresh.get(release_path("web", "3.8.0")).json()["status"] == "published"
    assert latest_versions(fresh)["Nimbus Web"] == "3.8.0"
    # A draft keeps a publication date it was given.
    dated = fresh.admin("POST", f"{API}/releases", json={
        "component": "cli", "version": "v1.2.0", "status": "draft", "published_at": "2026-11-01T00:00:00Z"})
    assert dated.status_code == 201, dated.text
    answer = activate(fresh, "cli", "v1.2.0")
    assert answer.status_code == 200 and answer.json()["release"]["published_at"] == "2026-11-01T00:00:00Z"


def test_anonymous_readers_see_the_active_release_of_a_public_page(server):
    shown = active(server, "desktop")
    assert shown.status_code == 200 and shown.json()["release"]["version"] == "1.2.1"
    for key in ("read", "write", "admin"):
        assert active(server, "desktop", key).status_code == 200
    assert_error(active(server, "ghost"), 404, "not_found")
    assert_error(server.get(f"{API}/components/desktop/active", params={"limit": 1}), 400, field="limit")


def test_a_component_without_a_latest_answers_404(fresh):
    server = fresh
    slug = f"empty-{unique()}"
    assert server.admin("PUT", f"{API}/components/{slug}", json={"name": "Empty"}).status_code == 201
    assert_error(active(server, slug), 404, "not_found")
    # A pre-release alone is not a latest either.
    created = server.admin("POST", f"{API}/releases", json={
        "component": slug, "version": "1.0.0-beta.1", "published_at": "2026-01-01T00:00:00Z"})
    assert created.status_code == 201
    assert_error(active(server, slug), 404, "not_found")
    # …until it is activated.
    assert activate(server, slug, "1.0.0-beta.1").status_code == 200
    assert active(server, slug).json() == {"release": active(server, slug).json()["release"], "pinned": True}


# MARK: - Hostile requests


@pytest.mark.parametrize("method, path", [
    ("POST", release_path("api", "v1.9.0") + "/activate"),
    ("DELETE", f"{API}/components/api/active"),
])
def test_changing_the_active_release_needs_a_write_key_of_the_page(server, method, path):
    keys = server.store.keys
    assert_error(server.request(method, path, None), 401, "unauthorized")
    assert_error(server.request(method, path, keys["wrong"]), 401, "unauthorized")
    assert_error(server.request(method, path, keys["read"]), 403, "forbidden")
    assert_error(server.request(method, path, keys["other"]), 404, "not_found")
    assert_error(server.request(method, path, keys["secret"]), 404, "not_found")
    assert active(server, "api").json()["pinned"] is False


def test_unknown_yanked_and_invalid_releases_cannot_be_activated(server):
    body = assert_error(activate(server, "api", "v9.9.9"), 404, "not_found")
    assert "v9.9.9" in body["message"]
    assert_error(activate(server, "ghost", "1.0.0"), 404, "not_found")
    body = assert_error(activate(server, "api", "v1.10.1"), 409, "conflict")
    assert "yanked" in body["message"]
    assert_error(server.request("POST", f"{API}/components/Bad%20Slug/releases/1.0.0/activate", server.store.keys["write"]), 400)
    assert_error(clear(server, "ghost"), 404, "not_found")
    assert active(server, "api").json()["pinned"] is False


def test_a_private_page_needs_a_key(server):
    path = "/api/v1/pages/secret/components/app/active"
    assert_error(server.get(path), 401, "unauthorized")
    assert_error(server.get(path, server.store.keys["read"]), 404, "not_found")
    shown = server.get(path, server.store.keys["secret"])
    assert shown.status_code == 200 and shown.json()["release"]["version"] == "1.0.0"


# MARK: - What else follows the active release


def test_yanking_the_active_release_makes_the_latest_automatic_again(fresh):
    assert activate(fresh, "api", "v1.9.1").status_code == 200
    assert fresh.request("POST", release_path("api", "v1.9.1") + "/yank", fresh.store.keys["write"]).status_code == 200
    shown = active(fresh, "api").json()
    assert shown == {"release": shown["release"], "pinned": False} and shown["release"]["version"] == "v1.10.2"
    assert api_latest(fresh) == "v1.10.2"
    # Publishing it again does not make it active again.
    assert fresh.request("POST", release_path("api", "v1.9.1") + "/publish", fresh.store.keys["write"]).status_code == 200
    assert api_latest(fresh) == "v1.10.2"


def test_the_active_release_cannot_be_deleted(fresh):
    created = fresh.admin("POST", f"{API}/releases", json={
        "component": "cli", "version": "v0.1.0", "published_at": "2024-01-01T00:00:00Z"})
    assert created.status_code == 201
    assert activate(fresh, "cli", "v0.1.0").status_code == 200
    body = assert_error(fresh.request("DELETE", release_path("cli", "v0.1.0"), fresh.store.keys["write"]), 409, "conflict")
    assert "active release" in body["message"]
    assert latest_versions(fresh)["nimbus CLI"] == "v0.1.0"
    assert clear(fresh, "cli").status_code == 200
    assert fresh.request("DELETE", release_path("cli", "v0.1.0"), fresh.store.keys["write"]).status_code == 204
    assert latest_versions(fresh)["nimbus CLI"] == "v1.1.0"


def test_putting_a_component_keeps_its_active_release(fresh):
    assert activate(fresh, "api", "v1.9.1").status_code == 200
    put = fresh.admin("PUT", f"{API}/components/api", json={"name": "Nimbus API", "repo": "nimbus/api"})
    assert put.status_code == 200, put.text
    assert put.json()["active"] == "v1.9.1"
    same = fresh.admin("PUT", f"{API}/components/api", json={"name": "Nimbus API", "active": "v1.9.1"})
    assert same.status_code == 200, same.text
    assert_error(fresh.admin("PUT", f"{API}/components/api", json={"name": "Nimbus API", "active": "v1.9.0"}), 400, field="active")
    assert api_latest(fresh) == "v1.9.1"


def test_the_active_release_survives_export_import_and_a_restart(fresh, tmp_path):
    assert activate(fresh, "api", "v1.9.1").status_code == 200
    exported = json.loads(cli("export", "--db", fresh.store.db, "--page", PAGE).stdout)
    assert {c["slug"]: c.get("active") for c in exported["components"]}["api"] == "v1.9.1"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    other = new_db(tmp_path, "other.db")
    cli("import", "--db", other, path)
    again = json.loads(cli("export", "--db", other).stdout)
    assert again["components"] == exported["components"]
    assert [(r["component"], r["version"], r.get("status")) for r in again["releases"]] == \
        [(r["component"], r["version"], r.get("status")) for r in exported["releases"]]
    assert fresh.stop() == 0
    restarted = Server(fresh.store, "--rate-limit", "0")
    try:
        assert api_latest(restarted) == "v1.9.1"
    finally:
        restarted.stop()


def test_import_refuses_an_active_release_that_cannot_be_active(tmp_path):
    data = {"page": {"id": "acme", "title": "Acme"},
            "components": [{"slug": "api", "active": "v2.0.0"}],
            "releases": [{"component": "api", "version": "v1.0.0", "published_at": "2024-01-01T00:00:00Z"},
                         {"component": "api", "version": "v2.0.0", "status": "draft"}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = cli("import", "--db", new_db(tmp_path), path, check=False)
    assert result.returncode == 65, result.stderr
    assert 'components[0].active: release "v2.0.0" of component "api" is a draft' in result.stderr


def test_the_served_site_follows_the_active_release(tmp_path):
    store = Store(tmp_path / "site-store")
    running = Server(store, "--site", tmp_path / "public", "--page", PAGE, "--rate-limit", "0")
    try:
        def site_latest():
            return {e["name"]: e["version"] for e in running.get("/version.json").json()["latest"]}["Nimbus API"]
        assert site_latest() == "v1.10.2"
        assert activate(running, "api", "v1.9.1").status_code == 200
        wait_for(lambda: site_latest() == "v1.9.1", timeout=10)
        assert running.get("/components/api/latest.json").json()["version"] == "v1.9.1"
        assert "badge--pinned" in running.get("/components/api/v1.9.1/").text
        assert clear(running, "api").status_code == 200
        wait_for(lambda: site_latest() == "v1.10.2", timeout=10)
    finally:
        assert running.stop() == 0
