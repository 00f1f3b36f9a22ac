"""The version endpoint's fast path (`GET /v1/pages/{id}/version` answered ahead of the router)
through the real `shiplog serve`: it answers exactly what the router answers, keeps keys,
private pages, ETags, CORS, rate limits and request logs, and leaves pipelined answers in order.

The router's answer is reached with a percent-encoded page id (`nimbu%73`), which the fast path
leaves to the router: the two must agree but for `Date` and the rate limit's count.

    python3 -m pytest -q Tests/api/test_version_fast_path.py
"""
import re
import socket
import time

import pytest

from test_api import LOG_LINE, Server, Store, VERSION

PRIVATE = "/v1/pages/secret/version"
ROUTED = {VERSION: "/v1/pages/nimbu%73/version", PRIVATE: "/v1/pages/secre%74/version"}
VARYING = {"date", "x-ratelimit-remaining", "x-ratelimit-reset"}


def comparable(response):
    headers = {name.lower(): value for name, value in response.headers.items() if name.lower() not in VARYING}
    return response.status_code, headers, response.content


def etag(server):
    return server.get(VERSION).headers["ETag"]


CASES = {
    "anonymous": lambda s: ({}, None),
    "cors": lambda s: ({"Origin": "https://app.example"}, None),
    "etag matches": lambda s: ({"If-None-Match": etag(s)}, None),
    "weak etag in a list, cors": lambda s: ({"If-None-Match": f'"nope", W/{etag(s)}', "Origin": "https://x.example"}, None),
    "any etag": lambda s: ({"If-None-Match": "*"}, None),
    "other etag": lambda s: ({"If-None-Match": '"nope"'}, None),
    "read key": lambda s: ({}, "read"),
    "admin key": lambda s: ({}, "admin"),
    "wrong key": lambda s: ({}, "wrong"),
    "key of another page": lambda s: ({}, "other"),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("path", [VERSION, PRIVATE])
def test_same_answer_as_the_router(server, store, path, case):
    headers, key_name = CASES[case](server)
    key = store.keys["secret" if key_name in ("read", "admin") and path == PRIVATE else key_name] if key_name else None
    # A key's first use fills the key cache (through the router); the fast path answers the rest.
    for _ in range(2):
        fast = server.get(path, key, headers=headers)
    routed = server.get(ROUTED[path], key, headers=headers)
    assert comparable(fast) == comparable(routed)
    assert "Date" in fast.headers


def test_private_page_needs_its_key(server, store):
    assert server.get(PRIVATE).status_code == 403  # ReleasePage: key-invalid
    for _ in range(3):
        assert server.get(PRIVATE, store.keys["secret"]).status_code == 200
        assert server.get(PRIVATE, store.keys["read"]).status_code == 404  # a key of another page
        assert server.get(PRIVATE).status_code == 403


def test_a_revoked_key_stops_working(tmp_path):
    store = Store(tmp_path / "revoke")
    running = Server(store, "--rate-limit", "0")
    try:
        for _ in range(3):
            assert running.get(PRIVATE, store.keys["secret"]).status_code == 200
        from test_api import cli
        cli("keys", "revoke", "--db", store.db, store.key_ids["secret"])
        deadline = time.monotonic() + 10
        while running.get(PRIVATE, store.keys["secret"]).status_code == 200:
            assert time.monotonic() < deadline, "the revoked key still reads the private page"
            time.sleep(0.2)
        assert running.get(PRIVATE, store.keys["secret"]).status_code == 403
    finally:
        running.stop()


def test_rate_limit_counts_each_request_once(tmp_path):
    running = Server(Store(tmp_path / "limited"), "--rate-limit", "5")
    try:
        if time.time() % 60 > 50:
            time.sleep(61 - time.time() % 60)
        remaining = [int(running.get(path).headers["X-RateLimit-Remaining"]) for path in (VERSION, ROUTED[VERSION]) * 2 + (VERSION,)]
        assert remaining == [4, 3, 2, 1, 0]
        for path in (VERSION, ROUTED[VERSION]):
            refused = running.get(path)
            assert refused.status_code == 429 and refused.json()["error"] == "rate-limited"
            assert 1 <= int(refused.headers["Retry-After"]) <= 60
            assert refused.headers["X-RateLimit-Remaining"] == "0"
    finally:
        running.stop()


@pytest.mark.parametrize("level,logged", [("info", True), ("warning", False)])
def test_request_log_follows_the_level(tmp_path, level, logged):
    running = Server(Store(tmp_path / level), "--rate-limit", "0", "--log-level", level)
    try:
        for _ in range(3):
            assert running.get(VERSION).status_code == 200
        running.stop()
        log = running.log_path.read_text(encoding="utf-8")
        lines = [match for match in map(LOG_LINE.search, log.splitlines()) if match and match.group(2) == VERSION]
        assert len(lines) == (3 if logged else 0), log
        assert all(match.group(3) == "200" for match in lines)
    finally:
        running.stop()


def read_answers(connection, count):
    """Reads `count` answers with a Content-Length (or none, for 304); returns (status, body) pairs."""
    data, answers = b"", []
    while len(answers) < count:
        if b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            assert chunk, f"closed after {len(answers)} answers"
            data += chunk
            continue
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int((re.search(rb"(?im)^content-length:\s*(\d+)", head) or [b"", b"0"])[1])
        while len(rest) < length:
            chunk = connection.recv(65536)
            assert chunk, "closed in the middle of a body"
            rest += chunk
        answers.append((int(head.split(b" ", 2)[1]), rest[:length]))
        data = rest[length:]
    return answers


def test_pipelined_answers_keep_their_order(server):
    requests = [
        "GET /health HTTP/1.1", f"GET {VERSION} HTTP/1.1", "GET /api/v1/pages/nimbus HTTP/1.1", f"GET {VERSION} HTTP/1.1",
        "GET /nope HTTP/1.1", f"GET {VERSION} HTTP/1.1",
    ]
    data = "".join(f"{line}\r\nHost: x\r\n\r\n" for line in requests).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(data)
        answers = read_answers(connection, len(requests))
    document = server.get(VERSION).content
    assert [status for status, _ in answers] == [200, 200, 200, 200, 404, 200]
    assert b'"status"' in answers[0][1]
    assert answers[1][1] == answers[3][1] == answers[5][1] == document
    assert b'"components"' in answers[2][1]


def test_many_answers_on_one_connection_and_close_when_asked(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        for _ in range(50):
            connection.sendall(f"GET {VERSION} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            assert read_answers(connection, 1)[0][0] == 200
        connection.sendall(f"GET {VERSION} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        assert read_answers(connection, 1)[0][0] == 200
        connection.settimeout(5)
        assert connection.recv(1) == b"", "the connection stays open after Connection: close"


def test_http_1_0_is_closed_after_the_answer(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(f"GET {VERSION} HTTP/1.0\r\n\r\n".encode())
        assert read_answers(connection, 1)[0][0] == 200
        connection.settimeout(5)
        assert connection.recv(1) == b""


def test_a_get_with_a_body_is_left_to_the_router(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(f"GET {VERSION} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}GET {VERSION} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        answers = read_answers(connection, 2)
    assert [status for status, _ in answers] == [200, 200]
    assert answers[0][1] == answers[1][1]
