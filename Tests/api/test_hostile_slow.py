"""Slow requests and slow readers against the real `shiplog serve` (SPEC §6.2): a body that keeps
trickling is cut at the whole-request limit with a 408, a stalled body is answered 408 too, and a
client that takes none of its answers is reset after the write limit, while one that reads slowly
but steadily is served. (Silent and idle connections, trickled heads: test_hostile.py.)

The server runs with short limits (`--header-timeout 2 --body-timeout 1 --request-timeout 3
--write-timeout 1`).

    python3 -m pytest -q Tests/api/test_hostile_slow.py
"""
import json
import select
import socket
import time

import pytest
import requests

from test_api import API, Server, stop_after
from test_hostile import SLACK, connect, read_response, store, wait_closed  # noqa: F401  (store: a module's own, used by name)

LIMITS = ("--header-timeout", "2", "--body-timeout", "1", "--request-timeout", "3", "--write-timeout", "1")
# Linux's TCP state of a socket (struct tcp_info's first byte).
TCP_ESTABLISHED = 1


@pytest.fixture(scope="module")
def slow(store):
    yield from stop_after(Server(store, "--rate-limit", "0", *LIMITS))


def post_head(store, length):
    return (
        f"POST {API}/releases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {store.keys['admin']}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def assert_request_timeout(status, headers, body, flag):
    assert status == 408, (status, body)
    assert headers["content-type"].startswith("application/json") and headers.get("connection") == "close"
    error = json.loads(body)
    assert error["error"] == "request_timeout" and error["status"] == 408, error
    assert flag in error["message"], error["message"]


# MARK: - Bodies


def test_a_trickling_body_is_cut_at_the_request_limit(slow, store):
    """A byte every 0.4 s never stalls the body (1 s), but the whole request may take 3 s: then it is
    answered 408 and its connection closed."""
    with connect(slow) as connection:
        start = time.monotonic()
        connection.sendall(post_head(store, 1000) + b'{"component": "')
        while not select.select([connection], [], [], 0.4)[0]:
            assert time.monotonic() - start < 3 + SLACK, "the request is still read after its limit"
            try:
                connection.sendall(b"x")
            except (BrokenPipeError, ConnectionResetError):
                pytest.fail("the connection was reset instead of answered 408")
        elapsed = time.monotonic() - start
        assert elapsed >= 2.5, f"cut after {elapsed:.1f} s, before the request limit"
        assert_request_timeout(*read_response(connection), "--request-timeout")
        assert wait_closed(connection, 1 + SLACK) >= 0


def test_a_body_that_arrives_within_the_request_limit_is_read(slow, store):
    body = json.dumps({"component": "cli", "version": "0.0.9002", "status": "draft"}).encode()
    with connect(slow) as connection:
        connection.sendall(post_head(store, len(body)))
        for start in range(0, len(body), 8):
            connection.sendall(body[start:start + 8])
            time.sleep(1.5 / (len(body) / 8))
        assert read_response(connection)[0] == 201


def test_a_stalled_body_is_answered_408(slow, store):
    with connect(slow) as connection:
        connection.sendall(post_head(store, 100) + b'{"component": ')
        start = time.monotonic()
        assert select.select([connection], [], [], 1 + SLACK)[0], "no answer after the body stalled"
        assert time.monotonic() - start >= 0.5, "answered before the body had stalled for its limit"
        assert_request_timeout(*read_response(connection), "--body-timeout")
        assert wait_closed(connection, 1 + SLACK) >= 0


# MARK: - Answers the client does not take


def pipeline(connection, path, count):
    """Sends `count` requests for `path` without reading, as far as the socket takes them."""
    connection.setblocking(False)
    data = f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode() * count
    sent = 0
    deadline = time.monotonic() + 5
    while sent < len(data) and time.monotonic() < deadline:
        try:
            sent += connection.send(data[sent:])
        except BlockingIOError:
            break
    connection.setblocking(True)
    return sent // len(data) * count


def tcp_state(connection):
    return connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


def test_a_client_that_does_not_read_its_answers_is_reset(slow):
    """Many pipelined requests for the OpenAPI document (74 KB each), never read: once the server's
    buffers are full, it waits 1 s for the client to take some, then resets the connection."""
    with connect(slow) as connection:
        pipeline(connection, "/openapi.json", 2000)
        start = time.monotonic()
        while tcp_state(connection) == TCP_ESTABLISHED:
            # Filling the buffers (some MB on loopback) takes a moment before the limit starts.
            assert time.monotonic() - start < 1 + SLACK + 3, "a client that reads nothing kept its connection"
            time.sleep(0.1)
    assert requests.get(slow.url("/health"), timeout=5).status_code == 200


def test_a_client_that_reads_slowly_but_steadily_is_served(slow):
    """The write limit is a stall, not a rate. Here the server's buffers are full (the client's small
    receive window lets the system hold megabytes of answers it has no room to send) and the client
    takes them at some hundred KiB a second: the system frees room in the server's buffer only in
    large steps, seconds apart, but every byte the client acknowledges counts, so it is served."""
    connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    connection.settimeout(10)
    with connection:
        connection.connect(("127.0.0.1", slow.port))
        connection.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n" * 200)
        received = 0
        start = time.monotonic()
        while time.monotonic() - start < 4:
            try:
                chunk = connection.recv(65536)
            except ConnectionResetError:
                chunk = b""
            assert chunk, f"closed after {received} bytes in {time.monotonic() - start:.1f} s"
            received += len(chunk)
            time.sleep(0.1)
        assert received < 200 * 70_000, "read every answer before the test ended: nothing waited on the client"
    assert requests.get(slow.url("/health"), timeout=5).status_code == 200
