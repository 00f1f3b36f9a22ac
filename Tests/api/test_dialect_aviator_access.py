"""The Aviator Releases dialect (SPEC §7, seed 002), continued: keys, scopes, pages, error shapes
and rate limits on every route, through the real `shiplog serve`. The routes themselves are in
test_dialect_aviator.py.

    python3 -m pytest -q Tests/api/test_dialect_aviator_access.py
"""
import json

import pytest

from test_api import Server, Store
from test_dialect_aviator import BASE, call, error, shiplog  # noqa: F401 (shiplog is the module's server fixture)


# MARK: - Keys, errors, limits


ROUTES = [
    ("POST", "/api/releases/1.0.0-rc1", {"repo": "nimbus/api", "commit": "abc1234"}),
    ("GET", "/api/environments/staging/deployments", None),
    ("POST", "/api/environments/staging/deployments", {"release_candidate_version": "1.0.0-rc1"}),
    ("PATCH", "/api/environments/staging/deployments", {"release_candidate_version": "1.0.0-rc1", "status": "success"}),
    ("POST", "/api/environments/staging/rollback", {}),
]


@pytest.mark.parametrize("method, path, body", ROUTES)
def test_every_route_needs_a_key(shiplog, method, path, body):
    error(shiplog.request(method, BASE + path, None, json=body), 401, "Unauthorized")
    error(call(shiplog, method, path, key="wrong", json=body), 401, "Unauthorized")


@pytest.mark.parametrize("method, path, body", ROUTES)
def test_another_pages_key_finds_no_project(shiplog, method, path, body):
    # "other" is an admin key of an empty page, "secret" a read key of a private page: neither has "api".
    error(call(shiplog, method, path, key="other", json=body), 404, "Release project not found")
    if method == "GET":
        error(call(shiplog, method, path, key="secret", json=body), 404, "Release project not found")


@pytest.mark.parametrize("method, path, body", [route for route in ROUTES if route[0] != "GET"])
def test_a_read_key_may_not_write(shiplog, method, path, body):
    error(call(shiplog, method, path, key="read", json=body), 403, "Forbidden")


@pytest.mark.parametrize("how", ["bearer", "bare", "query"])
def test_native_key_forms(shiplog, how):
    response = call(shiplog, "GET", "/api/environments/staging/deployments", key="read", how=how)
    assert response.status_code == 200 and isinstance(response.json(), list)


def test_bad_bodies(shiplog):
    path = "/api/environments/staging/deployments"
    error(call(shiplog, "POST", path, data=b"{nope", headers={"Content-Type": "application/json"}), 400, "Invalid JSON body")
    error(call(shiplog, "POST", path, data=b"", headers={"Content-Type": "application/json"}), 400, "Invalid JSON body")
    response = call(shiplog, "POST", path, json=[1])
    assert response.status_code == 400 and set(response.json()) == {"error"} and "object" in response.json()["error"]
    big = json.dumps({"release_candidate_version": "x" * (2 << 20)})
    error(call(shiplog, "POST", path, data=big, headers={"Content-Type": "application/json"}), 413, "Request body too large")


def test_unknown_routes_and_methods_answer_in_the_dialects_shape(shiplog):
    response = call(shiplog, "DELETE", "/api/environments/staging/deployments")
    assert response.status_code in (404, 405) and set(response.json()) == {"error"}
    error(call(shiplog, "GET", "/api/nothing-here"), 404, "Not found")


def test_rate_limit_in_the_dialects_shape(tmp_path):
    limited = Server(Store(tmp_path / "limited"), "--rate-limit", "2")
    try:
        path = "/api/environments/staging/deployments"
        for _ in range(2):
            ok = limited.request("GET", BASE + path, limited.store.keys["read"])
            assert ok.status_code == 200 and ok.headers["X-RateLimit-Limit"] == "2"
        response = limited.request("GET", BASE + path, limited.store.keys["read"])
        error(response, 429, "Rate limit exceeded")
        assert int(response.headers["Retry-After"]) >= 1 and response.headers["X-RateLimit-Remaining"] == "0"
    finally:
        limited.stop()
