"""Release e-mail subscriptions through the real `shiplog serve` (SPEC §6): the hosted-page
`PATCH /v1/pages/{page}/subscribers`, the static page's form, the confirm and unsubscribe links
(HTML pages) and the admin list: statuses, content types, error shapes, the auth matrix and
hostile inputs. What happens to the mail itself is tested in `Tests/mail`; here an SMTP sink
(aiosmtpd) only catches the links.

Subscription requests are limited to 10 a minute per client address unless `--rate-limit 0`
turns limits off, as it does for the shared server; each test still sends them from a loopback
source address of its own (127.0.x.y).
Stores, keys, servers and helpers are those of `test_api.py`.

    python3 -m pytest -q Tests/api/test_subscriptions.py
"""
import copy
import email
import email.policy
import itertools
import json
import re
import socket
import threading
import time
import urllib.parse

import pytest
import requests
import requests.adapters

from test_api import (
    API, CALLERS, PAGE, Server, Store, assert_error, assert_page_error, raw_request, send_bytes, unique,
    wait_for,
)

SUBSCRIBERS = f"/v1/pages/{PAGE}/subscribers"
FORM = f"{SUBSCRIBERS}/form"
CONFIRM = f"{SUBSCRIBERS}/confirm"
UNSUBSCRIBE = f"/v1/pages/{PAGE}/unsubscribe"
LIST = f"{API}/subscribers"
ACCEPTED = "Subscriber request accepted, pending email confirmation"
REMOVED = "Subscriber removal accepted"
DEFAULT_PREFERENCES = ["major", "minor", "patch"]


# MARK: - Clients from their own addresses


class SourceAddressAdapter(requests.adapters.HTTPAdapter):
    def __init__(self, address, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


_sources = itertools.count()


def next_source():
    n = next(_sources)
    return f"127.0.{2 + n // 250}.{2 + n % 250}"


def client(server, source=None):
    """`server` as seen from a client address of its own (its own subscription budget)."""
    session = requests.Session()
    session.mount("http://", SourceAddressAdapter(source or next_source()))
    other = copy.copy(server)
    other.session = session
    return other


def address():
    return f"reader{unique()}@example.com"


def add(address, preferences=None):
    data = {"type": "email", "value": address}
    if preferences is not None:
        data["preferences"] = preferences
    return {"op": "add", "data": data}


def subscribe(server, body, key=None, how="bearer"):
    return client(server).request("PATCH", SUBSCRIBERS, key, how=how, json=body)


def subscribers(server):
    response = server.admin("GET", LIST)
    assert response.status_code == 200, response.text
    return {entry["email"]: entry for entry in response.json()["items"]}


def assert_page(response, status, *texts):
    """An HTML page of the server: status, content type, no caching, and the texts it must contain."""
    assert response.status_code == status, f"{response.status_code} {response.text[:300]}"
    assert response.headers["Content-Type"].startswith("text/html"), response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.text.lstrip().lower().startswith("<!doctype html>")
    for text in texts:
        assert text in response.text, f"{text!r} not in the page"
    return response.text


# MARK: - PATCH /v1/pages/{page}/subscribers


def test_add_answers_202(server):
    reader = address()
    response = subscribe(server, add(reader, ["major", "minor"]))
    assert response.status_code == 202, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"message": ACCEPTED, "pageId": PAGE,
                               "data": {"type": "email", "value": reader, "preferences": ["major", "minor"]}}
    entry = subscribers(server)[reader]
    assert entry["state"] == "pending" and entry["preferences"] == ["major", "minor"]
    assert entry["confirmed_at"] is None and entry["unsubscribed_at"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["created_at"])


def test_add_defaults_and_duplicates(server):
    reader = address()
    default = subscribe(server, add(reader))
    assert default.status_code == 202
    assert default.json()["data"]["preferences"] == DEFAULT_PREFERENCES
    other = address()
    deduplicated = subscribe(server, add(other, ["patch", "patch", "prerelease"]))
    assert deduplicated.json()["data"]["preferences"] == ["patch", "prerelease"]
    # "type" may be left out.
    bare = subscribe(server, {"op": "add", "data": {"value": address()}})
    assert bare.status_code == 202 and bare.json()["data"]["type"] == "email"


def test_remove_answers_202_for_known_and_unknown_addresses(server):
    reader = address()
    assert subscribe(server, add(reader)).status_code == 202
    for value in (reader, address()):
        response = subscribe(server, {"op": "remove", "data": {"type": "email", "value": value}})
        assert response.status_code == 202, response.text
        assert response.json() == {"message": REMOVED, "pageId": PAGE, "data": {"type": "email", "value": value}}
    # Without the token of a mail link, a remove changes nothing (SPEC §6.2).
    listed = subscribers(server)
    assert listed[reader]["state"] == "pending" and listed[reader]["unsubscribed_at"] is None


@pytest.mark.parametrize("token", [5, "", "x" * 201, None])
def test_remove_token_must_be_a_token(server, token):
    response = subscribe(server, {"op": "remove", "data": {"type": "email", "value": address(), "token": token}})
    error = assert_page_error(response, 400, "bad-request")
    assert [cause["field"] for cause in error["error_causes"]] == ["data.token"], error


def test_add_answers_the_same_for_a_known_address(server):
    reader = address()
    first = subscribe(server, add(reader, ["major"]))
    second = subscribe(server, add(reader, ["major"]))
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()


@pytest.mark.parametrize("body,fields", [
    ({"data": {"type": "email", "value": "a@example.com"}}, ["op"]),
    ({"op": "subscribe", "data": {"type": "email", "value": "a@example.com"}}, ["op"]),
    ({"op": 1, "data": {"type": "email", "value": "a@example.com"}}, ["op"]),
    ({"op": "add"}, ["data"]),
    ({"op": "add", "data": "a@example.com"}, ["data"]),
    ({"op": "add", "data": {"type": "sms", "value": "a@example.com"}}, ["data.type"]),
    ({"op": "add", "data": {"type": "email"}}, ["data.value"]),
    ({"op": "add", "data": {"type": "email", "value": 5}}, ["data.value"]),
    ({"op": "add", "data": {"type": "email", "value": "no-at-sign"}}, ["data.value"]),
    ({"op": "add", "data": {"type": "email", "value": "a@example.com\r\nBcc: x@evil.example"}}, ["data.value"]),
    ({"op": "add", "data": {"type": "email", "value": "a b@example.com"}}, ["data.value"]),
    ({"op": "add", "data": {"type": "email", "value": "ü@example.com"}}, ["data.value"]),
    ({"op": "add", "data": {"type": "email", "value": "a" * 250 + "@example.com"}}, ["data.value"]),
    ({"op": "add", "data": {"type": "email", "value": ""}}, ["data.value"]),
    ({"op": "add", "data": {"type": "email", "value": "a@example.com", "preferences": []}}, ["data.preferences"]),
    ({"op": "add", "data": {"type": "email", "value": "a@example.com", "preferences": "major"}}, ["data.preferences"]),
    ({"op": "add", "data": {"type": "email", "value": "a@example.com", "preferences": ["huge"]}}, ["data.preferences[0]"]),
    ({"op": "add", "data": {"type": "email", "value": "a@example.com", "preferences": ["major", 1]}}, ["data.preferences[1]"]),
    ({"op": "add", "data": {"type": "email", "value": "a@example.com", "name": "Ann"}}, ["data.name"]),
    ({"op": "add", "data": {"type": "email", "value": "a@example.com"}, "page": "nimbus"}, ["page"]),
    ({"op": "nope", "data": {"type": "fax", "value": "x", "preferences": ["huge"], "extra": 1}, "more": 2},
     ["op", "more", "data.extra", "data.type", "data.value", "data.preferences[0]"]),
    (["add"], ["body"]),
])
def test_invalid_requests_name_each_cause(server, body, fields):
    error = assert_page_error(subscribe(server, body), 400, "bad-request")
    named = [cause["field"] for cause in error["error_causes"]]
    assert set(fields) <= set(named), error
    assert "a@example.com" not in subscribers(server)


@pytest.mark.parametrize("body", [b"", b"{", b"\xff", b'{"op": "add", "data": {"value": "a\\u0000@example.com"}}'])
def test_malformed_json(server, body):
    response = client(server).request("PATCH", SUBSCRIBERS, data=body, headers={"Content-Type": "application/json"})
    assert_page_error(response, 400, "bad-request")


def test_body_too_large(server):
    body = b'{"op": "add", "data": {"value": "' + b"a" * (1 << 20) + b'@example.com"}}'
    assert_page_error(client(server).request("PATCH", SUBSCRIBERS, data=body), 413, "payload-too-large")


# MARK: - Who may subscribe

SUBSCRIBE_AS = {"none": 202, "wrong": 403, "other": 404, "read": 202, "write": 202, "admin": 202}


@pytest.mark.parametrize("how", ["bearer", "bare", "query"])
@pytest.mark.parametrize("caller", CALLERS)
def test_subscribe_auth_matrix(server, store, caller, how):
    response = subscribe(server, add(address()), store.keys[caller], how=how)
    expected = SUBSCRIBE_AS[caller]
    if expected == 202:
        assert response.status_code == 202, response.text
    else:
        assert_page_error(response, expected, {403: "key-invalid", 404: "not-found"}[expected])


@pytest.mark.parametrize("caller,expected", [("none", 401), ("wrong", 401), ("other", 404), ("read", 403), ("write", 403), ("admin", 200)])
def test_subscriber_list_needs_admin(server, store, caller, expected):
    response = server.get(LIST, store.keys[caller])
    if expected == 200:
        assert response.status_code == 200 and isinstance(response.json()["items"], list)
    else:
        assert_error(response, expected)


def test_private_page(server, store):
    path = "/v1/pages/secret/subscribers"
    body = add(address())
    assert_page_error(client(server).request("PATCH", path, json=body), 403, "key-invalid")
    assert_page_error(client(server).request("PATCH", path, store.keys["admin"], json=body), 404, "not-found")  # a key of nimbus
    accepted = client(server).request("PATCH", path, store.keys["secret"], json=body)
    assert accepted.status_code == 202 and accepted.json()["pageId"] == "secret"
    assert_page_error(client(server).request("POST", "/v1/pages/secret/subscribers/form", data={"email": address()}), 403, "key-invalid")
    assert_error(server.get("/api/v1/pages/secret/subscribers", store.keys["secret"]), 403, "forbidden")


def test_unknown_page(server):
    for page in ("no-such-page", "NOT_A_SLUG"):
        assert_page_error(client(server).request("PATCH", f"/v1/pages/{page}/subscribers", json=add(address())), 404, "not-found")
        assert_page_error(client(server).request("POST", f"/v1/pages/{page}/subscribers/form", data={"email": address()}), 404, "not-found")


@pytest.fixture
def subscribe_limited(tmp_path):
    """A server with request limits on, high enough that only the subscriptions' own one counts."""
    running = Server(Store(tmp_path / "subscribe-limited"), "--rate-limit", "1000")
    yield running
    running.stop()


def test_subscription_rate_limit(subscribe_limited):
    """10 subscription requests a minute per client address, PATCH and form together; then 429."""
    server = subscribe_limited
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)
    same = client(server)
    answers = [same.request("PATCH", SUBSCRIBERS, json=add(address())).status_code for _ in range(6)]
    answers += [same.request("POST", FORM, data={"email": address()}).status_code for _ in range(4)]
    assert answers == [202] * 6 + [200] * 4
    refused = same.request("PATCH", SUBSCRIBERS, json=add(address()))
    body = assert_page_error(refused, 429, "rate-limited")
    assert "subscription" in body["error_description"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert_page_error(same.request("POST", FORM, data={"email": address()}), 429, "rate-limited")
    # Other client addresses do not share the budget.
    assert subscribe(server, add(address())).status_code == 202
    # Other routes are not limited by it.
    assert same.get(f"{API}/environments").status_code == 200


def test_no_subscription_limit_when_limits_are_off(server):
    """`serve --rate-limit 0` turns every request limit off (SPEC §6), the subscriptions' one too."""
    same = client(server)
    answers = [same.request("PATCH", SUBSCRIBERS, json=add(address())).status_code for _ in range(12)]
    answers += [same.request("POST", FORM, data={"email": address()}).status_code for _ in range(3)]
    assert answers == [202] * 12 + [200] * 3


# MARK: - The form


def test_form_answers_a_page(server):
    reader = address()
    response = client(server).request("POST", FORM, data=[("email", f"  {reader} "), ("preferences", "major"),
                                                           ("preferences", "prerelease"), ("preferences", "bogus")])
    assert_page(response, 200, reader)
    entry = subscribers(server)[reader]
    assert entry["state"] == "pending" and entry["preferences"] == ["major", "prerelease"]


def test_form_without_preferences_takes_the_defaults(server):
    reader = address()
    assert_page(client(server).request("POST", FORM, data={"email": reader}), 200)
    assert subscribers(server)[reader]["preferences"] == DEFAULT_PREFERENCES


@pytest.mark.parametrize("body", [
    b"",
    b"email=",
    b"email=not-an-address",
    b"email=a%0D%0ABcc%3A+x%40evil.example%40example.com",
    b"mail=a%40example.com",
    b"email=%ff%fe%40example.com",
    b"email=%",
    b"\xff\xfe\x00",
])
def test_form_invalid_answers_a_page_with_400(server, body):
    response = client(server).request("POST", FORM, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_page(response, 400)


def test_form_escapes_what_it_shows(server):
    hostile = '<script>alert(1)</script>"@example.com'
    text = assert_page(client(server).request("POST", FORM, data={"email": hostile}), 400)
    assert "<script>" not in text and "That address did not work" in text


@pytest.mark.parametrize("size", [64 * 1024 + 1, 70 * 1024, 2 << 20])
def test_form_body_too_large(healthy, size):
    body = b"email=a%40example.com&x="
    body += b"a" * (size - len(body))
    status, headers, content = send_bytes(healthy, "POST", FORM, body, content_type="application/x-www-form-urlencoded",
                                          source=next_source())
    assert status == 413, (status, content[:300])
    assert json.loads(content)["error"] == "payload-too-large", content[:300]


def test_form_body_at_the_limit_is_read(server):
    body = b"email=a%40example.com&x="
    body += b"a" * (64 * 1024 - len(body))
    response = client(server).request("POST", FORM, data=body)
    assert_page(response, 200, "a@example.com")


def test_form_ignores_the_content_type(server):
    reader = address()
    response = client(server).request("POST", FORM, data=f"email={urllib.parse.quote(reader)}".encode(),
                                      headers={"Content-Type": "text/plain"})
    assert_page(response, 200, reader)


# MARK: - The links: invalid ones


@pytest.mark.parametrize("method,path", [("GET", CONFIRM), ("POST", CONFIRM), ("GET", UNSUBSCRIBE), ("POST", UNSUBSCRIBE)])
@pytest.mark.parametrize("token", [None, "", "nope", "x" * 201, "a" * 64, "'; DROP TABLE subscribers; --", "%00", "../../etc/passwd"])
def test_invalid_links_answer_a_page_with_404(healthy, store, method, path, token):
    params = {} if token is None else {"token": token}
    response = healthy.request(method, path, params=params)
    assert_page(response, 404)
    assert "root:" not in response.text
    # A key changes nothing: the links need none.
    assert_page(healthy.request(method, path, store.keys["wrong"], params=params), 404)


@pytest.mark.parametrize("path", ["/v1/pages/no-such-page/subscribers/confirm", "/v1/pages/no-such-page/unsubscribe"])
def test_links_of_an_unknown_page(server, path):
    assert_page(server.get(path, params={"token": "abc"}), 404)


@pytest.mark.parametrize("path", ["/v1/pages/NOT_A_SLUG/subscribers/confirm", "/v1/pages/..%2F..%2Fetc/unsubscribe"])
def test_links_of_an_invalid_page_id_answer_json(server, path):
    status, head, body = raw_request(server, f"GET {path}?token=abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert status == 404 and "application/json" in head.lower(), (status, head)


# MARK: - The links: a real subscription, through an SMTP sink


class Sink:
    """aiosmtpd on loopback, keeping every message it accepts."""

    def __init__(self):
        controller = pytest.importorskip("aiosmtpd.controller")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.messages = []
        self.lock = threading.Lock()
        self.controller = controller.Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 2.0.0 accepted"

    def to(self, recipient, count=1):
        def found():
            with self.lock:
                mails = [m for r, m in self.messages if recipient in r]
            return mails if len(mails) >= count else None
        wait_for(found, timeout=10)
        return found()


@pytest.fixture(scope="module")
def mailing(tmp_path_factory):
    """A server that sends mail to a sink: (server, sink)."""
    sink = Sink()
    running = Server(Store(tmp_path_factory.mktemp("mailing")), "--rate-limit", "0", "--smtp", f"smtp://127.0.0.1:{sink.port}",
                     "--mail-from", "releases@nimbus.example", "--public-url", "https://links.example/")
    yield running, sink
    running.stop()
    sink.controller.stop()


def path_of(url):
    """The path and query of a link in a mail (it points at --public-url)."""
    parts = urllib.parse.urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}/" == "https://links.example/", url
    return parts.path + "?" + parts.query


def links(message):
    text = message.get_body(("plain",)).get_content()
    confirm = re.search(r"https://links\.example/\S+/subscribers/confirm\?token=[A-Za-z0-9_-]+", text)
    unsubscribe = re.fullmatch(r"<([^>]+)>", str(message["List-Unsubscribe"]).strip())
    assert confirm and unsubscribe, text
    return path_of(confirm.group(0)), path_of(unsubscribe.group(1))


def test_confirm_and_unsubscribe_pages(mailing):
    server, sink = mailing
    reader = address()
    assert subscribe(server, add(reader, ["minor"])).status_code == 202
    confirm, unsubscribe = links(sink.to(reader)[0])
    # Opening the confirmation link changes nothing (mail link scanners open every link); its
    # page's button POSTs to the same link.
    for _ in range(2):
        page = assert_page(server.get(confirm), 200, reader, "minor releases")
        assert re.search(r"<form[^>]+method=\"?post", page, re.IGNORECASE), page
        assert subscribers(server)[reader]["state"] == "pending"
    assert_page(server.request("POST", confirm), 200, reader)
    entry = subscribers(server)[reader]
    assert entry["state"] == "confirmed" and entry["confirmed_at"] and entry["preferences"] == ["minor"]
    assert_page(server.request("POST", confirm), 404)  # single use
    assert_page(server.get(confirm), 404)

    # Opening the unsubscribe link changes nothing; its page's button POSTs to the same link.
    page = assert_page(server.get(unsubscribe), 200, reader)
    assert re.search(r"<form[^>]+method=\"?post", page, re.IGNORECASE), page
    assert subscribers(server)[reader]["state"] == "confirmed"
    assert_page(server.request("POST", unsubscribe.replace(f"/v1/pages/{PAGE}/", "/v1/pages/other/")), 404)
    assert subscribers(server)[reader]["state"] == "confirmed"

    # One click (RFC 8058): a POST with the List-Unsubscribe-Post body unsubscribes at once.
    done = server.request("POST", unsubscribe, data="List-Unsubscribe=One-Click",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_page(done, 200, reader)
    entry = subscribers(server)[reader]
    assert entry["state"] == "unsubscribed" and entry["unsubscribed_at"]
    # The link keeps answering: the page says it is done.
    assert_page(server.get(unsubscribe), 200, reader)


def test_confirm_link_under_another_page_changes_nothing(mailing):
    server, sink = mailing
    reader = address()
    assert subscribe(server, add(reader)).status_code == 202
    confirm, _ = links(sink.to(reader)[0])
    assert_page(server.get(confirm.replace(f"/v1/pages/{PAGE}/", "/v1/pages/other/")), 404)
    assert_page(server.request("POST", confirm.replace(f"/v1/pages/{PAGE}/", "/v1/pages/other/")), 404)
    assert subscribers(server)[reader]["state"] == "pending"
    assert_page(server.request("POST", confirm), 200, reader)
    assert subscribers(server)[reader]["state"] == "confirmed"


def test_unsubscribe_before_confirming(mailing):
    server, sink = mailing
    reader = address()
    assert subscribe(server, add(reader)).status_code == 202
    confirm, unsubscribe = links(sink.to(reader)[0])
    assert_page(server.request("POST", unsubscribe), 200)
    assert subscribers(server)[reader]["state"] == "unsubscribed"


def test_subscriber_list_shape(mailing):
    server, _ = mailing
    reader = address()
    subscribe(server, add(reader, ["major", "prerelease"]))
    response = server.admin("GET", LIST)
    assert response.headers["Content-Type"].startswith("application/json")
    items = response.json()["items"]
    assert set(response.json()) == {"items", "next_cursor", "has_more", "total"}
    for item in items:
        assert set(item) == {"email", "state", "preferences", "created_at", "confirmed_at", "unsubscribed_at"}
        assert item["state"] in ("pending", "confirmed", "unsubscribed")
        assert set(item["preferences"]) <= {"major", "minor", "patch", "prerelease"}
    assert next(i for i in items if i["email"] == reader)["preferences"] == ["major", "prerelease"]


@pytest.mark.parametrize("method,path", [
    ("GET", SUBSCRIBERS),
    ("POST", SUBSCRIBERS),
    ("DELETE", SUBSCRIBERS),
    ("GET", FORM),
    ("DELETE", CONFIRM),
    ("DELETE", UNSUBSCRIBE),
    ("PATCH", LIST),
    ("DELETE", LIST),
])
def test_unknown_methods(healthy, store, method, path):
    response = client(healthy).request(method, path, store.keys["admin"])
    assert response.status_code in (404, 405)
    (assert_page_error if path.startswith("/v1/") else assert_error)(response, response.status_code)
