"""Two `shiplog serve` replicas on one PostgreSQL deliver one webhook queue (issue 13, SPEC §8).

Both replicas claim deliveries (`FOR UPDATE SKIP LOCKED` and a lease, `--outbox-lease 3` here):
each delivery reaches its receiver once, and each webhook still gets its events in order, though
two processes send them.

Each test gets a database of its own on the test server (Tests/support/stores.py, `require_postgres`).

    bash Tests/support/postgres.sh python3 -m pytest -q Tests/webhooks/test_replicas_webhooks.py
"""
import collections
import time

from webhook_harness import API, DATA_FILE, PAGE, Server, body_json, cli, wait_for
from stores import new_postgres_database, psql, require_postgres  # noqa: E402  (webhook_harness puts Tests/support on the path)

HOOKS = 12
EVENTS = 10
LEASE = 3

require_postgres()


class PostgresStore:
    """The harness's store (the example page, keys of every scope) in a new database on the test server."""

    def __init__(self, directory):
        self.db = new_postgres_database()
        self.directory = directory
        cli("import", "--db", self.db, DATA_FILE)
        self.keys = {scope: cli("keys", "create", "--db", self.db, "--page", PAGE, "--scope", scope).stdout.strip()
                     for scope in ("read", "write", "admin")}

    def sql(self, query):
        return psql(self.db, query)


def test_two_replicas_deliver_each_webhook_event_once_and_in_order(tmp_path, receiver):
    store = PostgresStore(tmp_path)
    one = Server(store, "--outbox-lease", LEASE)
    two = Server(store, "--outbox-lease", LEASE)
    try:
        for n in range(HOOKS):
            response = one.request("POST", f"{API}/webhooks", json={"url": f"{receiver.url}/hook{n}", "secret": "s",
                                                                     "events": ["release.published"]})
            assert response.status_code == 201, response.text
        versions = []
        for n in range(EVENTS):
            version = f"v9.{n}.0"
            body = {"component": "api", "version": version, "published_at": "2030-01-02T03:04:05Z"}
            replica = one if n % 2 == 0 else two
            response = replica.request("POST", f"{API}/releases", key="write", json=body)
            assert response.status_code == 201, response.text
            versions.append(version)

        total = HOOKS * EVENTS
        wait_for(lambda: len(receiver.accepted()) >= total, timeout=45, what=f"{total} deliveries")
        time.sleep(LEASE + 1.5)  # a delivery sent twice would have arrived by now

        accepted = receiver.accepted()
        ids = collections.Counter(r["headers"]["x-shiplog-delivery"] for r in accepted)
        assert len(ids) == total and max(ids.values()) == 1, [i for i, n in ids.items() if n > 1]
        for n in range(HOOKS):
            got = [body_json(r)["data"]["version"] for r in accepted if r["path"] == f"/hook{n}"]
            assert got == versions, f"hook{n} in the order of the events"
        assert store.sql("SELECT state, COUNT(*), COUNT(lease_until) FROM webhook_deliveries GROUP BY state") == [
            ["delivered", str(total), "0"]]
    finally:
        one.stop()
        two.stop()
