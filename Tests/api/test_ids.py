"""Stable ids and creation metadata through the running server (SPEC §1, §6.1): every release and
deployment answer carries `id`, `created_at` and `created_by` (deployments also `from_version` and
`error_message`), and `GET`/`PATCH`/`DELETE /releases/{id}` with its hostile cases. The
deployment routes (`GET /deployments`, `/deployments/{id}`) are in test_deployment_ids.py."""

import re
import urllib.parse

import pytest

from test_api import (
    API, CALLERS, DATA, DRAFT_GET, PUBLIC_GET, assert_error, release_path, scratch_release, unique, write_op,
)

UUID7 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
DEPLOYMENTS = f"{API}/deployments"


def by_id(kind, id):
    return f"{API}/{kind}/{urllib.parse.quote(id, safe='')}"


def new_environment(server):
    name = f"ids-{unique()}"
    response = server.admin("POST", f"{API}/environments", json={"name": name})
    assert response.status_code == 201, response.text
    return name


def deploy(server, environment, component, version, status="success", key=None, **fields):
    key = key or server.store.keys["admin"]
    response = server.request("POST", f"{API}/environments/{environment}/deployments", key,
                              json={"component": component, "version": version, "status": status, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def assert_created(answer, by):
    assert UUID7.fullmatch(answer["id"]), answer
    assert TIMESTAMP.fullmatch(answer["created_at"]), answer
    assert answer["created_by"] == by, answer


# MARK: - Every answer carries them


def test_imported_releases_and_deployments_have_ids(pristine):
    releases = pristine.get(f"{API}/releases", pristine.store.keys["read"], params={"limit": 200}).json()["items"]
    deployments = pristine.get(DEPLOYMENTS, pristine.store.keys["read"], params={"limit": 200}).json()["items"]
    assert len(releases) == len(DATA["releases"]) and len(deployments) == len(DATA["deployments"])
    for answer in releases + deployments:
        assert_created(answer, "import")
    ids = [answer["id"] for answer in releases + deployments]
    assert len(set(ids)) == len(ids)
    for deployment in deployments:
        assert "from_version" in deployment and deployment["error_message"] is None


def test_a_new_release_gets_an_id_and_the_key_that_created_it(server, store):
    n = unique()
    response = server.request("POST", f"{API}/releases", store.keys["write"],
                              json={"component": "cli", "version": f"0.0.{n}", "status": "draft", "channel": "nightly",
                                    "build": f"{n}"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert_created(created, store.key_ids["write"])
    assert (created["channel"], created["build"]) == ("nightly", f"{n}")
    # The same release by its path and by its id.
    assert server.get(response.headers["Location"], store.keys["read"]).json() == created
    assert server.get(by_id("releases", created["id"]), store.keys["read"]).json() == created


@pytest.mark.parametrize("field,value", [
    ("id", "0190f3c2-7a1b-7c3d-9e4f-0a1b2c3d4e5f"), ("created_at", "2020-01-01T00:00:00Z"), ("created_by", "me"),
])
def test_a_client_cannot_set_what_the_store_sets(server, field, value):
    body = {"component": "cli", "version": f"0.0.{unique()}", "status": "draft", field: value}
    assert_error(server.admin("POST", f"{API}/releases", json=body), 400, "invalid_request", field)
    environment = new_environment(server)
    deployment = {"component": "cli", "version": "v1.0.0", field: value}
    assert_error(server.admin("POST", f"{API}/environments/{environment}/deployments", json=deployment), 400, "invalid_request", field)
    assert_error(server.admin("POST", f"{API}/environments/{environment}/deployments",
                              json={"component": "cli", "version": "v1.0.0", "from_version": "v0.9.0"}),
                 400, "invalid_request", "from_version")


@pytest.mark.parametrize("field", ["id", "created_at", "created_by"])
def test_a_null_store_set_field_counts_as_absent(server, field):
    # As everywhere in a body, null is "not given": a client serializing an empty optional field.
    body = {"component": "cli", "version": f"0.0.{unique()}", "status": "draft", field: None}
    created = server.admin("POST", f"{API}/releases", json=body)
    assert created.status_code == 201, created.text
    assert created.json()[field] is not None
    deployment = {"component": "cli", "version": "v1.0.0", field: None, "from_version": None}
    created = server.admin("POST", f"{API}/environments/{new_environment(server)}/deployments", json=deployment)
    assert created.status_code == 201, created.text
    assert created.json()[field] is not None


# MARK: - Releases by id


def test_release_by_id_reads_changes_and_deletes_like_its_path(server, store):
    release = scratch_release(server, title="Old")
    path = by_id("releases", release["id"])
    patched = server.request("PATCH", path, store.keys["write"], json={"title": "New", "notes": "Hi"})
    assert patched.status_code == 200, patched.text
    assert patched.json() == dict(release, title="New", notes="Hi")
    assert server.get(release_path(release["component"], release["version"]), store.keys["read"]).json() == patched.json()
    # What the store set may be sent back unchanged (a GET, edited, PATCHed back), never changed.
    assert server.admin("PATCH", path, json=patched.json()).json() == patched.json()
    for field, value in (("id", "other-id"), ("created_by", "me"), ("created_at", "2020-01-01T00:00:00Z"), ("version", "9.9.9")):
        assert_error(server.admin("PATCH", path, json={field: value}), 400, "invalid_request", field)
    assert server.request("DELETE", path, store.keys["write"]).status_code == 204
    assert_error(server.get(path, store.keys["read"]), 404, "not_found")
    assert_error(server.admin("DELETE", path), 404, "not_found")


@pytest.mark.parametrize("patch,field", [
    ({"title": 5}, "title"), ({"channel": "Beta!"}, "channel"), ({"build": ""}, "build"),
    ({"assets": [{"sha256": "nope"}]}, "assets[0].sha256"), ({"assets": [{"sha512": "abc="}]}, "assets[0].sha512"),
    ({"assets": [{"platform": "macos-arm64"}]}, "assets[0].platform"),
    ({"assets": [{"signature": "two\nlines"}]}, "assets[0].signature"),
    ({"status": "published"}, "published_at"), ({"typo": 1}, "typo"),
])
def test_patch_release_by_id_names_the_bad_field(server, patch, field):
    release = scratch_release(server)
    assert_error(server.admin("PATCH", by_id("releases", release["id"]), json=patch), 400, "invalid_request", field)


def test_patch_release_by_id_needs_json(server):
    release = scratch_release(server)
    response = server.request("PATCH", by_id("releases", release["id"]), server.store.keys["admin"], data=b"{not json",
                              headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")


@pytest.mark.parametrize("caller", CALLERS)
def test_release_by_id_auth(server, store, caller):
    published = scratch_release(server, status="published")
    draft = scratch_release(server)
    key = store.keys[caller]
    assert server.get(by_id("releases", published["id"]), key).status_code == PUBLIC_GET[caller]
    # Without a key a draft's id answers as an unknown id would: drafts cannot be probed.
    assert server.get(by_id("releases", draft["id"]), key).status_code == DRAFT_GET[caller]
    assert server.request("PATCH", by_id("releases", draft["id"]), key, json={"title": "x"}).status_code == write_op(200)[caller]
    assert server.request("DELETE", by_id("releases", draft["id"]), key).status_code == write_op(204)[caller]


def test_unknown_and_foreign_release_ids_are_not_found(server, store):
    for id in ("0190f3c2-7a1b-7c3d-9e4f-0a1b2c3d4e5f", "Not%20An%20Id", "x" * 65):
        assert_error(server.admin("GET", f"{API}/releases/{id}"), 404, "not_found")
        assert_error(server.admin("PATCH", f"{API}/releases/{id}", json={"title": "x"}), 404, "not_found")
        assert_error(server.admin("DELETE", f"{API}/releases/{id}"), 404, "not_found")
    # The id of another page's release names nothing here, even with a key of that page's store.
    secret = server.get("/api/v1/pages/secret/releases", store.keys["secret"]).json()["items"][0]
    assert_error(server.admin("GET", by_id("releases", secret["id"])), 404, "not_found")
    assert_error(server.admin("DELETE", by_id("releases", secret["id"])), 404, "not_found")
    # A private page's release by id needs a key of that page.
    assert_error(server.get(f"/api/v1/pages/secret/releases/{secret['id']}"), 401)
    assert server.get(f"/api/v1/pages/secret/releases/{secret['id']}", store.keys["secret"]).json() == secret


def test_sites_carry_who_created_them(server, store):
    slug = f"ids-{unique()}"
    created = server.request("POST", f"{API}/sites", store.keys["write"], json={"slug": slug})
    assert created.status_code == 201, created.text
    assert created.json()["created_by"] == store.key_ids["write"] and TIMESTAMP.fullmatch(created.json()["created_at"])
    assert server.get(f"{API}/sites/{slug}").json() == created.json()
