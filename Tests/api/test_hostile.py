"""Hostile requests against the real `shiplog serve` (SPEC §6.2): slow and silent connections are
closed within their limits, `/health` answers load balancers whatever the rate limit, and what the
HTTP parser refuses is answered with its reason. (Trickled bodies and clients that do not read:
test_hostile_slow.py; the static site's rules: test_hostile_site.py.)

Slow-connection cases run against a server with short limits (`--header-timeout 1 --idle-timeout 2
--body-timeout 1`) to stay quick; one case checks the default header limit (10 s) on a real socket.

    python3 -m pytest -q Tests/api/test_hostile.py
"""
import json
import os
import re
import select
import socket
import subprocess
import time

import pytest
import requests

from test_api import API, BINARY, ROOT, VERSION, Server, Store, cli, raw_request, stop_after

SHORT = ("--header-timeout", "1", "--idle-timeout", "2", "--body-timeout", "1")
# How much later than its limit a connection may close (scheduling on a busy 2-core CI machine).
SLACK = 1.5


# MARK: - Helpers


def connect(server, family=socket.AF_INET, host="127.0.0.1"):
    connection = socket.socket(family, socket.SOCK_STREAM)
    connection.settimeout(30)
    connection.connect((host, server.port))
    return connection


def wait_closed(connection, limit):
    """Reads (and drops) whatever comes until the server closes; returns the seconds that took,
    or fails once `limit` seconds passed with the connection still open."""
    start = time.monotonic()
    while True:
        remaining = limit - (time.monotonic() - start)
        assert remaining > 0, f"the connection is still open after {limit:.1f} s"
        ready, _, _ = select.select([connection], [], [], remaining)
        if not ready:
            continue
        try:
            chunk = connection.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - start
        if not chunk:
            return time.monotonic() - start


def read_response(connection):
    """Reads one whole response with a Content-Length; returns (status, headers dict, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        assert chunk, f"closed before the answer's head: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = connection.recv(65536)
        assert chunk, "closed in the middle of the answer's body"
        body += chunk
    return int(lines[0].split(" ")[1]), headers, body


def is_open(connection, seconds):
    """Whether the connection stays open (nothing, not even a close, arrives) for `seconds`."""
    ready, _, _ = select.select([connection], [], [], seconds)
    return not ready


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return Store(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def quick(store):
    """A server with short connection limits."""
    yield from stop_after(Server(store, "--rate-limit", "0", *SHORT))


@pytest.fixture(scope="module")
def default(store):
    """A server with the default limits."""
    yield from stop_after(Server(store, "--rate-limit", "0"))


# MARK: - Connection limits (SPEC §6.2)


def test_a_connection_that_sends_nothing_is_closed(quick):
    with connect(quick) as connection:
        assert is_open(connection, 0.5), "closed before its header time was up"
        assert wait_closed(connection, 1 + SLACK) >= 0


def test_trickled_headers_are_cut_off(quick):
    """Slowloris: a byte every 0.2 s never completes the head; the server does not wait for it."""
    with connect(quick) as connection:
        start = time.monotonic()
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        closed = False
        while time.monotonic() - start < 1 + SLACK:
            try:
                connection.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            ready, _, _ = select.select([connection], [], [], 0.2)
            if ready:
                try:
                    if not connection.recv(65536):
                        closed = True
                        break
                except ConnectionResetError:
                    closed = True
                    break
        assert closed, "a head trickled byte by byte kept the connection open past the header limit"


def test_an_idle_keep_alive_connection_is_closed(quick):
    with connect(quick) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers, _ = read_response(connection)
        assert status == 200
        assert is_open(connection, 1.2), "closed before its idle time was up"
        assert wait_closed(connection, 0.8 + SLACK) >= 0


def test_requests_that_keep_coming_keep_the_connection(quick):
    """A busy keep-alive connection is not cut by the header or idle limits."""
    with connect(quick) as connection:
        start = time.monotonic()
        while time.monotonic() - start < 3:
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_response(connection)[0] == 200
            time.sleep(0.4)


def test_a_stalled_body_ends_the_request(quick, store):
    with connect(quick) as connection:
        connection.sendall(
            f"POST {API}/releases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {store.keys['admin']}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"component\": ".encode()
        )
        elapsed = wait_closed(connection, 1 + SLACK)
        assert elapsed >= 0.5, "closed before the body had stalled for its limit"


def test_a_slowly_flowing_body_is_read(quick, store):
    """The body limit is a stall, not a total: a body that keeps coming is read whole."""
    body = json.dumps({"component": "cli", "version": "0.0.9001", "status": "draft"}).encode()
    with connect(quick) as connection:
        connection.sendall(
            f"POST {API}/releases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {store.keys['admin']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        for start in range(0, len(body), len(body) // 5 + 1):
            connection.sendall(body[start:start + len(body) // 5 + 1])
            time.sleep(0.4)
        assert read_response(connection)[0] == 201


@pytest.mark.parametrize("request_bytes", [
    b"GET /health HTTP/1.0\r\n\r\n",
    b"GET /health HTTP/1.0\r\nHost: x\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
])
def test_a_connection_without_keep_alive_is_closed_after_the_answer(default, request_bytes):
    """Closed right after the answer, not after the idle limit (60 s on this server)."""
    with connect(default) as connection:
        connection.sendall(request_bytes)
        status, headers, _ = read_response(connection)
        assert status == 200
        assert headers.get("connection", "").lower() == "close"
        assert wait_closed(connection, 2) < 2


def test_http_1_0_with_keep_alive_stays_open(default):
    with connect(default) as connection:
        for _ in range(2):
            connection.sendall(b"GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            assert read_response(connection)[0] == 200


def test_many_slow_connections_do_not_exhaust_the_server(quick):
    connections = [connect(quick) for _ in range(100)]
    try:
        for connection in connections:
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        start = time.monotonic()
        for connection in connections:
            wait_closed(connection, max(0.1, 1 + 2 * SLACK - (time.monotonic() - start)))
        assert requests.get(quick.url("/health"), timeout=5).status_code == 200
    finally:
        for connection in connections:
            connection.close()


def test_the_default_header_limit_is_ten_seconds(default):
    """The SPEC's limits are what `serve` uses unless told otherwise: on a real socket, a silent
    connection lives 10 s; the help states all five."""
    with connect(default) as connection:
        start = time.monotonic()
        closed_after = wait_closed(connection, 10 + SLACK + 1)
        assert 9.5 <= time.monotonic() - start and closed_after <= 10 + SLACK + 1
    usage = cli("serve", "--help").stdout
    limits = (("--header-timeout", 10), ("--idle-timeout", 60), ("--body-timeout", 30), ("--request-timeout", 120),
              ("--write-timeout", 30))
    for flag, seconds in limits:
        assert re.search(re.escape(flag) + r" <s>.*\(default: " + str(seconds) + r"\)", usage, re.S), usage


@pytest.mark.parametrize(
    "flag", ["--header-timeout", "--idle-timeout", "--body-timeout", "--request-timeout", "--write-timeout"])
def test_timeouts_must_be_positive(store, flag):
    result = cli("serve", "--db", store.db, "--port", "0", flag, "0", check=False)
    assert result.returncode == 64 and flag in result.stderr


def test_a_port_in_use_is_one_line_and_exit_74(store):
    """A port another process holds: one line naming it, exit 74 (I/O), no log of work cut short."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = cli("serve", "--db", store.db, "--port", port, check=False, timeout=60)
    assert result.returncode == 74, result.stderr
    assert f"cannot listen on 127.0.0.1:{port}: address already in use" in result.stderr
    assert "CancellationError" not in result.stderr and "errno" not in result.stderr, result.stderr


# MARK: - Health and rate limits


def test_health_answers_head_and_is_never_rate_limited(tmp_path):
    running = Server(Store(tmp_path / "limited"), "--rate-limit", "2")
    try:
        for _ in range(3):
            running.get(VERSION)
        assert running.get(VERSION).status_code == 429
        for method in ("GET", "HEAD") * 10:
            response = running.request(method, "/health")
            assert response.status_code == 200, method
            assert "X-RateLimit-Remaining" not in response.headers
        head = running.request("HEAD", "/health")
        assert head.content == b"" and head.headers["Content-Type"].startswith("application/json")
    finally:
        assert running.stop() == 0


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here; Tests/ShiplogServerTests checks the /64 key")
def test_ipv6_clients_are_served_and_limited(tmp_path):
    """Through [::1]: the limit applies to an IPv6 client (per /64: ClientAddressTests)."""
    store = Store(tmp_path / "v6")
    process = subprocess.Popen(
        [str(BINARY), "serve", "--db", str(store.db), "--host", "::1", "--port", "0", "--rate-limit", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=dict(os.environ, SHIPLOG_OPENAPI=str(ROOT / "openapi.yaml")),
    )
    try:
        line = process.stdout.readline().strip()
        match = re.fullmatch(r"shiplog serving on http://\[::1\]:(\d+)", line)
        assert match, line
        base = f"http://[::1]:{match.group(1)}"
        statuses = [requests.get(base + VERSION, timeout=5).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert requests.get(base + "/health", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


# MARK: - Parser errors name the problem


@pytest.mark.parametrize("request_bytes,words", [
    (b"GET /health HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", "header"),
    (b"GET /health HTTP/1.1\r\nHost: x\r\nX-Ctl: a\x01b\r\n\r\n", "header"),
    (b"G(T /health HTTP/1.1\r\nHost: x\r\n\r\n", "method"),
    (b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 100_000 + b"\r\n\r\n", "too large"),
    (b"GET /h\xffalth HTTP/1.1\r\nHost: x\r\n\r\n", "ASCII"),
    (b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n", "Content-Length"),
    (b"GET /health HTTP/1.1\r\n\r\n", "Host"),
    (b"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "Host"),
    (b"GET /health HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", "Host"),
])
def test_parser_errors_name_the_problem(default, request_bytes, words):
    status, head, body = raw_request(default, request_bytes, timeout=5)
    assert status == 400, (status, head)
    error = json.loads(body)
    assert error["error"] == "malformed_http" and error["status"] == 400
    assert words in error["message"], error["message"]


def test_http_1_0_needs_no_host(default):
    status, _, body = raw_request(default, b"GET /health HTTP/1.0\r\n\r\n", timeout=5)
    assert status == 200 and json.loads(body) == {"status": "ok"}


def test_answers_to_head_carry_no_body(default):
    """Whatever answers a HEAD (a route, an error, a 404), no body bytes follow its head, so the next
    answer on the connection is read from its start."""
    with connect(default) as connection:
        connection.sendall(
            b"HEAD /api/v1/pages/nimbus/nope HTTP/1.1\r\nHost: x\r\n\r\n"
            b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"
            b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    parts = answer.split(b"\r\n\r\n")
    assert [part.split(b" ")[1] for part in parts[:3]] == [b"404", b"200", b"200"], answer
    assert parts[3] == b'{"status":"ok"}', answer
