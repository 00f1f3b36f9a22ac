"""Pruning (SPEC §8): sent mail and delivered webhook deliveries older than `--keep-delivered`
(default 30 days) are removed by `shiplog serve` (at start, then hourly) and by `shiplog prune`;
queued and failed rows always stay. The rows are written straight into the test store (SQLite, or
PostgreSQL with SHIPLOG_TEST_STORE=postgres).

    python3 -m pytest -q Tests/api/test_prune.py
"""
import time

import pytest

from test_api import PAGE, Server, Store, cli
from stores import sql  # noqa: E402

DAY = 86_400


def fill(db, now):
    """Mail and deliveries of every state, some sent or delivered long ago, some lately."""
    statements = [
        "INSERT INTO subscribers (id, page_id, email, email_key, state, preferences, unsubscribe_token, created_at)"
        f" VALUES (1, '{PAGE}', 'ada@example.com', 'ada@example.com', 'confirmed', ',major,', 'tok', 0)",
        "INSERT INTO webhooks (id, page_id, url, secret, events, created_at)"
        f" VALUES ('h1', '{PAGE}', 'https://a.example/', 's', ',release.published,', 0)",
    ]
    mails = [("v1", "sent", now - 31 * DAY), ("v2", "sent", now - 13 * 3600), ("v3", "sent", now - 11 * 3600),
             ("v4", "queued", "NULL"), ("v5", "failed", "NULL")]
    for version, state, sent_at in mails:
        statements.append(
            "INSERT INTO outbox (page_id, kind, subscriber_id, component, version, state, next_attempt_at, created_at, sent_at)"
            f" VALUES ('{PAGE}', 'release', 1, 'api', '{version}', '{state}', {now + DAY}, 0, {sent_at})")
    deliveries = [("d1", "delivered", now - 40 * DAY), ("d2", "delivered", now - DAY), ("d3", "queued", "NULL")]
    for id, state, delivered_at in deliveries:
        statements.append(
            "INSERT INTO webhook_deliveries (id, webhook_id, page_id, event, body, state, next_attempt_at, created_at, delivered_at)"
            f" VALUES ('{id}', 'h1', '{PAGE}', 'release.published', '{{}}', '{state}', {now + DAY}, 0, {delivered_at})")
    for statement in statements:
        sql(db, statement)


def kept(db):
    """The versions of the mails and the ids of the deliveries left."""
    mails = [row[0] for row in sql(db, "SELECT version FROM outbox ORDER BY version")]
    deliveries = [row[0] for row in sql(db, "SELECT id FROM webhook_deliveries ORDER BY id")]
    return mails, deliveries


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path)
    fill(store.db, int(time.time()))
    return store


def test_prune_removes_what_was_delivered_before_the_period_and_nothing_else(store):
    result = cli("prune", "--db", store.db)
    assert result.stdout.strip() == (
        f"Removed 1 sent mails and 1 delivered webhook deliveries older than 30d from {store.db}.")
    assert kept(store.db) == (["v2", "v3", "v4", "v5"], ["d2", "d3"])
    shorter = cli("prune", "--db", store.db, "--keep-delivered", "12h")
    assert "Removed 1 sent mails and 1 delivered webhook deliveries older than 12h" in shorter.stdout
    assert kept(store.db) == (["v3", "v4", "v5"], ["d3"])
    # In minutes and seconds too; queued and failed rows stay whatever the period.
    cli("prune", "--db", store.db, "--keep-delivered", "90m")
    cli("prune", "--db", store.db, "--keep-delivered", "1s")
    assert kept(store.db) == (["v4", "v5"], ["d3"])


@pytest.mark.parametrize("value", ["30", "5x", "-1d", "1.5d", "d", "36501d", ""])
def test_a_period_that_is_not_a_number_and_a_unit_is_refused(store, value):
    for command in (["prune", "--db", store.db], ["serve", "--db", store.db, "--port", "0"]):
        result = cli(*command, "--keep-delivered", value, check=False)
        assert result.returncode == 64, result.stderr
        assert "--keep-delivered" in result.stderr
    assert kept(store.db)[0] == ["v1", "v2", "v3", "v4", "v5"]


@pytest.mark.parametrize("zero", ["0", "0d"])
def test_prune_with_zero_says_there_is_nothing_to_prune(store, zero):
    result = cli("prune", "--db", store.db, "--keep-delivered", zero, check=False)
    assert result.returncode == 64
    assert "--keep-delivered 0 keeps delivered rows for ever" in result.stderr


def wait_for(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_serve_prunes_at_start(store):
    server = Server(store, "--keep-delivered", "12h")
    try:
        # The log line follows the commit: wait for both.
        wait_for(lambda: kept(store.db) == (["v3", "v4", "v5"], ["d3"]) and "pruned 2 sent mails" in server.log())
        assert "pruned 2 sent mails and 2 delivered webhook deliveries" in server.log()
    finally:
        assert server.stop() == 0


def test_serve_keeps_everything_with_zero(store):
    server = Server(store, "--keep-delivered", "0")
    try:
        assert server.get("/health").status_code == 200
        time.sleep(1)
        assert kept(store.db) == (["v1", "v2", "v3", "v4", "v5"], ["d1", "d2", "d3"])
    finally:
        assert server.stop() == 0


def test_serve_prunes_thirty_days_by_default(store):
    server = Server(store)
    try:
        wait_for(lambda: kept(store.db) == (["v2", "v3", "v4", "v5"], ["d2", "d3"]))
    finally:
        assert server.stop() == 0
