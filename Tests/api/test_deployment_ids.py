"""Every deployment of a page and one deployment by its id through the running server (SPEC §6.1):
`GET /deployments?component=&environment=&status=&limit=&cursor=` and `GET`/`PATCH`/`DELETE
/deployments/{id}`, with `from_version` and `error_message`, and the hostile cases of each."""

import pytest

from test_api import (
    API, CALLERS, DATA, PUBLIC_GET, admin_op, assert_error, listing, scratch_release, write_op,
)
from test_ids import DEPLOYMENTS, TIMESTAMP, assert_created, by_id, deploy, new_environment


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
