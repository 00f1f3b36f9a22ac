"""SMTP credentials through `shiplog serve` (SPEC §6.2): sent only over TLS, and the password may
come from SHIPLOG_SMTP_PASSWORD instead of the URL (so it is not in `ps`). The SMTP server is
Tests/ShiplogMailTests/smtp_sink.py (aiosmtpd), which logs every AUTH it sees.

    swift build && python3 -m pytest -q Tests/mail/test_smtp_credentials.py
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_mail import BINARY, ROOT, Server, Store, wait_for
from harness import require_binary  # noqa: E402  (test_mail puts Tests/support on the path)

pytest.importorskip("aiosmtpd")
require_binary()

SINK = ROOT / "Tests" / "ShiplogMailTests" / "smtp_sink.py"
PASSWORD = "s3cret-not-in-ps"


class AuthSink:
    """smtp_sink.py requiring AUTH as mailer:PASSWORD, with or without STARTTLS."""

    def __init__(self, directory, starttls):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        arguments = [sys.executable, str(SINK), "--dir", str(self.directory), "--auth", f"mailer:{PASSWORD}"]
        self.process = subprocess.Popen(arguments + (["--starttls"] if starttls else []),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ready = self.directory / "ready"
        wait_for(ready.exists, 20, "the SMTP sink")
        self.port = int(ready.read_text())

    def lines(self, name):
        path = self.directory / name
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def stop(self):
        self.process.terminate()
        self.process.wait(5)


def publish_to_one_subscriber(store, server):
    store.import_subscribers(["reader@example.com,patch"])
    server.create_release("api", "v1.10.3", notes="A patch.")


def test_password_from_the_environment_over_starttls(tmp_path):
    sink = AuthSink(tmp_path / "sink", starttls=True)
    store = Store(tmp_path)
    url = f"smtp://mailer@127.0.0.1:{sink.port}?tls_ca={sink.directory / 'cert.pem'}"
    server = Server(store, url, env={"SHIPLOG_SMTP_PASSWORD": PASSWORD})
    try:
        # Nothing on the command line holds the password.
        command_line = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().decode(errors="replace")
        assert "mailer@" in command_line and PASSWORD not in command_line
        publish_to_one_subscriber(store, server)
        server.drained(timeout=20)
        assert store.outbox() == {"sent": 1}, server.log()
        assert sink.lines("auth.jsonl") == [{"mechanism": "PLAIN", "login": "mailer", "tls": True}]
        [message] = sink.lines("messages.jsonl")
        assert message["rcptTos"] == ["reader@example.com"] and message["tls"] is True
    finally:
        server.stop()
        sink.stop()


def test_credentials_are_never_sent_without_tls(tmp_path):
    """A server that offers no STARTTLS (or a man in the middle who strips it) gets no AUTH."""
    sink = AuthSink(tmp_path / "sink", starttls=False)
    store = Store(tmp_path)
    server = Server(store, f"smtp://mailer@127.0.0.1:{sink.port}", env={"SHIPLOG_SMTP_PASSWORD": PASSWORD})
    try:
        publish_to_one_subscriber(store, server)
        wait_for(lambda: store.sql("SELECT last_error FROM outbox WHERE attempts > 0"), 10, "a failed attempt")
        [(error,)] = store.sql("SELECT last_error FROM outbox")
        assert "credentials are sent only over TLS, and the server does not offer STARTTLS" in error, error
        assert store.outbox() == {"queued": 1}  # retried later: the server may get TLS
        time.sleep(0.5)
        assert sink.lines("auth.jsonl") == [] and sink.lines("messages.jsonl") == []
    finally:
        server.stop()
        sink.stop()


@pytest.mark.parametrize("url, environment, message", [
    ("smtp://mailer:inline@127.0.0.1:2525", {"SHIPLOG_SMTP_PASSWORD": PASSWORD},
     "a password was given apart from the URL, so the URL must not hold one too"),
    ("smtp://127.0.0.1:2525", {"SHIPLOG_SMTP_PASSWORD": PASSWORD}, "a password was given apart from the URL, but the URL names no user"),
    ("smtp://mailer:pw@127.0.0.1:2525?starttls=never", {}, "credentials are sent only over TLS: remove starttls=never"),
])
def test_bad_credential_setups_stop_the_server_at_start(tmp_path, url, environment, message):
    store = Store(tmp_path)
    result = subprocess.run(
        [str(BINARY), "serve", "--db", str(store.db), "--port", "0", "--smtp", url, "--mail-from", "r@x.example"],
        capture_output=True, text=True, timeout=60, env={**os.environ, **environment},
    )
    assert result.returncode == 64, result.stderr  # a usage error (SPEC §5), before the store is opened
    assert message in result.stderr, result.stderr
    assert PASSWORD not in result.stderr and "inline" not in result.stderr


@pytest.mark.parametrize("smtp, sender, message", [
    ("smtp://", "r@x.example", "--smtp: invalid SMTP URL: the host is missing"),
    ("smtp://127.0.0.1:port", "r@x.example", "--smtp: invalid SMTP URL: the port must be a number"),
    ("smtp://127.0.0.1:2525?foo=1", "r@x.example", '--smtp: invalid SMTP URL: unknown option "foo"'),
    ("smtp://127.0.0.1:2525", "not-an-address", '--mail-from: invalid address "not-an-address"'),
    ("smtp://127.0.0.1:2525", "a b@x.example", "--mail-from: invalid address"),
])
def test_a_bad_smtp_url_or_sender_is_a_usage_error_naming_its_flag(tmp_path, smtp, sender, message):
    result = subprocess.run(
        [str(BINARY), "serve", "--db", str(tmp_path / "never.db"), "--port", "0", "--smtp", smtp, "--mail-from", sender],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 64, result.stderr
    assert message in result.stderr, result.stderr
    assert not (tmp_path / "never.db").exists()  # refused before anything was opened
