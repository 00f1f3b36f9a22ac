"""`shiplog migrate --from --to` (SPEC §8) through the real binary: a SQLite store filled through the
CLI and the API (releases, deployments, keys, subscribers, a webhook with a queued delivery, mail in
the outbox, an idempotency key) is copied to a fresh PostgreSQL database and back, row for row; the
PostgreSQL copy serves the same answers and takes new writes; non-empty targets are refused.

The PostgreSQL tests need SHIPLOG_TEST_POSTGRES_URL (`Tests/support/postgres.sh` starts a private
server; CI sets it) and are skipped without it; the SQLite-to-SQLite tests always run.

    bash Tests/support/postgres.sh python3 -m pytest -q Tests/api/test_migrate.py
"""
import os
import re
import sqlite3
import subprocess
from urllib.parse import urlsplit, urlunsplit

import pytest

from test_api import API, PAGE, VERSION, Server, Store, cli, release_path
from stores import POSTGRES, new_postgres_database  # noqa: E402
from harness import BINARY  # noqa: E402

if POSTGRES:
    # The tests choose each side's store themselves (a SQLite source, PostgreSQL and SQLite targets):
    # the run on SQLite covers both stores already.
    pytest.skip("migrate's tests pick their stores themselves; they run in the SQLite pass", allow_module_level=True)

BASE_URL = os.environ.get("SHIPLOG_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(
    not BASE_URL, reason="SHIPLOG_TEST_POSTGRES_URL is not set (run under `bash Tests/support/postgres.sh`; CI sets it)"
)
# Each store's own bookkeeping, which migrate does not copy.
BOOKKEEPING = {"grdb_migrations"}
COUNT_LINE = re.compile(r"^  (\w+):\s+(\d+)$")


def new_database(password=None):
    """A new, empty database on the test server; its URL (with `password` in it when given)."""
    parts = urlsplit(new_postgres_database())
    netloc = parts.netloc
    if password:
        user, host = netloc.split("@", 1)
        netloc = f"{user}:{password}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def tables(path):
    """Every row of every table of a SQLite store, by table, in primary-key order."""
    with sqlite3.connect(path) as db:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {name: sorted(db.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
                for name in names if name not in BOOKKEEPING}


def printed_counts(output):
    """The table counts `migrate` printed."""
    return {match.group(1): int(match.group(2)) for match in map(COUNT_LINE.match, output.splitlines()) if match}


def exports(db):
    """`shiplog export` of every page of a store."""
    return {page: cli("export", "--db", db, "--page", page).stdout for page in (PAGE, "secret", "other")}


class Located:
    """A store `Server` can serve: where it is and a folder for the log."""

    def __init__(self, db, directory, keys):
        self.db = db
        self.directory = directory
        self.keys = keys


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A SQLite store with a row in every table."""
    store = Store(tmp_path_factory.mktemp("source"))
    subscribers = store.directory / "subscribers.csv"
    subscribers.write_text("email,preferences\nbob@example.com,major minor patch\n", encoding="utf-8")
    cli("subscribers", "import", "--db", store.db, "--page", PAGE, subscribers)
    server = Server(store, "--rate-limit", "0", "--allow-private-webhooks")
    try:
        # Nothing listens on port 9 of loopback: the delivery stays queued, retried.
        hook = server.admin("POST", f"{API}/webhooks", json={"url": "http://127.0.0.1:9/hook", "secret": "s3cret"})
        assert hook.status_code == 201, hook.text
        pending = server.request("PATCH", f"/v1/pages/{PAGE}/subscribers",
                                 json={"op": "add", "data": {"type": "email", "value": "ada@example.com"}})
        assert pending.status_code == 202, pending.text
        release = server.request("POST", f"{API}/releases", store.keys["write"], headers={"Idempotency-Key": "m1"}, json={
            "component": "api", "version": "v9.0.0", "status": "published", "published_at": "2026-11-01T00:00:00Z"})
        assert release.status_code == 201, release.text
        deployment = server.request("POST", f"{API}/environments/production/deployments", store.keys["write"],
                                    json={"component": "api", "version": "v9.0.0", "status": "success"})
        assert deployment.status_code == 201, deployment.text
    finally:
        assert server.stop() == 0
    rows = tables(store.db)
    assert all(rows.values()), {name: len(rows) for name, rows in rows.items()}
    return store


def test_sqlite_to_sqlite_copies_every_row_and_prints_the_counts(source, tmp_path):
    target = tmp_path / "copy.db"
    result = cli("migrate", "--from", source.db, "--to", target)
    expected = tables(source.db)
    assert printed_counts(result.stdout) == {name: len(rows) for name, rows in expected.items()}
    assert f"from {source.db} to {target}" in result.stdout
    assert tables(target) == expected
    assert exports(target) == exports(source.db)


def test_a_non_empty_sqlite_target_is_refused_and_left_as_it_was(source, tmp_path):
    target = tmp_path / "busy.db"
    cli("keys", "create", "--db", target, "--page", "mine", "--scope", "read", "--create-page")
    before = tables(target)
    result = cli("migrate", "--from", source.db, "--to", target, check=False)
    assert result.returncode == 64, result.stderr
    assert f"--to {target} is not empty (pages: 1, api_keys: 1)" in result.stderr
    assert tables(target) == before


def test_a_missing_source_is_an_error_and_creates_nothing(tmp_path):
    result = cli("migrate", "--from", tmp_path / "typo.db", "--to", tmp_path / "copy.db", check=False)
    assert result.returncode == 74
    assert "typo.db: no such store file" in result.stderr
    assert not (tmp_path / "typo.db").exists() and not (tmp_path / "copy.db").exists()
    same = cli("migrate", "--from", tmp_path / "a.db", "--to", tmp_path / "." / "a.db", check=False)
    assert same.returncode == 64 and "--from and --to name the same store" in same.stderr


@pytest.mark.parametrize("location", [":memory:", "file:typo.db?mode=ro"])
def test_a_store_that_cannot_open_leaves_no_file_behind(tmp_path, location):
    # SQLite cannot open these; the empty file made for a new store (0600) must not stay behind.
    # (A command that only reads, such as export, refuses a store file that does not exist before.)
    result = subprocess.run([str(BINARY), "keys", "create", "--db", location, "--page", "p", "--scope", "read",
                             "--create-page"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 74, result.stderr
    assert f"{location}: database error: cannot open" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_help_describes_the_copy():
    text = cli("migrate", "--help").stdout
    assert "--from <path-or-url>" in text and "--to <path-or-url>" in text
    assert "one transaction" in text and "must be empty" in text


@needs_postgres
def test_sqlite_to_postgresql_and_back_keeps_every_row_and_serves_the_same(source, tmp_path):
    url = new_database()
    there = cli("migrate", "--from", source.db, "--to", url)
    expected = tables(source.db)
    assert printed_counts(there.stdout) == {name: len(rows) for name, rows in expected.items()}
    assert exports(url) == exports(source.db)

    back = tmp_path / "back.db"
    again = cli("migrate", "--from", url, "--to", back)
    assert printed_counts(again.stdout) == printed_counts(there.stdout)
    assert tables(back) == expected
    assert exports(back) == exports(source.db)

    # The same answers from both stores, with the same keys.
    answers = {}
    for name, db in (("sqlite", back), ("postgres", url)):
        server = Server(Located(db, tmp_path, source.keys), "--rate-limit", "0")
        try:
            answers[name] = [
                server.get(VERSION).json(),
                server.get(f"{API}/releases?limit=100", source.keys["read"]).json(),
                server.get(f"{API}/environments/production/deployments?limit=100", source.keys["read"]).json(),
                server.get(f"{API}/subscribers", source.keys["admin"]).json(),
                server.get("/api/v1/pages/secret", source.keys["secret"]).status_code,
            ]
            hooks = server.admin("GET", f"{API}/webhooks").json()["items"]
            assert [(hook["url"], hook["queued"] >= 1) for hook in hooks] == [("http://127.0.0.1:9/hook", True)]
            if name == "postgres":
                # New rows follow the copied ids (the sequences were moved past them).
                created = server.request("POST", f"{API}/releases", source.keys["write"], json={
                    "component": "api", "version": "v9.1.0", "status": "draft"})
                assert created.status_code == 201, created.text
                environment = server.admin("POST", f"{API}/environments", json={"name": "qa"})
                assert environment.status_code == 201, environment.text
                assert server.get(release_path("api", "v9.1.0"), source.keys["read"]).status_code == 200
                # The idempotency key came along: the same request gets the first answer again.
                replay = server.request("POST", f"{API}/releases", source.keys["write"], headers={"Idempotency-Key": "m1"}, json={
                    "component": "api", "version": "v9.0.0", "status": "published", "published_at": "2026-11-01T00:00:00Z"})
                assert replay.status_code == 201, replay.text
        finally:
            assert server.stop() == 0
    assert answers["postgres"] == answers["sqlite"]


@needs_postgres
def test_a_non_empty_postgresql_target_is_refused_without_showing_the_password(source, tmp_path):
    url = new_database(password="hunter2")
    cli("migrate", "--from", source.db, "--to", url)
    result = cli("migrate", "--from", source.db, "--to", url, check=False)
    assert result.returncode == 64, result.stderr
    redacted = re.sub(r":hunter2@", "@", url.split("?")[0])
    assert f"--to {redacted}" in result.stderr and "is not empty (pages: 3" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    # From PostgreSQL into a fresh SQLite file it goes, the password still unshown.
    copy = cli("migrate", "--from", url, "--to", tmp_path / "fresh.db")
    assert "hunter2" not in copy.stdout + copy.stderr
