"""The app-releases dialect (SPEC §7, seed `004_…`): keys, pages, unknown routes, rate limits,
bodies too large and webhooks, each in the seed's error shape or exactly as the native API does.
The routes themselves are in `test_dialect_apps.py`, whose helpers this file uses.

    python3 -m pytest -q Tests/api/test_dialect_apps_access.py
"""

import pytest

from test_api import API, PAGE, Server, Store, unique
from test_dialect_apps import ORG, assert_apps_error, by_tag, call, releases

from harness import Receiver, body_json, wait_for  # noqa: E402  (test_api puts Tests/support on the path)


# MARK: - Keys, pages, routes and limits


@pytest.mark.parametrize("method, suffix", [
    ("POST", ""), ("DELETE", "/{id}"), ("POST", "/{id}/activate"), ("POST", "/{id}/rollback"), ("POST", "/{id}/archive"),
])
def test_auth_matrix_of_writes(server, method, suffix):
    target = by_tag(server, "v1.8.0")
    path = releases() + suffix.format(id=target["release_id"])
    kwargs = {"json": {"release_tag": "9.9.9"}} if suffix == "" else {}
    assert_apps_error(call(server, method, path, None, **kwargs), 401, "AUTHENTICATION_FAILED")
    assert_apps_error(call(server, method, path, "wrong", **kwargs), 401, "AUTHENTICATION_FAILED")
    assert_apps_error(call(server, method, path, "read", **kwargs), 403, "FORBIDDEN", required_permission="releases:write")
    assert_apps_error(call(server, method, path, "other", **kwargs), 404, "RESOURCE_NOT_FOUND",
                      resource_type="workspace", resource_id=PAGE)


@pytest.mark.parametrize("suffix", ["", "/active", "/{id}"])
def test_auth_matrix_of_reads(server, suffix):
    target = by_tag(server, "v1.8.0")
    path = releases() + suffix.format(id=target["release_id"])
    assert call(server, "GET", path, None).status_code == 200  # a public page
    assert call(server, "GET", path, "read", how="bare").status_code == 200
    assert call(server, "GET", path, "read", how="query").status_code == 200
    assert_apps_error(call(server, "GET", path, "wrong"), 401, "AUTHENTICATION_FAILED")
    assert_apps_error(call(server, "GET", path, "other"), 404, "RESOURCE_NOT_FOUND", resource_type="workspace")


def test_private_unknown_workspace_unknown_app_and_unknown_route(server):
    secret = f"/apps/v1/orgs/{ORG}/workspaces/secret/apps/app/releases"
    assert_apps_error(call(server, "GET", secret, None), 401, "AUTHENTICATION_FAILED")
    assert call(server, "GET", secret, "secret").json()["releases"][0]["workspace_id"] == "secret"
    assert_apps_error(call(server, "GET", f"/apps/v1/orgs/{ORG}/workspaces/nowhere/apps/app/releases", "read"), 404,
                      "RESOURCE_NOT_FOUND", resource_type="workspace", resource_id="nowhere")
    assert_apps_error(call(server, "GET", releases("nope"), "read"), 404, "RESOURCE_NOT_FOUND", resource_type="app", resource_id="nope")
    assert_apps_error(call(server, "PUT", releases(), "admin"), 404, "RESOURCE_NOT_FOUND", resource_type="route")
    assert_apps_error(call(server, "GET", f"/apps/v1/orgs/{ORG}/elsewhere", "read"), 404, "RESOURCE_NOT_FOUND")
    # A draft is not found without a key, exactly like a missing release.
    draft = call(server, "POST", releases("cli"), json={"release_tag": f"0.0.{unique()}"}).json()
    assert_apps_error(call(server, "GET", f"{releases('cli')}/{draft['release_id']}", None), 404, "RESOURCE_NOT_FOUND")


def test_org_is_echoed(server):
    body = call(server, "GET", f"/apps/v1/orgs/another-org/workspaces/{PAGE}/apps/api/releases/active", "read").json()
    assert body["org_id"] == "another-org"


def test_rate_limit_429_in_the_dialect_shape(tmp_path):
    running = Server(Store(tmp_path / "limited"), "--rate-limit", "2")
    try:
        answers = [running.get(releases(), running.store.keys["read"]) for _ in range(3)]
        assert [answer.status_code for answer in answers[:2]] == [200, 200]
        assert answers[0].headers["X-RateLimit-Limit"] == "2"
        body = assert_apps_error(answers[2], 429, "RATE_LIMIT_EXCEEDED")
        assert int(answers[2].headers["Retry-After"]) >= 1 and body["details"]["retry_after"] >= 1
        assert answers[2].headers["X-RateLimit-Remaining"] == "0"
    finally:
        running.stop()


def test_activating_a_draft_sends_the_release_published_webhook_as_native(tmp_path):
    receiver = Receiver()
    running = Server(Store(tmp_path / "hooks"), "--rate-limit", "0", "--allow-private-webhooks")
    try:
        hook = call(running, "POST", f"{API}/webhooks", "admin", json={"url": receiver.url, "secret": "s3cret"})
        assert hook.status_code == 201, hook.text
        created = call(running, "POST", releases(), json={"release_tag": "v1.11.0"}).json()
        assert call(running, "POST", f"{releases()}/{created['release_id']}/activate").status_code == 200
        requests = wait_for(lambda: [r for r in receiver.accepted() if body_json(r)["event"] == "release.published"],
                            what="the release.published webhook")
        assert body_json(requests[0])["data"]["version"] == "v1.11.0"
    finally:
        running.stop()
        receiver.close()


def test_a_body_too_large_is_413_in_the_dialect_shape(server):
    big = '{"release_tag": "0.0.1", "change_log": "' + "x" * (1 << 20) + '"}'
    response = call(server, "POST", releases("cli"), data=big, headers={"Content-Type": "application/json"})
    assert_apps_error(response, 413, "PAYLOAD_TOO_LARGE")
