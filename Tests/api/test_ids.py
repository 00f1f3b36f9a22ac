"""Stable ids and creation metadata through the running server (SPEC §1, §6.1): every release and
deployment answer carries `id`, `created_at` and `created_by` (deployments also `from_version` and
`error_message`); `GET`/`PATCH`/`DELETE /releases/{id}`, `GET /deployments` and
`GET`/`PATCH`/`DELETE /deployments/{id}`, with the hostile cases of each."""

import re
import urllib.parse

import pytest

from test_api import (  # noqa: F401  (fixtures are used by name)
    API,
    CALLERS,
    DATA,
    DRAFT_GET,
    PUBLIC_GET,
    admin_op,
    assert_error,
    listing,
    pristine,
    release_path,
    scratch_release,
    server,
    store,
    unique,
    write_op,
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


# MARK: - Every deployment of the page


def test_list_every_deployment_newest_first(pristine):
    body = pristine.get(DEPLOYMENTS, params={"limit": 200}).json()
    expected = [(d["component"], d["version"], d["environment"]) for d in DATA["deployments"]][::-1]
    assert [(d["component"], d["version"], d["environment"]) for d in body["items"]] == expected
    assert (body["total"], body["has_more"], body["next_cursor"]) == (len(expected), False, None)


@pytest.mark.parametrize("params", [
    {"component": "api"}, {"environment": "production"}, {"status": "success"}, {"status": "failure"},
    {"component": "web", "environment": "staging"},
])
def test_list_every_deployment_filtered(pristine, params):
    items = pristine.get(DEPLOYMENTS, params=dict(params, limit=200)).json()["items"]
    expected = [d for d in DATA["deployments"][::-1]
                if all(d.get(key, "unknown" if key == "status" else None) == value for key, value in params.items())]
    assert [(d["component"], d["version"], d["environment"], d["status"]) for d in items] == \
        [(d["component"], d["version"], d["environment"], d.get("status", "unknown")) for d in expected]


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_list_every_deployment_pages_without_gaps(pristine, limit):
    seen, cursor = [], None
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        body = pristine.get(DEPLOYMENTS, params=params).json()
        assert len(body["items"]) <= limit and body["total"] == len(DATA["deployments"])
        seen += [d["id"] for d in body["items"]]
        if not body["has_more"]:
            break
        cursor = body["next_cursor"]
    assert len(seen) == len(set(seen)) == len(DATA["deployments"])


@pytest.mark.parametrize("params,status,field", [
    ({"skip": "2"}, 400, "skip"), ({"size": "2"}, 400, "size"), ({"limit": "0"}, 400, "limit"), ({"limit": "201"}, 400, "limit"),
    ({"status": "done"}, 400, "status"), ({"cursor": "garbage"}, 400, "cursor"), ({"component": "Bad Slug"}, 400, "component"),
    ({"component": "ghost"}, 404, None), ({"environment": "nowhere"}, 404, None),
])
def test_list_every_deployment_refuses_what_it_does_not_know(pristine, params, status, field):
    assert_error(pristine.get(DEPLOYMENTS, params=params), status, None, field)


def test_list_every_deployment_hides_drafts_from_anonymous_readers(server, store):
    draft = scratch_release(server)
    environment = new_environment(server)
    deployed = deploy(server, environment, draft["component"], draft["version"])
    anonymous = server.get(DEPLOYMENTS, params={"environment": environment}).json()
    assert anonymous == listing([])
    assert server.get(DEPLOYMENTS, store.keys["read"], params={"environment": environment}).json()["items"] == [deployed]
    assert_error(server.get(by_id("deployments", deployed["id"])), 404, "not_found")
    assert server.get(by_id("deployments", deployed["id"]), store.keys["read"]).json() == deployed


def test_private_page_deployments_need_a_key(server, store):
    assert_error(server.get("/api/v1/pages/secret/deployments"), 401)
    assert server.get("/api/v1/pages/secret/deployments", store.keys["secret"]).json() == listing([])


# MARK: - One deployment by id


def test_a_deployment_carries_where_it_came_from(server, store):
    environment = new_environment(server)
    first = deploy(server, environment, "cli", "v0.9.0", key=store.keys["write"])
    assert_created(first, store.key_ids["write"])
    assert (first["from_version"], first["error_message"]) == (None, None)
    failed = deploy(server, environment, "cli", "v1.0.0", status="failure", error_message="smoke test failed")
    assert (failed["from_version"], failed["error_message"]) == ("v0.9.0", "smoke test failed")
    assert deploy(server, environment, "cli", "v1.1.0")["from_version"] == "v0.9.0"
    assert deploy(server, environment, "cli", "v1.0.0", status="pending")["from_version"] == "v1.1.0"
    # The environment's list and the page's list answer the same objects as the route by id.
    listed = server.get(f"{API}/environments/{environment}/deployments").json()["items"]
    assert listed == server.get(DEPLOYMENTS, params={"environment": environment}).json()["items"]
    assert server.get(by_id("deployments", first["id"])).json() == first


def test_patch_deployment_by_id(server, store):
    environment = new_environment(server)
    deployment = deploy(server, environment, "cli", "v1.1.0", status="in_progress", host="h1", meta={"run": 1})
    path = by_id("deployments", deployment["id"])
    patched = server.request("PATCH", path, store.keys["write"],
                             json={"status": "failure", "error_message": "migration 42 failed", "host": None})
    assert patched.status_code == 200, patched.text
    changed = patched.json()
    assert TIMESTAMP.fullmatch(changed["finished_at"])
    assert changed == dict({k: v for k, v in deployment.items() if k != "host"}, status="failure",
                           error_message="migration 42 failed", finished_at=changed["finished_at"])
    assert server.get(path).json() == changed
    # What the store set and what names the deployment may be sent back, never changed.
    assert server.admin("PATCH", path, json=changed).json() == changed
    assert server.admin("PATCH", path, json={"error_message": None}).json()["error_message"] is None


@pytest.mark.parametrize("patch,field", [
    ({"component": "api"}, "component"), ({"version": "v1.0.0"}, "version"), ({"environment": "production"}, "environment"),
    ({"id": "other"}, "id"), ({"from_version": "v0.9.0"}, "from_version"), ({"created_by": "me"}, "created_by"),
    ({"status": "done"}, "status"), ({"status": None}, "status"), ({"finished_at": "later"}, "finished_at"),
    ({"error_message": 5}, "error_message"), ({"host": "a\u202eb"}, "host"), ({"typo": 1}, "typo"),
])
def test_patch_deployment_names_the_bad_field(server, patch, field):
    environment = new_environment(server)
    deployment = deploy(server, environment, "cli", "v1.1.0")
    assert_error(server.admin("PATCH", by_id("deployments", deployment["id"]), json=patch), 400, "invalid_request", field)
    assert server.get(by_id("deployments", deployment["id"])).json() == deployment


def test_patch_deployment_needs_a_json_object(server):
    deployment = deploy(server, new_environment(server), "cli", "v1.1.0")
    path = by_id("deployments", deployment["id"])
    assert_error(server.request("PATCH", path, server.store.keys["admin"], data=b"[1", headers={"Content-Type": "application/json"}),
                 400, "invalid_json")
    assert_error(server.admin("PATCH", path, json=[1]), 400, "invalid_request", "body")


@pytest.mark.parametrize("caller", CALLERS)
def test_deployment_by_id_auth(server, store, caller):
    deployment = deploy(server, new_environment(server), "cli", "v1.1.0")
    path, key = by_id("deployments", deployment["id"]), store.keys[caller]
    assert server.get(path, key).status_code == PUBLIC_GET[caller]
    assert server.request("PATCH", path, key, json={"status": "success"}).status_code == write_op(200)[caller]
    # Deleting a deployment is for admin keys only.
    assert server.request("DELETE", path, key).status_code == admin_op(204)[caller]


def test_unknown_and_foreign_deployment_ids_are_not_found(server, store):
    for id in ("0190f3c2-7a1b-7c3d-9e4f-0a1b2c3d4e5f", "Not%20An%20Id"):
        assert_error(server.admin("GET", f"{DEPLOYMENTS}/{id}"), 404, "not_found")
        assert_error(server.admin("PATCH", f"{DEPLOYMENTS}/{id}", json={"status": "success"}), 404, "not_found")
        assert_error(server.admin("DELETE", f"{DEPLOYMENTS}/{id}"), 404, "not_found")
    # A release id is not a deployment id, and another page's deployment is not this page's.
    release = scratch_release(server)
    assert_error(server.admin("GET", by_id("deployments", release["id"])), 404, "not_found")
    deployment = deploy(server, new_environment(server), "cli", "v1.1.0")
    assert_error(server.request("GET", f"/api/v1/pages/other/deployments/{deployment['id']}", store.keys["other"]), 404, "not_found")
    assert_error(server.request("DELETE", f"/api/v1/pages/other/deployments/{deployment['id']}", store.keys["other"]), 404, "not_found")
    assert server.get(by_id("deployments", deployment["id"])).status_code == 200


def test_deleting_its_deployments_lets_a_release_be_deleted(server):
    release = scratch_release(server, status="published")
    environment = new_environment(server)
    deployments = [deploy(server, environment, release["component"], release["version"]) for _ in range(2)]
    assert_error(server.admin("DELETE", by_id("releases", release["id"])), 409, "conflict")
    for deployment in deployments:
        assert server.admin("DELETE", by_id("deployments", deployment["id"])).status_code == 204
        assert_error(server.get(by_id("deployments", deployment["id"])), 404, "not_found")
    assert server.get(DEPLOYMENTS, params={"environment": environment}).json() == listing([])
    assert server.admin("DELETE", by_id("releases", release["id"])).status_code == 204


def test_sites_carry_who_created_them(server, store):
    slug = f"ids-{unique()}"
    created = server.request("POST", f"{API}/sites", store.keys["write"], json={"slug": slug})
    assert created.status_code == 201, created.text
    assert created.json()["created_by"] == store.key_ids["write"] and TIMESTAMP.fullmatch(created.json()["created_at"])
    assert server.get(f"{API}/sites/{slug}").json() == created.json()
