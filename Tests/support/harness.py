"""The Python suites' harness: the built `shiplog` binary run as a command (`cli`) or as a server
(`Server`: `shiplog serve` on a loopback port, ready once it prints its address), and a local HTTP
receiver of webhooks (`Receiver`). Each suite makes the stores it needs (Tests/support/stores.py
says where they are) and imports the rest from here:

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
    from harness import Server, cli  # noqa: E402

The binary is SHIPLOG_BIN, else `.build/debug/shiplog` of this checkout: run `swift build` first.
"""
import hashlib
import hmac
import itertools
import json
import os
import re
import select
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("SHIPLOG_BIN") or ROOT / ".build" / "debug" / "shiplog")
DATA_FILE = ROOT / "site" / "data.json"
PAGE = "nimbus"
API = f"/api/v1/pages/{PAGE}"
TIMEOUT = 10


def require_binary():
    """Ends the run (a failure, not a skip) when the binary is not built."""
    if not BINARY.is_file():
        pytest.exit(f"{BINARY} is missing: run `swift build` first (or set SHIPLOG_BIN)", returncode=1)


def cli(*args, check=True, env=None, input=None, timeout=120):
    """Runs the shiplog binary; returns the finished process (stdout and stderr as text)."""
    result = subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                            env=env, input=input)
    if check and result.returncode != 0:
        raise AssertionError(f"shiplog {' '.join(map(str, args))} exited {result.returncode}: {result.stderr}")
    return result


def create_key(db, page, scope, *extra):
    """A new key of `page` with `scope`: (key, key id)."""
    result = cli("keys", "create", "--db", db, "--page", page, "--scope", scope, *extra)
    key = result.stdout.strip()
    assert key and "\n" not in key, "keys create prints the key alone on stdout"
    match = re.search(r"key (\S+) for page", result.stderr)
    assert match, result.stderr
    return key, match.group(1)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout=15.0, what="the condition", interval=0.05):
    """Polls `predicate` until it returns something truthy, and returns that; fails after `timeout` seconds."""
    start = time.monotonic()
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(interval)


def first_line(process, timeout, log=lambda: ""):
    """The first line a starting server (`process`, stdout piped) prints; kills it and fails when
    none comes within `timeout` seconds or it exits first (`log()` says why)."""
    deadline = time.monotonic() + timeout
    data = b""
    fd = process.stdout.fileno()
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            process.kill()
            raise AssertionError(f"the server did not start: {data!r}; log: {log()}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            data += os.read(fd, 4096)
    return data.split(b"\n", 1)[0].decode()


class Server:
    """`shiplog serve` on a store (`store.db`; its log, stderr, goes to a file in `store.directory`),
    on `port` (0: the port it reads from the server's first line on stdout); `env` adds variables to
    this process's environment. `stop()` sends SIGTERM and returns the exit status."""

    counter = itertools.count()

    def __init__(self, store, *arguments, port=0, env=None):
        self.store = store
        self.log_path = Path(store.directory) / f"server-{next(Server.counter)}.log"
        self._log = open(self.log_path, "wb")
        environment = dict(os.environ, SHIPLOG_OPENAPI=str(ROOT / "openapi.yaml"), **(env or {}))
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--db", str(store.db), "--port", str(port), *map(str, arguments)],
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=environment,
        )
        line = first_line(self.process, 30, self.log)
        match = re.fullmatch(r"shiplog serving on http://([^:]+):(\d+)", line)
        assert match, f"unexpected first line {line!r}; log: {self.log()}"
        self.port = int(match.group(2))
        assert port in (0, self.port), f"serving on {self.port}, not on {port}"
        self.base = f"http://127.0.0.1:{self.port}"
        self.session = requests.Session()

    def url(self, path):
        return self.base + path

    def request(self, method, path, key=None, how="bearer", **kwargs):
        """One request; `key` is sent as `how`: bearer (`Authorization: Bearer KEY`), bare
        (`Authorization: KEY`) or query (`?access_token=KEY`)."""
        headers = dict(kwargs.pop("headers", {}) or {})
        params = dict(kwargs.pop("params", {}) or {})
        if key is not None:
            if how == "bearer":
                headers["Authorization"] = f"Bearer {key}"
            elif how == "bare":
                headers["Authorization"] = key
            elif how == "query":
                params["access_token"] = key
            else:
                raise ValueError(how)
        kwargs.setdefault("timeout", TIMEOUT)
        return self.session.request(method, self.url(path), headers=headers, params=params, **kwargs)

    def get(self, path, key=None, **kwargs):
        return self.request("GET", path, key, **kwargs)

    def admin(self, method, path, **kwargs):
        return self.request(method, path, self.store.keys["admin"], **kwargs)

    def log(self):
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self):
        return self.process.poll() is None and self.get("/health").status_code == 200

    def stop(self, timeout=10):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"the server did not stop within {timeout} s of SIGTERM")
        self._close()
        return self.process.returncode

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._close()

    def _close(self):
        self.session.close()
        self.process.stdout.close()
        self._log.close()


def stop_after(running, exit_status=0):
    """For a fixture, `yield from stop_after(Server(…))`: yields the server, then stops it and checks
    that it exits with `exit_status` on SIGTERM (None: with any status)."""
    yield running
    status = running.stop()
    assert exit_status is None or status == exit_status, f"the server exited {status}, not {exit_status}"


class Receiver:
    """A local HTTP server that records every request and answers with the next status of
    `statuses` (the last one repeats; a 429 comes with `Retry-After: 1`); `statuses` may be changed while it runs."""

    def __init__(self, statuses=(200,), port=0):
        self.statuses = list(statuses)
        self.requests = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                    receiver.requests.append(
                        {"method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body, "status": status}
                    )
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, *statuses):
        with self.lock:
            self.statuses = list(statuses)

    def received(self, path=None):
        with self.lock:
            return [r for r in self.requests if path is None or r["path"] == path]

    def accepted(self, path=None):
        return [r for r in self.received(path) if 200 <= r["status"] < 300]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    """A `Receiver` for one test (import the fixture by name)."""
    running = Receiver()
    yield running
    running.close()


def signature(body, secret):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_json(request):
    return json.loads(request["body"].decode("utf-8"))
