"""The Aviator Releases dialect (SPEC §7, seed 002) at /aviator/api/releases/{project_name}, through
the real `shiplog serve`: every route and error sentence of the seed document, the pagination, the
`build.requested` webhook, and the native API seeing what the dialect wrote. Keys, error shapes and
rate limits: test_dialect_aviator_access.py.

    python3 -m pytest -q Tests/api/test_dialect_aviator.py
"""

import pytest

from test_api import API, Server, Store, stop_after, unique

from harness import Receiver, body_json, signature, wait_for  # noqa: E402  (test_api puts Tests/support on the path)

BASE = "/aviator/api/releases"
ITEM_FIELDS = {
    "actor", "deploy_end_at", "deploy_start_at", "environment_name", "error_message", "from_release_candidate_version",
    "from_release_version", "id", "release_candidate_version", "release_version", "status",
}


@pytest.fixture(scope="module")
def shiplog(tmp_path_factory):
    yield from stop_after(Server(Store(tmp_path_factory.mktemp("aviator")), "--rate-limit", "0", "--allow-private-webhooks"), exit_status=None)


def call(server, method, path, key="write", **kwargs):
    """A request to the dialect with a key of the store (`key` names it) as `Authorization: Bearer`."""
    how = kwargs.pop("how", "bearer")
    return server.request(method, BASE + path, server.store.keys[key], how=how, **kwargs)


def native(server, method, path, **kwargs):
    return server.request(method, API + path, server.store.keys["admin"], **kwargs)


def error(response, status, sentence):
    """An Aviator error: exactly `{"error": sentence}` with the status."""
    assert response.status_code == status, f"{response.status_code} {response.text[:300]}"
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"error": sentence}
    return response


def new_version():
    return f"9.{unique()}.0"


def candidate(server, version, rc=1, component="api", **body):
    body = {"repo": "nimbus/api", "commit": "abc1234", **body}
    response = call(server, "POST", f"/{component}/releases/{version}-rc{rc}", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def new_environment(server, frozen=False):
    name = f"env-{unique()}"
    response = native(server, "POST", "/environments", json={"name": name, "frozen": frozen})
    assert response.status_code == 201, response.text
    return name


def deploy(server, environment, rc, status=None):
    path = f"/api/environments/{environment}/deployments"
    if status is None:
        response = call(server, "POST", path, json={"release_candidate_version": rc})
        assert response.status_code == 201, response.text
    else:
        response = call(server, "PATCH", path, json={"release_candidate_version": rc, "status": status})
        assert response.status_code == 200, response.text
    item = response.json()
    assert set(item) == ITEM_FIELDS, item
    return item


# MARK: - Release candidates


def test_create_release_candidate_makes_a_published_candidate_and_a_draft_release(shiplog):
    version = new_version()
    answer = candidate(shiplog, version, commit="0123456789abcdef0123456789abcdef01234567")
    assert answer["release_candidate_version"] == f"{version}-rc1"
    assert answer["release_version"] == version
    assert answer["trigger_build_workflow"] is False
    rc = native(shiplog, "GET", f"/components/api/releases/{version}-rc1").json()
    assert (rc["status"], rc["prerelease"], rc["commit"], rc["id"]) == (
        "published", True, "0123456789abcdef0123456789abcdef01234567", answer["release_candidate_id"])
    assert rc["created_by"] == shiplog.store.key_ids["write"] and rc["published_at"]
    release = native(shiplog, "GET", f"/components/api/releases/{version}").json()
    assert (release["status"], release["id"]) == ("draft", answer["release_id"])
    # A second candidate of the same version keeps the release.
    second = candidate(shiplog, version, rc=2, commit="fedcba9")
    assert second["release_id"] == answer["release_id"] and second["release_candidate_version"] == f"{version}-rc2"
    # The same candidate again is a conflict.
    again = call(shiplog, "POST", f"/api/releases/{version}-rc1", json={"repo": "nimbus/api", "commit": "abc1234"})
    error(again, 409, "Release candidate already exists")


@pytest.mark.parametrize("rc", ["1.0.0", "1.0.0-rc", "1.0.0-rcx", "1.0.0-rc1x", "-rc1", "1.0.0-RC1", "1.0.0-rc-1", "a%20b-rc1"])
def test_release_candidate_version_must_end_in_rc_n(shiplog, rc):
    response = call(shiplog, "POST", f"/api/releases/{rc}", json={"repo": "nimbus/api", "commit": "abc1234"})
    error(response, 400, "Invalid release candidate version")


@pytest.mark.parametrize("commit", ["abc123", "0" * 41, "xyz1234", "abc 1234", 1234567, None])
def test_commit_must_be_7_to_40_hex(shiplog, commit):
    body = {"repo": "nimbus/api"} if commit is None else {"repo": "nimbus/api", "commit": commit}
    response = call(shiplog, "POST", f"/api/releases/{new_version()}-rc1", json=body)
    error(response, 400, "Invalid commit hash")


@pytest.mark.parametrize("repo", ["nimbus/web", "someone/api", "", None])
def test_repo_must_be_the_components(shiplog, repo):
    body = {"commit": "abc1234"} if repo is None else {"commit": "abc1234", "repo": repo}
    response = call(shiplog, "POST", f"/api/releases/{new_version()}-rc1", json=body)
    error(response, 404, "GitHub repository not found")


def test_repo_compares_without_case(shiplog):
    candidate(shiplog, new_version(), repo="Nimbus/API")


def test_trigger_build_workflow_must_be_a_boolean(shiplog):
    body = {"repo": "nimbus/api", "commit": "abc1234", "trigger_build_workflow": "yes"}
    response = call(shiplog, "POST", f"/api/releases/{new_version()}-rc1", json=body)
    error(response, 400, "Invalid trigger_build_workflow: expected true or false")


def test_build_requested_webhook(shiplog):
    receiver = Receiver()
    try:
        hook = native(shiplog, "POST", "/webhooks", json={"url": receiver.url + "/build", "secret": "s3cret", "events": ["build.requested"]})
        assert hook.status_code == 201, hook.text
        quiet = new_version()
        candidate(shiplog, quiet, trigger_build_workflow=False)
        version = new_version()
        candidate(shiplog, version, rc=4, commit="abcdef1", trigger_build_workflow=True)
        (request,) = wait_for(lambda: receiver.received("/build"), what="the build.requested delivery")
        assert request["headers"]["x-shiplog-signature"] == signature(request["body"], "s3cret")
        assert body_json(request) == {
            "event": "build.requested",
            "page": "nimbus",
            "data": {"component": "api", "version": version, "release_candidate": f"{version}-rc4", "commit": "abcdef1", "repo": "nimbus/api"},
        }
        # Only the candidate that asked for a build was heard of (the later event came through alone).
        assert len(receiver.received("/build")) == 1
    finally:
        native(shiplog, "DELETE", f"/webhooks/{hook.json()['id']}")
        receiver.close()


# MARK: - Deployments


def test_create_deployment(shiplog):
    version = new_version()
    candidate(shiplog, version)
    item = deploy(shiplog, "staging", f"{version}-rc1")
    assert item["status"] == "pending" and item["environment_name"] == "staging"
    assert (item["release_candidate_version"], item["release_version"]) == (f"{version}-rc1", version)
    assert item["deploy_start_at"] and item["deploy_end_at"] is None and item["error_message"] is None
    # The native API sees the same deployment.
    mine = native(shiplog, "GET", f"/deployments/{item['id']}").json()
    assert (mine["component"], mine["version"], mine["environment"], mine["status"]) == ("api", f"{version}-rc1", "staging", "pending")
    assert mine["created_by"] == shiplog.store.key_ids["write"] and mine["commit"] == "abc1234"


def test_create_deployment_errors(shiplog):
    version = new_version()
    candidate(shiplog, version)
    path = "/api/environments/staging/deployments"
    error(call(shiplog, "POST", "/api/environments/nowhere/deployments", json={"release_candidate_version": f"{version}-rc1"}),
          404, "Release environment not found")
    error(call(shiplog, "POST", path, json={"release_candidate_version": f"{version}-rc9"}), 404, "Release not found")
    error(call(shiplog, "POST", path, json={"release_candidate_version": version}), 400, "Invalid release candidate version")
    error(call(shiplog, "POST", path, json={}), 400, "Invalid release candidate version")
    error(call(shiplog, "POST", path, json={"release_candidate_version": f"{version}-rc1", "x": 1}), 400, "Unknown field: x")


def test_update_deployment_status_updates_or_creates(shiplog):
    version = new_version()
    candidate(shiplog, version)
    environment = new_environment(shiplog)
    created = deploy(shiplog, environment, f"{version}-rc1")
    updated = deploy(shiplog, environment, f"{version}-rc1", status="success")
    assert updated["id"] == created["id"] and updated["status"] == "success" and updated["deploy_end_at"]
    # None yet for this candidate in that environment: one is created, still 200.
    other = deploy(shiplog, "staging", f"{version}-rc1", status="in_progress")
    assert other["id"] != created["id"] and other["status"] == "in_progress"
    assert native(shiplog, "GET", f"/deployments/{created['id']}").json()["status"] == "success"


@pytest.mark.parametrize("status", ["pending", "in_progress", "success", "failure", "canceling", "canceled", "error", "unknown"])
def test_update_deployment_takes_every_status_of_the_seed(shiplog, status):
    version = new_version()
    candidate(shiplog, version)
    assert deploy(shiplog, "staging", f"{version}-rc1", status=status)["status"] == status


def test_update_deployment_errors(shiplog):
    version = new_version()
    candidate(shiplog, version)
    path = "/api/environments/staging/deployments"
    rc = f"{version}-rc1"
    error(call(shiplog, "PATCH", "/api/environments/nowhere/deployments", json={"release_candidate_version": rc, "status": "success"}),
          404, "Release environment not found")
    error(call(shiplog, "PATCH", path, json={"release_candidate_version": f"{version}-rc7", "status": "success"}), 404, "Release not found")
    error(call(shiplog, "PATCH", path, json={"release_candidate_version": "1.0", "status": "success"}), 400, "Invalid release candidate version")
    error(call(shiplog, "PATCH", path, json={"release_candidate_version": rc, "status": "done"}), 400,
          "Invalid status: expected one of pending, in_progress, success, failure, canceling, canceled, error, unknown")


def test_list_deployments_newest_first_with_pages(shiplog):
    environment = new_environment(shiplog)
    version = new_version()
    candidate(shiplog, version)
    ids = [deploy(shiplog, environment, f"{version}-rc1")["id"] for _ in range(12)]
    # Another project's deployment there is not listed.
    web = native(shiplog, "POST", f"/environments/{environment}/deployments", json={"component": "web", "version": "3.7.0"})
    assert web.status_code == 201
    path = f"/api/environments/{environment}/deployments"
    first = call(shiplog, "GET", path, key="read")
    assert first.status_code == 200 and isinstance(first.json(), list)
    assert [item["id"] for item in first.json()] == ids[::-1][:10]
    assert all(set(item) == ITEM_FIELDS for item in first.json())
    second = call(shiplog, "GET", path, key="read", params={"page": 2})
    assert [item["id"] for item in second.json()] == ids[::-1][10:]
    small = call(shiplog, "GET", path, key="read", params={"page": 3, "per_page": 5})
    assert [item["id"] for item in small.json()] == ids[::-1][10:]
    assert call(shiplog, "GET", path, key="read", params={"page": 4, "per_page": 5}).json() == []
    assert len(call(shiplog, "GET", path, key="read", params={"per_page": 100}).json()) == 12
    # The same deployments as the native list, field by field.
    listed = native(shiplog, "GET", f"/environments/{environment}/deployments", params={"component": "api"}).json()["items"]
    assert [(d["id"], d["status"], d["version"]) for d in listed] == [
        (d["id"], d["status"], d["release_candidate_version"]) for d in call(shiplog, "GET", path, params={"per_page": 100}).json()]


@pytest.mark.parametrize("params, sentence", [
    ({"per_page": 101}, "Invalid per_page: expected a whole number from 1 to 100"),
    ({"per_page": 0}, "Invalid per_page: expected a whole number from 1 to 100"),
    ({"page": 0}, "Invalid page: expected a whole number from 1 to 1000000"),
    ({"page": "x"}, "Invalid page: expected a whole number from 1 to 1000000"),
    ({"limit": 5}, "Unknown query parameter: limit"),
])
def test_list_deployments_bad_query(shiplog, params, sentence):
    error(call(shiplog, "GET", "/api/environments/staging/deployments", key="read", params=params), 400, sentence)


def test_list_deployments_not_found(shiplog):
    error(call(shiplog, "GET", "/api/environments/nowhere/deployments", key="read"), 404, "Release environment not found")
    error(call(shiplog, "GET", "/nope/environments/staging/deployments", key="read"), 404, "Release project not found")


def test_items_of_deployments_of_plain_versions(shiplog):
    """A deployment recorded natively of a version without `-rcN` has no release candidate."""
    items = call(shiplog, "GET", "/api/environments/production/deployments", key="read", params={"per_page": 100}).json()
    plain = [item for item in items if item["release_version"] == "v1.10.2"]
    assert plain and plain[0]["release_candidate_version"] is None
    assert plain[0]["from_release_version"] == "v1.10.1" and plain[0]["from_release_candidate_version"] is None


# MARK: - Rollback


def test_rollback(shiplog):
    environment = new_environment(shiplog)
    version = new_version()
    candidate(shiplog, version)
    candidate(shiplog, version, rc=2)
    deploy(shiplog, environment, f"{version}-rc1", status="success")
    left = deploy(shiplog, environment, f"{version}-rc2", status="success")
    assert left["from_release_candidate_version"] == f"{version}-rc1" and left["from_release_version"] == version
    response = call(shiplog, "POST", f"/api/environments/{environment}/rollback")
    assert response.status_code == 201, response.text
    item = response.json()
    assert set(item) == ITEM_FIELDS
    assert (item["status"], item["release_candidate_version"], item["from_release_candidate_version"]) == (
        "pending", f"{version}-rc1", f"{version}-rc2")
    assert item["deploy_start_at"] and item["deploy_end_at"] is None
    assert native(shiplog, "GET", f"/deployments/{item['id']}").json()["meta"] == {"rollback": True, "from": f"{version}-rc2"}


def test_rollback_frozen_needs_force(shiplog):
    environment = new_environment(shiplog, frozen=True)
    version = new_version()
    candidate(shiplog, version)
    candidate(shiplog, version, rc=2)
    deploy(shiplog, environment, f"{version}-rc1", status="success")
    deploy(shiplog, environment, f"{version}-rc2", status="failure")
    path = f"/api/environments/{environment}/rollback"
    error(call(shiplog, "POST", path, json={}), 400, "Environment is frozen")
    error(call(shiplog, "POST", path, json={"force": False}), 400, "Environment is frozen")
    forced = call(shiplog, "POST", path, json={"force": True})
    assert forced.status_code == 201 and forced.json()["release_candidate_version"] == f"{version}-rc1"


def test_rollback_errors(shiplog):
    environment = new_environment(shiplog)
    error(call(shiplog, "POST", f"/api/environments/{environment}/rollback", json={}), 404, "No previous deployment to roll back from")
    error(call(shiplog, "POST", "/api/environments/nowhere/rollback", json={}), 404, "Release environment not found")
    error(call(shiplog, "POST", "/nope/environments/staging/rollback", json={}), 404, "Release project not found")
    error(call(shiplog, "POST", f"/api/environments/{environment}/rollback", json={"force": "yes"}), 400, "Invalid force: expected true or false")


def test_dialect_writes_reach_the_native_webhooks(shiplog):
    receiver = Receiver()
    try:
        hook = native(shiplog, "POST", "/webhooks", json={"url": receiver.url + "/native", "secret": "s", "events": ["deployment.created", "release.published"]})
        assert hook.status_code == 201, hook.text
        version = new_version()
        candidate(shiplog, version)
        item = deploy(shiplog, "staging", f"{version}-rc1")
        events = wait_for(lambda: len(receiver.received("/native")) >= 2 and receiver.received("/native"), what="two deliveries")
        bodies = [body_json(request) for request in events]
        assert [body["event"] for body in bodies] == ["release.published", "deployment.created"]
        assert bodies[0]["data"]["version"] == f"{version}-rc1" and bodies[1]["data"]["id"] == item["id"]
    finally:
        native(shiplog, "DELETE", f"/webhooks/{hook.json()['id']}")
        receiver.close()
