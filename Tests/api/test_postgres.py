"""`shiplog serve --db postgres://…` (SPEC §8, in progress): the server starts on a PostgreSQL
store, finds a page and a key made with `keys create` on that store, answers native reads as on
SQLite, and creates components. Each test gets a database of its own on the test server
(Tests/support/stores.py, `require_postgres`).

    bash Tests/support/postgres.sh python3 -m pytest -q Tests/api/test_postgres.py
"""
import pytest

from test_api import Server, assert_error, cli, stop_after
from stores import new_postgres_database, require_postgres

require_postgres()


class PostgresStore:
    """What `Server` needs of a store: where it is (`db`) and a folder for the server's log."""

    def __init__(self, directory):
        self.directory = directory
        self.db = new_postgres_database()
        self.keys = {}
        for scope in ("read", "admin"):
            self.keys[scope] = cli("keys", "create", "--db", self.db, "--page", "acme", "--scope", scope, "--create-page").stdout.strip()


@pytest.fixture
def pg_server(tmp_path):
    yield from stop_after(Server(PostgresStore(tmp_path), "--rate-limit", "0"))


def test_serve_answers_native_reads_from_postgresql(pg_server):
    assert pg_server.get("/health").status_code == 200
    response = pg_server.get("/api/v1/pages/acme", pg_server.store.keys["read"])
    assert response.status_code == 200, response.text
    assert response.json() == {
        "page": {"id": "acme", "title": "acme", "grouping": "none", "public": True, "feed_limit": 50},
        "components": [],
    }
    # Public page: no key needed; a wrong key is judged (401); an unknown page is a JSON 404.
    assert pg_server.get("/api/v1/pages/acme").status_code == 200
    assert_error(pg_server.get("/api/v1/pages/acme", "shiplog_000000000000_wrong"), 401, "unauthorized")
    assert_error(pg_server.get("/api/v1/pages/none", pg_server.store.keys["admin"]), 404, "not_found")
    releases = pg_server.get("/api/v1/pages/acme/releases", pg_server.store.keys["read"])
    assert releases.status_code == 200, releases.text
    assert releases.json()["items"] == []


def test_serve_creates_a_component_on_postgresql(pg_server):
    path = "/api/v1/pages/acme/components/api"
    created = pg_server.request("PUT", path, pg_server.store.keys["admin"], json={"name": "API"})
    assert created.status_code == 201, created.text
    updated = pg_server.request("PUT", path, pg_server.store.keys["admin"], json={"name": "The API"})
    assert updated.status_code == 200, updated.text
    page = pg_server.get("/api/v1/pages/acme").json()
    assert [(c["slug"], c.get("name")) for c in page["components"]] == [("api", "The API")]


def test_keys_on_postgresql_are_listed_and_revoked(tmp_path):
    store = PostgresStore(tmp_path)
    listed = cli("keys", "list", "--db", store.db).stdout.splitlines()
    assert listed[0].split("\t") == ["id", "page", "scope", "created", "revoked"]
    ids = [line.split("\t")[0] for line in listed[1:]]
    assert len(ids) == 2
    cli("keys", "revoke", "--db", store.db, ids[0])
    revoked = [line.split("\t") for line in cli("keys", "list", "--db", store.db).stdout.splitlines()[1:]]
    assert revoked[0][4] != "-" and revoked[1][4] == "-"


def test_an_unreachable_postgresql_exits_74_naming_the_url_without_its_password(tmp_path):
    result = cli("keys", "list", "--db", "postgres://ada:hunter2@127.0.0.1:1/none?sslmode=disable", check=False)
    assert result.returncode == 74
    assert "postgres://ada@127.0.0.1:1/none" in result.stderr
    assert "hunter2" not in result.stderr


def test_a_malformed_postgresql_url_exits_64_naming_the_field(tmp_path):
    result = cli("keys", "list", "--db", "postgres://ada@127.0.0.1/db?sslmode=sometimes", check=False)
    assert result.returncode == 64
    assert "sslmode" in result.stderr


def test_the_command_line_takes_the_user_from_pguser_when_the_url_names_none(tmp_path):
    # libpq's rule: a URL without a user takes PGUSER. The command line hands its environment to
    # the store; nothing below it reads the environment itself.
    import os
    import urllib.parse

    url = urllib.parse.urlsplit(new_postgres_database())
    without_user = urllib.parse.urlunsplit(url._replace(netloc=f"{url.hostname}:{url.port}"))
    environment = {key: value for key, value in os.environ.items() if key not in ("PGUSER", "PGPASSWORD")}
    refused = cli("keys", "list", "--db", without_user, check=False, env=environment)
    assert refused.returncode == 64, refused.stderr
    assert "names no user and PGUSER is not set" in refused.stderr
    taken = cli("keys", "list", "--db", without_user, check=False, env={**environment, "PGUSER": url.username})
    assert taken.returncode == 0, taken.stderr
