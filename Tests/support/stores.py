"""Which store the Python suites run on (SPEC §8): the suites that drive the real binary through a
store run on SQLite by default, and on PostgreSQL with SHIPLOG_TEST_STORE=postgres, each store
then a database of its own on the test server SHIPLOG_TEST_POSTGRES_URL (`Tests/support/postgres.sh`
starts one):

    bash Tests/support/postgres.sh env SHIPLOG_TEST_STORE=postgres python3 -m pytest -q Tests/api

Tests that need PostgreSQL whatever the store (replicas on one database, `--db postgres://…`) call
`require_postgres()` first: each gets a database of its own on the test server (`new_postgres_database`),
and without the server they FAIL, unless SHIPLOG_TEST_POSTGRES=skip leaves them out; `psql(db, query)`
answers the rows as `psql` prints them.

`new_db(folder)` is what the harnesses pass to `--db`: a SQLite file in `folder`, or the URL of a
new, empty PostgreSQL database; the databases are dropped when the tests end. `sql(db, query)`
looks into a store as the tests that check its rows do, on either store. Tests about the SQLite
file itself make their own `tmp_path / "….db"` stores, which stay SQLite files.
"""
import atexit
import json
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

STORE = os.environ.get("SHIPLOG_TEST_STORE") or "sqlite"
if STORE not in ("sqlite", "postgres"):
    raise RuntimeError(f"SHIPLOG_TEST_STORE must be sqlite or postgres, not {STORE!r}")
POSTGRES = STORE == "postgres"
POSTGRES_URL = os.environ.get("SHIPLOG_TEST_POSTGRES_URL")

_created = []


def new_postgres_database():
    """A new, empty database on the test server; its URL."""
    assert POSTGRES_URL, (
        "SHIPLOG_TEST_POSTGRES_URL is not set: run the tests under `bash Tests/support/postgres.sh …`, "
        "or set SHIPLOG_TEST_POSTGRES=skip to leave out the PostgreSQL tests"
    )
    name = "shiplog_" + uuid.uuid4().hex
    subprocess.run(["psql", POSTGRES_URL, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True, timeout=30)
    if not _created:
        atexit.register(_drop_created)
    _created.append(name)
    return urlunsplit(urlsplit(POSTGRES_URL)._replace(path="/" + name))


def require_postgres():
    """Skips the calling module (at its import) when SHIPLOG_TEST_POSTGRES=skip and no test server is set."""
    if not POSTGRES_URL and os.environ.get("SHIPLOG_TEST_POSTGRES") == "skip":
        import pytest
        pytest.skip("SHIPLOG_TEST_POSTGRES=skip", allow_module_level=True)


def psql(db, query):
    """The rows of `query` on the PostgreSQL database `db`, each a list of the texts `psql` prints."""
    result = subprocess.run(["psql", str(db), "-qAtc", query], check=True, capture_output=True, text=True, timeout=30)
    return [line.split("|") for line in result.stdout.splitlines()]


def new_db(directory, name="store.db"):
    """Where a new test store is: `directory/name` on SQLite, a new database's URL on PostgreSQL."""
    if POSTGRES:
        return new_postgres_database()
    return Path(directory) / name


def sql(db, query):
    """The rows (tuples) of `query` on the store `db`, committed: SQL both stores accept, no arguments."""
    if not str(db).startswith("postgres://"):
        connection = sqlite3.connect(db, timeout=10)
        try:
            rows = connection.execute(query).fetchall()
            connection.commit()
            return rows
        finally:
            connection.close()
    reads = query.lstrip().upper().startswith("SELECT")
    if reads:  # the rows as JSON, each an object whose keys keep the columns' order
        query = f"SELECT COALESCE(json_agg(found), '[]') FROM ({query}) AS found"
    result = subprocess.run(["psql", str(db), "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", query],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"psql: {query}: {result.stderr}")
    return [tuple(row.values()) for row in json.loads(result.stdout)] if reads else []


def _drop_created():
    """Drops this process's databases (a server still connected to one is disconnected)."""
    commands = [argument for name in _created for argument in ("-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")]
    subprocess.run(["psql", POSTGRES_URL, "-q", *commands], capture_output=True, timeout=300)
    _created.clear()
