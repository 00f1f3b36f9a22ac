"""Real processes for the webhook and CI-client tests: the built `shiplog` binary on a temporary
store (site/data.json imported, keys of every scope), and a local HTTP receiver.

The binary is SHIPLOG_BIN (or SHIPLOG_BINARY), else `.build/debug/shiplog`: run `swift build` first.
"""
import hashlib
import hmac
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "support"))
from stores import new_db  # noqa: E402

BINARY = Path(os.environ.get("SHIPLOG_BIN") or os.environ.get("SHIPLOG_BINARY") or ROOT / ".build" / "debug" / "shiplog")
DATA_FILE = ROOT / "site" / "data.json"
PAGE = "nimbus"
API = f"/api/v1/pages/{PAGE}"
TIMEOUT = 10


def cli(*args, check=True, env=None, timeout=120):
    """Runs the shiplog binary; returns the finished process (stdout and stderr as text)."""
    result = subprocess.run(
        [str(BINARY), *map(str, args)], capture_output=True, text=True, timeout=timeout, env=env
    )
    if check and result.returncode != 0:
        raise AssertionError(f"shiplog {' '.join(map(str, args))} exited {result.returncode}: {result.stderr}")
    return result


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Store:
    """A temporary store with the example data and an admin, a write and a read key of "nimbus"."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.db = new_db(self.directory)  # SQLite, or PostgreSQL with SHIPLOG_TEST_STORE=postgres
        cli("import", "--db", self.db, DATA_FILE)
        self.keys = {}
        for scope in ("read", "write", "admin"):
            self.keys[scope] = cli("keys", "create", "--db", self.db, "--page", PAGE, "--scope", scope).stdout.strip()


class Server:
    """`shiplog serve` on a store (port 0 unless given); the log (stderr) goes to a file.

    The receivers of these tests listen on loopback, so the server runs with
    `--allow-private-webhooks` unless `private_webhooks=False` (the SSRF tests)."""

    def __init__(self, store, *arguments, port=0, private_webhooks=True):
        self.store = store
        self.log_path = store.directory / f"server-{time.monotonic_ns()}.log"
        self._log = open(self.log_path, "wb")
        environment = dict(os.environ, SHIPLOG_OPENAPI=str(ROOT / "openapi.yaml"))
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--db", str(store.db), "--port", str(port), "--rate-limit", "0",
             *(["--allow-private-webhooks"] if private_webhooks else []), *map(str, arguments)],
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=environment,
        )
        line = self._first_line(30)
        match = re.fullmatch(r"shiplog serving on http://([^:]+):(\d+)", line)
        assert match, f"unexpected first line {line!r}; log: {self.log()}"
        self.port = int(match.group(2))
        self.base = f"http://127.0.0.1:{self.port}"
        self.session = requests.Session()

    def _first_line(self, timeout):
        deadline = time.monotonic() + timeout
        data = b""
        fd = self.process.stdout.fileno()
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.process.poll() is not None:
                self.process.kill()
                raise AssertionError(f"the server did not start: {data!r}; log: {self.log()}")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 4096)
                if chunk:
                    data += chunk
        return data.split(b"\n", 1)[0].decode()

    def request(self, method, path, key="admin", **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if key is not None:
            headers["Authorization"] = f"Bearer {self.store.keys.get(key, key)}"
        kwargs.setdefault("timeout", TIMEOUT)
        return self.session.request(method, self.base + path, headers=headers, **kwargs)

    def log(self):
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout=15):
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


def signature(body, secret):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def wait_for(predicate, timeout=15.0, interval=0.05, what="the condition"):
    start = time.monotonic()
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(interval)


def body_json(request):
    return json.loads(request["body"].decode("utf-8"))
