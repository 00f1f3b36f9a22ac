"""`Expect: 100-continue` against the real `shiplog serve` (RFC 9110 §10.1.1): a client that waits
for `100 Continue` before it sends its body (curl does, for larger bodies) gets it at once; an
HTTP/1.0 request gets none; a refused request is answered after its body as usual; and a pipelined
request's `100` waits until the answer before it has ended.

    python3 -m pytest -q Tests/api/test_expect_continue.py
"""
import json
import select
import socket
import subprocess
import time

import pytest

from test_api import API, Server, stop_after, unique
from test_hostile import connect, store  # noqa: F401  (store: a module's own, used by name)

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


@pytest.fixture(scope="module")
def served(store):
    yield from stop_after(Server(store, "--rate-limit", "0"))


class Reader:
    """Reads a connection's answers one by one, keeping what arrived after the one read."""

    def __init__(self, connection):
        self.connection = connection
        self.data = b""

    def wait(self, seconds):
        """Whether bytes arrive within `seconds` (those already read count)."""
        if self.data:
            return True
        ready, _, _ = select.select([self.connection], [], [], seconds)
        if ready:
            chunk = self.connection.recv(65536)
            assert chunk, "the server closed the connection"
            self.data += chunk
        return bool(self.data)

    def head(self):
        """The next answer's status line and headers, as (status, headers)."""
        while b"\r\n\r\n" not in self.data:
            chunk = self.connection.recv(65536)
            assert chunk, f"closed before a whole head: {self.data!r}"
            self.data += chunk
        head, _, self.data = self.data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return int(lines[0].split()[1]), headers

    def answer(self):
        """The next final answer (status, headers, body); fails on a 100 before it."""
        status, headers = self.head()
        assert status >= 200, f"an interim {status} where a final answer was due"
        length = int(headers.get("content-length", "0"))
        while len(self.data) < length:
            chunk = self.connection.recv(65536)
            assert chunk, "closed inside the body"
            self.data += chunk
        body, self.data = self.data[:length], self.data[length:]
        return status, headers, body


def release_body():
    return json.dumps({"component": "cli", "version": f"9.{unique()}.0", "status": "draft", "notes": "x" * 2000}).encode()


def post(store, body, version="HTTP/1.1", key="admin", expect="100-continue"):
    return (
        f"POST {API}/releases {version}\r\nHost: x\r\nAuthorization: Bearer {store.keys[key]}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nExpect: {expect}\r\n\r\n"
    ).encode()


def continue_then_body(reader, body):
    """Waits for the 100 Continue (5 s at most), sends `body`, and returns the final answer."""
    assert reader.wait(5), "no 100 Continue within 5 s"
    assert reader.data.startswith(CONTINUE), reader.data
    assert reader.head()[0] == 100
    reader.connection.sendall(body)
    return reader.answer()


def test_the_continue_comes_before_the_body_is_sent(served, store):
    body = release_body()
    with connect(served) as connection:
        reader = Reader(connection)
        connection.sendall(post(store, body))
        status, _, answer = continue_then_body(reader, body)
        assert status == 201, answer


@pytest.mark.parametrize("expect", ["100-Continue", " 100-continue "])
def test_the_expectation_is_read_without_regard_to_case_or_spaces(served, store, expect):
    body = release_body()
    with connect(served) as connection:
        reader = Reader(connection)
        connection.sendall(post(store, body, expect=expect))
        assert continue_then_body(reader, body)[0] == 201


def test_an_http_1_0_request_gets_no_continue(served, store):
    body = release_body()
    with connect(served) as connection:
        reader = Reader(connection)
        connection.sendall(post(store, body, version="HTTP/1.0"))
        assert not reader.wait(1.5), f"an HTTP/1.0 request was sent {reader.data!r}"
        connection.sendall(body)
        assert reader.answer()[0] == 201


def test_a_refused_request_is_answered_after_its_body_and_the_connection_goes_on(served, store):
    """The 100 comes at once (RFC 9110 lets a server send it before it knows its answer); the client
    sends its body, gets the 401, and the same connection serves the next request."""
    body = release_body()
    with connect(served) as connection:
        reader = Reader(connection)
        head = post(store, body).replace(f"Bearer {store.keys['admin']}".encode(), b"Bearer wrong")
        connection.sendall(head)
        status, _, answer = continue_then_body(reader, body)
        assert status == 401 and json.loads(answer)["status"] == 401, answer
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert reader.answer()[0] == 200


def test_a_pipelined_requests_continue_waits_for_the_answer_before_it(served, store):
    """Two requests sent at once: the second's 100 comes after the first's whole answer."""
    body = release_body()
    with connect(served) as connection:
        reader = Reader(connection)
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" + post(store, body))
        status, _, _ = reader.answer()
        assert status == 200
        assert continue_then_body(reader, body)[0] == 201


def test_curl_posting_a_large_release_does_not_wait_for_the_continue(served, store):
    """curl waits up to 30 s here for the 100 before it sends the body; it is answered at once."""
    body = release_body()
    start = time.monotonic()
    result = subprocess.run(
        [
            "curl", "-sS", "--fail-with-body", "--expect100-timeout", "30", "-H", "Expect: 100-continue",
            "-H", f"Authorization: Bearer {store.keys['admin']}", "-H", "Content-Type: application/json",
            "--data-binary", "@-", f"http://127.0.0.1:{served.port}{API}/releases",
        ],
        input=body, capture_output=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["version"] == json.loads(body)["version"]
    assert time.monotonic() - start < 10


def test_the_continue_after_a_head_answer_carries_no_length(served, store):
    """A 1xx has no content (RFC 9110 §8.6): the Content-Length a HEAD answer gets is not added to
    the 100 of the next request on the connection."""
    body = release_body()
    with connect(served) as connection:
        reader = Reader(connection)
        connection.sendall(b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers = reader.head()
        assert status == 200 and "content-length" in headers
        connection.sendall(post(store, body))
        assert reader.wait(5), "no 100 Continue within 5 s"
        status, headers = reader.head()
        assert status == 100 and headers == {}, headers
        connection.sendall(body)
        assert reader.answer()[0] == 201
