"""The CI client commands (`shiplog release`, `shiplog deploy`) against a real `shiplog serve` on a
temporary store, and against a local receiver that answers 5xx/429 first.

    swift build && python3 -m pytest -q Tests/client
"""
import http.client
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "webhooks"))

from webhook_harness import (
    API, BINARY, PAGE, Receiver, Server, Store, cli, free_port, require_binary  # noqa: E402,
)

require_binary()

_versions = itertools.count(1)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return Store(tmp_path_factory.mktemp("client-store"))


@pytest.fixture(scope="module")
def server(store):
    running = Server(store)
    # Deployments need their environment (SPEC §6.1); the example data has staging and production.
    assert running.request("POST", f"{API}/environments", key="write", json={"name": "canary"}).status_code == 201
    yield running
    running.stop()


def new_version():
    return f"v8.{next(_versions)}.0"


def shiplog(server_url, *args, key=None, env_key=None, check=None, timeout=120):
    """Runs a client command; `key` goes on the command line, `env_key` into SHIPLOG_KEY."""
    env = {k: v for k, v in os.environ.items() if k not in ("SHIPLOG_KEY", "SHIPLOG_SERVER")}
    if env_key is not None:
        env["SHIPLOG_KEY"] = env_key
    arguments = [*args, "--server", server_url, "--page", PAGE]
    if key is not None:
        arguments += ["--key", key]
    result = cli(*arguments, check=False, env=env, timeout=timeout)
    if check is not None:
        assert result.returncode == check, f"exit {result.returncode}: {result.stdout} {result.stderr}"
    return result


def get_release(server, component, version):
    response = server.request("GET", f"{API}/components/{component}/releases/{version}")
    assert response.status_code == 200, response.text
    return response.json()


def deployments(server, environment, component="api"):
    response = server.request("GET", f"{API}/environments/{environment}/deployments", params={"component": component, "limit": 100})
    if response.status_code == 404:
        return []  # the environment does not exist yet
    assert response.status_code == 200, response.text
    return response.json()["items"]


# MARK: - shiplog release


def test_release_creates_then_reruns_idempotently(server, store, tmp_path):
    version = new_version()
    notes = tmp_path / "notes.md"
    notes.write_text("### Added\n- Faster sync\n", encoding="utf-8")
    arguments = [
        "release", "--component", "api", "--version", version, "--title", "Faster sync", "--notes-file", notes,
        "--commit", "0123456789abcdef0123456789abcdef01234567", "--tag", version, "--url", f"https://github.com/nimbus/api/releases/tag/{version}",
        "--author", "ci-bot",
    ]
    first = shiplog(server.base, *arguments, key=store.keys["write"], check=0)
    assert first.stdout.strip() == f"created release api {version} (published)"
    created = get_release(server, "api", version)
    assert created["title"] == "Faster sync" and created["notes"] == "### Added\n- Faster sync\n"
    assert created["commit"].startswith("0123456789") and created["tag"] == version and created["author"] == "ci-bot"
    assert created.get("status", "published") == "published" and created["published_at"]

    time.sleep(1.1)
    again = shiplog(server.base, *arguments, env_key=store.keys["write"], check=0)
    assert again.stdout.strip() == f"updated release api {version} (published)"
    assert get_release(server, "api", version) == created, "re-running changes nothing, not even the date"
    listed = server.request("GET", f"{API}/releases", params={"component": "api", "limit": 100}).json()["items"]
    assert [r["version"] for r in listed].count(version) == 1


def test_release_draft_then_publish(server, store):
    version = new_version()
    shiplog(server.base, "release", "--component", "web", "--version", version, "--draft", key=store.keys["write"], check=0)
    draft = get_release(server, "web", version)
    assert draft["status"] == "draft" and "published_at" not in draft
    assert server.request("GET", f"{API}/components/web/releases/{version}", key=None).status_code in (401, 404)

    published = shiplog(server.base, "release", "--component", "web", "--version", version, "--title", "Now", key=store.keys["write"], check=0)
    assert published.stdout.strip() == f"updated release web {version} (published)"
    release = get_release(server, "web", version)
    assert release.get("status", "published") == "published" and release["published_at"] and release["title"] == "Now"


def test_rerunning_does_not_unyank(server, store):
    version = new_version()
    shiplog(server.base, "release", "--component", "api", "--version", version, key=store.keys["write"], check=0)
    assert server.request("POST", f"{API}/components/api/releases/{version}/yank", key="write").status_code == 200
    again = shiplog(server.base, "release", "--component", "api", "--version", version, "--title", "Later", key=store.keys["write"], check=0)
    assert again.stdout.strip() == f"updated release api {version} (yanked)" and "stays yanked" in again.stderr
    release = get_release(server, "api", version)
    assert release["status"] == "yanked" and release["title"] == "Later"


def test_release_with_an_explicit_date_and_inline_notes(server, store):
    version = new_version()
    shiplog(
        server.base, "release", "--component", "cli", "--version", version, "--notes", "Hello", "--published-at", "2030-02-03T04:05:06Z",
        key=store.keys["admin"], check=0,
    )
    release = get_release(server, "cli", version)
    assert release["published_at"] == "2030-02-03T04:05:06Z" and release["notes"] == "Hello"


def test_release_invalid_prints_the_causes_and_exits_65(server, store):
    result = shiplog(server.base, "release", "--component", "api", "--version", new_version(), "--url", "not a url", key=store.keys["write"], check=65)
    assert "HTTP 400" in result.stderr and "invalid_request" in result.stderr
    assert "  url: " in result.stderr, result.stderr
    unknown = shiplog(server.base, "release", "--component", "nope", "--version", "1.0.0", key=store.keys["write"], check=65)
    assert "component" in unknown.stderr


def test_wrong_key_exits_1_with_the_servers_message(server):
    secret = "shiplog_wrong_0123456789abcdef"
    result = shiplog(server.base, "release", "--component", "api", "--version", new_version(), key=secret, check=1)
    assert "HTTP 401" in result.stderr and "a valid API key is needed" in result.stderr
    assert secret not in result.stderr and secret not in result.stdout, "the key is never printed"


def test_read_key_is_forbidden(server, store):
    result = shiplog(server.base, "deploy", "--environment", "production", "--component", "api", "--version", "v1.10.1", "--status", "success",
                     key=store.keys["read"], check=1)
    assert "HTTP 403" in result.stderr and "write scope" in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ["release", "--component", "api", "--version", "1.0.0"],  # no key
        ["release", "--component", "api", "--version", "1.0.0", "--key", "k", "--notes", "a", "--notes-file", "b"],
        ["release", "--component", "api", "--version", "1.0.0", "--key", "k", "--published-at", "yesterday"],
        ["deploy", "--environment", "production", "--component", "api", "--version", "1", "--status", "success", "--key", "k", "--update", "--host", "h"],
        ["deploy", "--component", "api", "--version", "1", "--status", "success", "--key", "k"],
        ["release", "--component", "api", "--version", "1.0.0", "--key", "k", "--retries", "many"],
        ["release", "--compnent", "api", "--version", "1.0.0", "--key", "k"],
    ],
)
def test_usage_errors_exit_64(server, arguments):
    result = shiplog(server.base, *arguments, check=64)
    assert "0.1.0" not in result.stdout, "`--version V` is never taken for the built-in --version"


def test_no_server_exits_64():
    env = {k: v for k, v in os.environ.items() if k not in ("SHIPLOG_KEY", "SHIPLOG_SERVER")}
    result = cli("deploy", "--page", PAGE, "--environment", "production", "--component", "api", "--version", "1", "--status", "success",
                 "--key", "k", check=False, env=env)
    assert result.returncode == 64 and "--server" in result.stderr


@pytest.mark.parametrize("suffix, problem", [("/?tenant=1", "no query"), ("/#top", "fragment"), (":99999", "port")])
@pytest.mark.parametrize("how", ["flag", "environment"])
def test_a_server_url_the_api_paths_cannot_follow_exits_64(server, suffix, problem, how):
    # The paths are appended to the URL: after a query or fragment every request would go to
    # another route (a 404 "no such route", exit 1) instead of the mistake being named.
    url = "http://127.0.0.1" + suffix if suffix.startswith(":") else server.base + suffix
    env = {k: v for k, v in os.environ.items() if k not in ("SHIPLOG_KEY", "SHIPLOG_SERVER")}
    arguments = ["release", "--page", PAGE, "--component", "api", "--version", new_version(), "--key", "k"]
    if how == "flag":
        arguments += ["--server", url]
    else:
        env["SHIPLOG_SERVER"] = url
    result = cli(*arguments, check=False, env=env)
    assert result.returncode == 64, f"exit {result.returncode}: {result.stderr}"
    assert problem in result.stderr and ("--server" if how == "flag" else "SHIPLOG_SERVER") in result.stderr, result.stderr


# MARK: - shiplog deploy


def test_deploy_then_update(server, store):
    version = new_version()
    shiplog(server.base, "release", "--component", "api", "--version", version, key=store.keys["write"], check=0)
    before = len(deployments(server, "canary"))
    started = shiplog(
        server.base, "deploy", "--environment", "canary", "--component", "api", "--version", version, "--status", "in_progress",
        "--host", "api-1.canary", "--commit", "abc123", "--actor", "ci-bot", env_key=store.keys["write"], check=0,
    )
    assert started.stdout.strip() == f"deployment of api {version} to canary: in_progress"
    newest = deployments(server, "canary")[0]
    assert newest["version"] == version and newest["status"] == "in_progress" and newest["host"] == "api-1.canary"
    assert newest["actor"] == "ci-bot" and newest["commit"] == "abc123" and newest["started_at"] and "finished_at" not in newest

    shiplog(server.base, "deploy", "--environment", "canary", "--component", "api", "--version", version, "--status", "success", "--update",
            env_key=store.keys["write"], check=0)
    items = deployments(server, "canary")
    assert len(items) == before + 1, "the update changed the deployment, it did not add one"
    assert items[0]["status"] == "success" and items[0]["finished_at"] and items[0]["host"] == "api-1.canary"


def test_deploy_to_an_unknown_environment_fails(server, store):
    name = f"prodcution-{next(_versions)}"
    for extra in ([], ["--update"]):
        result = shiplog(server.base, "deploy", "--environment", name, "--component", "api", "--version", "v1.10.1", "--status", "success",
                         *extra, key=store.keys["write"], check=1)
        assert f'HTTP 404 not_found: environment "{name}" not found' in result.stderr, result.stderr
        assert "--create-environment" in result.stderr and result.stdout == ""
    assert server.request("GET", f"{API}/environments/{name}/deployments").status_code == 404


def test_deploy_create_environment(server, store):
    name = f"review-{next(_versions)}"
    result = shiplog(server.base, "deploy", "--environment", name, "--component", "api", "--version", "v1.10.1", "--status", "in_progress",
                     "--create-environment", key=store.keys["write"], check=0)
    assert result.stdout.strip() == f"deployment of api v1.10.1 to {name}: in_progress"
    assert f"created the environment {name}" in result.stderr
    environments = server.request("GET", f"{API}/environments", params={"limit": 200}).json()["items"]
    assert {"name": name, "frozen": False} in environments
    # It exists now: the flag is harmless (a 409 from the server is what was asked for).
    again = shiplog(server.base, "deploy", "--environment", name, "--component", "api", "--version", "v1.10.1", "--status", "success",
                    "--update", "--create-environment", key=store.keys["write"], check=0)
    assert "created the environment" not in again.stderr
    assert [d["status"] for d in deployments(server, name)] == ["success"]
    # Frozen environments, which a write key cannot create, are not the flag's business.
    assert shiplog(server.base, "deploy", "--environment", "production", "--component", "api", "--version", "v1.10.1",
                   "--status", "success", "--create-environment", key=store.keys["write"], check=0).returncode == 0


def test_deploy_create_environment_with_a_read_key_fails(server, store):
    name = f"review-{next(_versions)}"
    result = shiplog(server.base, "deploy", "--environment", name, "--component", "api", "--version", "v1.10.1", "--status", "success",
                     "--create-environment", key=store.keys["read"], check=1)
    assert f"creating the environment {name} failed: HTTP 403" in result.stderr


def test_deploy_a_finished_event_in_one_step(server, store):
    shiplog(server.base, "deploy", "--environment", "production", "--component", "api", "--version", "v1.10.1", "--status", "failure",
            "--started-at", "2030-01-01T00:00:00Z", key=store.keys["write"], check=0)
    newest = deployments(server, "production")[0]
    assert newest["status"] == "failure" and newest["started_at"] == "2030-01-01T00:00:00Z" and newest["finished_at"]


def test_deploy_invalid_prints_the_causes_and_exits_65(server, store):
    result = shiplog(server.base, "deploy", "--environment", "production", "--component", "api", "--version", "v1.10.1", "--status", "done",
                     key=store.keys["write"], check=65)
    assert "HTTP 400" in result.stderr and "  status: " in result.stderr, result.stderr
    missing = shiplog(server.base, "deploy", "--environment", "production", "--component", "api", "--version", "v0.0.0-nope", "--status",
                      "success", key=store.keys["write"], check=65)
    assert "version" in missing.stderr


# MARK: - Retries


def test_a_server_that_is_down_then_comes_up_within_the_retry_window(store):
    port = free_port()
    version = "v1.10.1"
    process = subprocess.Popen(
        [str(BINARY), "deploy", "--server", f"http://127.0.0.1:{port}", "--page", PAGE, "--environment", "staging", "--component", "api",
         "--version", version, "--status", "success", "--key", store.keys["write"]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(2.5)
    late = Server(store, port=port)
    try:
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
        assert "retry 1 of 5 in 1 s" in stderr and stdout.strip() == f"deployment of api {version} to staging: success"
        assert store.keys["write"] not in stderr
    finally:
        late.stop()


def test_a_server_that_stays_down_fails_with_exit_1():
    port = free_port()
    start = time.monotonic()
    result = cli("deploy", "--server", f"http://127.0.0.1:{port}", "--page", PAGE, "--environment", "staging", "--component", "api",
                 "--version", "1.0.0", "--status", "success", "--key", "k", "--retries", "2", check=False)
    assert result.returncode == 1
    assert "cannot reach http://127.0.0.1" in result.stderr and "connection refused (after 3 attempts)" in result.stderr, result.stderr
    assert "errno" not in result.stderr and "error set" not in result.stderr
    assert result.stderr.count("; retry ") == 2
    assert 2.5 < time.monotonic() - start < 10, "waits 1 s then 2 s"


def test_5xx_and_429_are_retried_honouring_retry_after():
    receiver = Receiver(statuses=(503, 429, 201))
    try:
        start = time.monotonic()
        result = cli("deploy", "--server", receiver.url, "--page", PAGE, "--environment", "production", "--component", "api",
                     "--version", "1.0.0", "--status", "in_progress", "--key", "the-key", check=False)
        assert result.returncode == 0, result.stderr
        requests = receiver.received()
        assert [r["status"] for r in requests] == [503, 429, 201]
        assert all(r["path"] == f"{API}/environments/production/deployments" for r in requests)
        assert all(r["headers"]["authorization"] == "Bearer the-key" for r in requests)
        body = json.loads(requests[-1]["body"])
        assert body["component"] == "api" and body["version"] == "1.0.0" and body["status"] == "in_progress" and body["started_at"]
        assert "HTTP 503" in result.stderr and "HTTP 429" in result.stderr
        assert time.monotonic() - start >= 2, "1 s backoff, then the 1 s of Retry-After"
    finally:
        receiver.close()


def test_retries_give_up_with_the_last_answer():
    receiver = Receiver(statuses=(502,))
    try:
        result = cli("release", "--server", receiver.url, "--page", PAGE, "--component", "api", "--version", "1.0.0", "--key", "k",
                     "--retries", "1", check=False)
        assert result.returncode == 1 and "HTTP 502" in result.stderr
        assert len(receiver.received()) == 2
    finally:
        receiver.close()


# MARK: - Idempotency-Key: a retry after a lost answer records nothing twice


class LosingProxy:
    """Forwards every request to `upstream`; the answer to the first `lose` POSTs is lost after the
    server acted on them: replaced by a 503 (`how="503"`) or by a closed connection (`how="close"`)."""

    def __init__(self, upstream, how, lose=1):
        self.how = how
        self.lose = lose
        self.posts = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                connection = http.client.HTTPConnection("127.0.0.1", upstream, timeout=30)
                connection.request(self.command, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
                connection.close()
                with proxy.lock:
                    lost = self.command == "POST" and proxy.lose > 0
                    if self.command == "POST":
                        proxy.posts.append({"key": self.headers.get("Idempotency-Key"), "status": answer.status, "lost": lost})
                    if lost:
                        proxy.lose -= 1
                if lost and proxy.how == "close":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, data = (503, b'{"error":"unavailable","message":"lost","status":503}') if lost else (answer.status, data)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = forward

            def log_message(self, *args):
                pass

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # the connections closed on purpose

        self.server = Quiet(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("how", ["503", "close"])
def test_a_retry_after_a_lost_answer_records_one_deployment(server, store, how):
    version = new_version()
    shiplog(server.base, "release", "--component", "api", "--version", version, key=store.keys["write"], check=0)
    proxy = LosingProxy(server.port, how)
    try:
        result = shiplog(proxy.url, "deploy", "--environment", "canary", "--component", "api", "--version", version, "--status", "success",
                         "--host", f"lost-{how}", key=store.keys["write"], check=0)
    finally:
        proxy.close()
    assert "retry 1 of 5" in result.stderr
    assert [post["status"] for post in proxy.posts] == [201, 201], proxy.posts
    keys = {post["key"] for post in proxy.posts}
    assert len(keys) == 1 and None not in keys, "one Idempotency-Key, sent again on the retry"
    recorded = [item for item in deployments(server, "canary") if item["version"] == version]
    assert len(recorded) == 1, recorded


def test_each_logical_post_has_its_own_key(server, store):
    version = new_version()
    proxy = LosingProxy(server.port, "503", lose=0)
    try:
        shiplog(proxy.url, "release", "--component", "api", "--version", version, key=store.keys["write"], check=0)
        for status in ("in_progress", "success"):
            shiplog(proxy.url, "deploy", "--environment", "canary", "--component", "api", "--version", version, "--status", status,
                    key=store.keys["write"], check=0)
    finally:
        proxy.close()
    keys = [post["key"] for post in proxy.posts]
    assert len(keys) == 3 and len(set(keys)) == 3 and None not in keys, keys


def test_a_server_that_is_down_tried_once():
    port = free_port()
    result = cli("deploy", "--server", f"http://127.0.0.1:{port}", "--page", PAGE, "--environment", "staging", "--component", "api",
                 "--version", "1.0.0", "--status", "success", "--key", "k", "--retries", "0", check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == f"shiplog: cannot reach http://127.0.0.1:{port}: connection refused (tried once)", result.stderr
