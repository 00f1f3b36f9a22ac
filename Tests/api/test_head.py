"""`HEAD` through the real `shiplog serve`: every route that answers `GET` answers `HEAD` with the
same status and headers and no body (RFC 9110 §9.3.2), so `curl -I` and uptime probes of the
version endpoint, the API, badges and the subscription links see what a `GET` would. Stores, keys
and servers are those of `test_api.py`.

    python3 -m pytest -q Tests/api/test_head.py
"""
import pytest

from test_api import API, VERSION

PATHS = [
    "/health",
    "/openapi.json",
    VERSION,
    "/v1/pages/nimbus/components/api/badge.svg",
    "/v1/pages/nimbus/components/api/badge.json",
    API,
    f"{API}/releases?limit=2",
    f"{API}/releases?skip=2",
    f"{API}/components/api/releases/v1.10.2",
    f"{API}/components/web/releases/3.8.0",
    f"{API}/components/api/active",
    f"{API}/groups",
    f"{API}/environments/production/deployments",
    f"{API}/deployments",
    f"{API}/sites",
    f"{API}/subscribers",
    "/v1/pages/nimbus/subscribers/confirm?token=0000",
    "/v1/pages/nimbus/unsubscribe?token=0000",
    "/v1/pages/secret/version",
    "/api/v1/pages/no-such-page",
]
SAME = ("Content-Type", "Content-Length", "ETag", "Cache-Control", "WWW-Authenticate")


@pytest.mark.parametrize("path", PATHS)
def test_head_answers_as_get_without_a_body(pristine, path):
    get = pristine.get(path)
    head = pristine.request("HEAD", path)
    assert head.status_code == get.status_code, f"{path}: HEAD {head.status_code}, GET {get.status_code}"
    assert head.content == b""
    for name in SAME:
        assert head.headers.get(name) == get.headers.get(name), name


def test_head_of_the_version_endpoint_is_conditional(pristine):
    etag = pristine.get(VERSION).headers["ETag"]
    head = pristine.request("HEAD", VERSION, headers={"If-None-Match": etag})
    assert head.status_code == 304 and head.headers["ETag"] == etag


def test_head_with_a_key_sees_drafts(pristine):
    assert pristine.request("HEAD", f"{API}/components/web/releases/3.8.0").status_code == 404
    assert pristine.request("HEAD", f"{API}/components/web/releases/3.8.0", pristine.store.keys["read"]).status_code == 200


def test_head_of_a_write_only_route_is_not_found(pristine):
    assert pristine.request("HEAD", f"{API}/environments/production/rollback").status_code == 404
