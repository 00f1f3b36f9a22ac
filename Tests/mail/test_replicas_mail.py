"""Two `shiplog serve` replicas on one PostgreSQL deliver one outbox (issue 13, SPEC §8).

1,000 confirmed subscribers get a release mail each; both replicas claim mail from the outbox
(`FOR UPDATE SKIP LOCKED` and a lease, `--outbox-lease 3` here) and send it to one aiosmtpd sink.
Each mail carries a stable Message-ID made from its outbox row, so the sink counts deliveries per
outbox item: every item arrives, and none twice. When one replica is killed with `kill -9`
halfway, the other takes over its claimed mail once the lease ends; the mail it was handing to the
SMTP server (marked `sending` first) is not sent again.

Each test gets a database of its own on the test server (Tests/support/stores.py, `require_postgres`).

    bash Tests/support/postgres.sh python3 -m pytest -q Tests/mail/test_replicas_mail.py
"""
import collections
import time

import pytest

from test_mail import DATA_FILE, PAGE, Server, Sink, cli, wait_for
from stores import new_postgres_database, psql, require_postgres  # noqa: E402  (test_mail puts Tests/support on the path)

MAILS = 1000
LEASE = 3

require_postgres()


class PostgresStore:
    """What `Server` needs of a store (`db`, `directory`, `admin`, `queued()`), on PostgreSQL."""

    def __init__(self, directory):
        self.directory = directory
        self.db = new_postgres_database()
        cli("import", "--db", self.db, DATA_FILE)
        self.admin = cli("keys", "create", "--db", self.db, "--page", PAGE, "--scope", "admin").stdout.strip()

    def sql(self, query):
        return psql(self.db, query)

    def queued(self):
        return int(self.sql("SELECT COUNT(*) FROM outbox WHERE state = 'queued'")[0][0])

    def import_subscribers(self, count):
        path = self.directory / "subscribers.csv"
        path.write_text("".join(f"reader{n}@example.com\n" for n in range(count)), encoding="utf-8")
        cli("subscribers", "import", "--db", self.db, "--page", PAGE, path)


class CountingSink(Sink):
    """The mail sink, also noting which replica (its EHLO name) delivered each message, and when."""

    def __init__(self):
        super().__init__()
        self.deliveries = []  # (message id, replica, monotonic time)

    def recorded(self, session, message):
        self.deliveries.append((str(message["Message-ID"]).strip("<>"), session.host_name, time.monotonic()))

    def snapshot(self):
        with self.lock:
            return list(self.deliveries)


@pytest.fixture
def replicas(tmp_path):
    """`start(count)`: a PostgreSQL store with `count` confirmed subscribers and a sink; then
    `replica(name)` starts a server delivering to the sink (all stopped at the end)."""
    started, sinks = [], []

    def start(count):
        store = PostgresStore(tmp_path)
        store.import_subscribers(count)
        sink = CountingSink().start()
        sinks.append(sink)

        def replica(name):
            server = Server(store, f"{sink.url}?ehlo={name}", extra=("--outbox-lease", LEASE))
            started.append(server)
            return server

        return store, sink, replica

    yield start
    for server in started:
        server.stop()
    for sink in sinks:
        sink.stop()


@pytest.fixture
def setup(replicas):
    """A PostgreSQL store with 1,000 confirmed subscribers, a sink, and `replica(name)`."""
    return replicas(MAILS)


def publish(server):
    """Publishes a major release of `api`: one release mail per subscriber is queued."""
    server.create_release("api", "v9.0.0", notes="Everyone hears about this one.")


def expected_ids(store, count=MAILS):
    """The Message-ID of each release mail of the outbox (`shiplog.PAGE.ROW.QUEUED@HOST`)."""
    rows = store.sql("SELECT id, created_at FROM outbox WHERE kind = 'release' ORDER BY id")
    assert len(rows) == count, f"{len(rows)} release mails queued, {count} expected"
    return {message_id(row) for row in rows}


def message_id(row):
    """The Message-ID of the outbox row (id, created_at)."""
    return f"shiplog.{PAGE}.{row[0]}.{row[1]}@127.0.0.1"


def test_two_replicas_deliver_each_queued_mail_exactly_once(setup):
    store, sink, replica = setup
    one, two = replica("replica-one"), replica("replica-two")
    started = time.monotonic()
    publish(one)
    wait_for(lambda: sink.count() >= MAILS and store.queued() == 0, 60,
             f"{MAILS} mails (got {sink.count()}; logs: {one.log()[-500:]} {two.log()[-500:]})", interval=0.2)
    time.sleep(LEASE + 1.5)  # a mail sent twice would arrive by now (the other replica waits for the lease)

    deliveries = sink.snapshot()
    counts = collections.Counter(message_id for message_id, _, _ in deliveries)
    assert set(counts) == expected_ids(store)
    assert [message_id for message_id, n in counts.items() if n > 1] == []
    assert len(deliveries) == MAILS
    # Both replicas delivered: the outbox was shared, not taken by one of them.
    by_replica = collections.Counter(name for _, name, _ in deliveries)
    assert set(by_replica) == {"replica-one", "replica-two"}, by_replica
    assert min(by_replica.values()) >= 100, by_replica
    assert store.sql("SELECT state, COUNT(*), COUNT(lease_until) FROM outbox GROUP BY state") == [["sent", str(MAILS), "0"]]
    print(f"{MAILS} mails in {time.monotonic() - started:.1f} s, {dict(by_replica)}")


def test_a_replica_killed_halfway_is_taken_over_after_its_lease(setup):
    store, sink, replica = setup
    one, two = replica("replica-one"), replica("replica-two")
    publish(one)
    # Both deliver; one of them is killed when about half the mail has arrived.
    wait_for(lambda: sink.count() >= MAILS // 2, 60, f"{MAILS // 2} mails (got {sink.count()})", interval=0.01)
    assert len({name for _, name, _ in sink.snapshot()}) == 2, "both replicas were delivering"
    one.kill9()
    killed_at = time.monotonic()
    held = int(store.sql("SELECT COUNT(*) FROM outbox WHERE state = 'queued' AND lease_until IS NOT NULL")[0][0])

    wait_for(lambda: store.queued() == 0, 60, f"an empty outbox (log: {two.log()[-600:]})", interval=0.2)
    time.sleep(LEASE + 1.5)

    deliveries = sink.snapshot()
    counts = collections.Counter(message_id for message_id, _, _ in deliveries)
    # Every queued mail arrived, but for at most the one the killed replica was handing over: it
    # was marked `sending` just before its content went out, and the kill may have come before
    # the SMTP server had all of it. That one is never sent again, and is listed, not lost
    # silently (docs/server.md).
    handed_over = {message_id(row) for row in store.sql("SELECT id, created_at FROM outbox WHERE state IN ('sending', 'failed')")}
    missing = expected_ids(store) - set(counts)
    assert set(counts) <= expected_ids(store)
    assert missing <= handed_over and len(missing) <= 1, (sorted(missing), sorted(handed_over))
    twice = [message_id for message_id, n in counts.items() if n > 1]
    print(f"duplicates after kill -9: {len(twice)}; handed over at the kill and not received: {len(missing)}")
    # Exactly once: a mail is marked `sending` before its content goes out, so the one the SMTP
    # server had when the replica died is not sent again (docs/server.md).
    assert twice == []
    after = [(name, at) for _, name, at in deliveries if at > killed_at + 0.5]
    assert all(name == "replica-two" for name, _ in after)
    states = dict((state, int(n)) for state, n in store.sql("SELECT state, COUNT(*) FROM outbox GROUP BY state"))
    # At most the one mail the killed replica was handing over is left `sending`, or given up as
    # failed once replica two sweeps.
    left = states.get("sending", 0) + states.get("failed", 0)
    assert states.get("sent", 0) + left == MAILS and left <= 1, states
    print(f"held by the killed replica: {held} leased (some were replica two's); states after: {states}")


def test_a_replica_starts_no_delivery_in_the_last_half_of_its_lease(replicas):
    # A slow SMTP server: a batch of 100 mails would take 6 s, twice the lease. The replica that
    # claimed it sends for half the lease, gives the rest back, and claims again; no mail is sent
    # by one replica while the other may take it over.
    store, sink, replica = replicas(120)
    sink.delay = 0.06
    one = replica("replica-one")
    replica("replica-two")
    publish(one)
    wait_for(lambda: sink.count() >= 120 and store.queued() == 0, 45, f"120 mails (got {sink.count()})", interval=0.2)
    time.sleep(LEASE + 1.5)
    deliveries = sink.snapshot()
    counts = collections.Counter(message_id for message_id, _, _ in deliveries)
    assert set(counts) == expected_ids(store, 120)
    assert [message_id for message_id, n in counts.items() if n > 1] == []
