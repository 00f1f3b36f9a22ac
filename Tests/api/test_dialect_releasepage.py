"""ReleasePage's dialect (SPEC §7, seed 001_…) on `/v1/pages/{pageId}/…` through the real
`shiplog serve`: the seed's requests as it shows them (only the base URL and the key changed),
its error shape `{error, error_description, error_uri, error_causes?}`, 403 `key-invalid` for a
wrong or missing key, `X-ReleasePage-Media-Type` on every answer, `Cache-Control: no-cache` with
the ETag on the version endpoint (304 kept cheap).

    python3 -m pytest -q Tests/api/test_dialect_releasepage.py
"""
import http.client

import pytest

import test_subscriptions as subscriptions
from test_api import API, VERSION, assert_page_error

MEDIA = "releasepage.v1"
KEY_INVALID = {
    "error": "key-invalid",
    "error_description": "The client API key is invalid",
    "error_uri": "",
    "error_causes": [{"field": "apiKey", "error": "invalid"}],
}
SUBSCRIBERS = "/v1/pages/nimbus/subscribers"


def subscribe(server, body, key=None, **kwargs):
    return subscriptions.client(server).request("PATCH", SUBSCRIBERS, key, how="bare", json=body, **kwargs)


# MARK: - The seed's examples


def test_seed_version_example(server, store):
    """`curl -H "Authorization: test.x7izhgezWg" …/version`: the bare key of the seed."""
    response = server.get(VERSION, store.keys["read"], how="bare")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["X-ReleasePage-Media-Type"] == MEDIA
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["ETag"].startswith('"')
    browser = server.get(VERSION, headers={"Origin": "https://x.example"})
    assert browser.headers["Access-Control-Allow-Origin"] == "*"
    assert "x-releasepage-media-type" in browser.headers["Access-Control-Expose-Headers"].lower()
    body = response.json()
    assert isinstance(body["latest"], list) and body["latest"]
    for entry in body["latest"]:
        assert set(entry) == {"repo", "version", "author", "published_at", "name"}, entry
    assert set(body["latestGrouped"]) == {"version", "authors", "published_at", "repos"}


def test_seed_subscribe_example(server, store):
    address = subscriptions.address()
    response = subscribe(server, {"op": "add", "data": {"type": "email", "value": address, "preferences": ["major", "minor", "patch"]}},
                         store.keys["read"])
    assert response.status_code == 202, response.text
    assert response.headers["X-ReleasePage-Media-Type"] == MEDIA
    body = response.json()
    assert body["message"] == "Subscriber request accepted, pending email confirmation"
    assert body["pageId"] == "nimbus"
    assert body["data"]["value"] == address and body["data"]["preferences"] == ["major", "minor", "patch"]


def test_seed_error_example(server):
    """The seed's 403: a missing key where one is needed (a private page)."""
    response = server.get("/v1/pages/secret/version")
    assert response.status_code == 403
    assert response.json() == KEY_INVALID
    assert response.headers["X-ReleasePage-Media-Type"] == MEDIA
    assert "WWW-Authenticate" not in response.headers


# MARK: - Keys


@pytest.mark.parametrize("how", ["bearer", "bare", "query"])
@pytest.mark.parametrize("path,caller,expected", [
    (VERSION, "none", 200),  # a public page needs no key
    (VERSION, "wrong", 403),  # a wrong key presented is judged, on a public page too (SPEC §6)
    (VERSION, "other", 404),  # another page's key: not found, never forbidden
    (VERSION, "read", 200),
    ("/v1/pages/secret/version", "none", 403),
    ("/v1/pages/secret/version", "wrong", 403),
    ("/v1/pages/secret/version", "read", 404),  # a key of nimbus
    ("/v1/pages/secret/version", "secret", 200),
])
def test_version_keys(server, store, path, caller, expected, how):
    response = server.get(path, store.keys[caller] if caller != "none" else None, how=how)
    if expected == 200:
        assert response.status_code == 200, response.text
        assert response.headers["X-ReleasePage-Media-Type"] == MEDIA
    elif expected == 403:
        assert_page_error(response, 403, "key-invalid")
        assert response.json() == KEY_INVALID
    else:
        body = assert_page_error(response, 404, "not-found")
        assert body["error_causes"] == []


@pytest.mark.parametrize("caller,expected", [("none", 202), ("wrong", 403), ("other", 404), ("read", 202)])
def test_subscribe_keys(server, store, caller, expected):
    response = subscribe(server, {"op": "add", "data": {"type": "email", "value": subscriptions.address()}},
                         store.keys[caller] if caller != "none" else None)
    if expected == 202:
        assert response.status_code == 202, response.text
    else:
        assert_page_error(response, expected)


# MARK: - Errors, each in the dialect's shape


def test_bad_request_names_the_fields(server):
    body = assert_page_error(subscribe(server, {"op": "nope", "data": {"value": "not-an-address"}}), 400, "bad-request")
    fields = {cause["field"] for cause in body["error_causes"]}
    assert "op" in fields, body


def test_bad_json(server):
    response = subscriptions.client(server).request("PATCH", SUBSCRIBERS, data=b"{", headers={"Content-Type": "application/json"})
    assert_page_error(response, 400, "bad-request", field="body")


@pytest.mark.parametrize("method,path,status,code", [
    ("GET", "/v1/pages/no-such-page/version", 404, "not-found"),
    ("GET", "/v1/pages/nimbus/nope", 404, "not-found"),
    ("POST", VERSION, 405, "method-not-allowed"),
    ("DELETE", SUBSCRIBERS, 405, "method-not-allowed"),
])
def test_unknown_things(server, method, path, status, code):
    response = server.request(method, path)
    assert response.status_code in (404, 405)
    if response.status_code == status:
        assert_page_error(response, status, code)
    else:
        assert_page_error(response, response.status_code)


def test_body_too_large(server):
    body = b'{"op": "add", "data": {"value": "' + b"a" * (1 << 20) + b'@example.com"}}'
    response = subscriptions.client(server).request("PATCH", SUBSCRIBERS, data=body)
    assert_page_error(response, 413, "payload-too-large")


def test_rate_limited(limited):
    for _ in range(3):
        assert limited.get(VERSION).status_code == 200
    refused = limited.get(VERSION)
    body = assert_page_error(refused, 429, "rate-limited")
    assert "3" in body["error_description"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Remaining"] == "0"


def test_native_routes_keep_the_native_shape(server, store):
    """Only /v1/pages speaks ReleasePage: the native API still answers 401 {error, message, status}."""
    response = server.get(f"{API}/releases", store.keys["wrong"])
    assert response.status_code == 401
    assert set(response.json()) >= {"error", "message", "status"}
    assert "X-ReleasePage-Media-Type" not in response.headers


# MARK: - Caching


def test_version_no_cache_and_304(server):
    first = server.get(VERSION)
    etag = first.headers["ETag"]
    for _ in range(3):  # the fast path answers these, the router the first
        again = server.get(VERSION, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == "no-cache"
        assert again.headers["X-ReleasePage-Media-Type"] == MEDIA
    routed = server.get("/v1/pages/nimbu%73/version", headers={"If-None-Match": etag})
    assert routed.status_code == 304 and routed.headers["Cache-Control"] == "no-cache"
    assert routed.headers["X-ReleasePage-Media-Type"] == MEDIA


def test_private_version_is_private_no_cache(server, store):
    response = server.get("/v1/pages/secret/version", store.keys["secret"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"


# MARK: - The HTML pages stay HTML


@pytest.mark.parametrize("path", ["/v1/pages/nimbus/subscribers/confirm?token=" + "ab" * 24, "/v1/pages/nimbus/unsubscribe?token=" + "ab" * 24])
def test_link_pages_stay_html(server, path):
    response = server.get(path)
    assert response.headers["Content-Type"].startswith("text/html"), response.headers
    assert response.headers["X-ReleasePage-Media-Type"] == MEDIA


def test_form_answers_html(server):
    response = subscriptions.client(server).request("POST", "/v1/pages/nimbus/subscribers/form", data={"email": subscriptions.address()})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["X-ReleasePage-Media-Type"] == MEDIA


def test_raw_404_is_json_in_the_dialect(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/v1/pages/..%2F..%2Fetc%2Fpasswd/version")
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 404 and b'"not-found"' in body
