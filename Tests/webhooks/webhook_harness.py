"""The store and server of the webhook and CI-client tests: the built `shiplog` binary on a
temporary store (site/data.json imported, keys of every scope); the rest of the harness (`cli`, the
`Receiver` of webhooks, `wait_for` …) is Tests/support/harness.py, re-exported here.

The binary is SHIPLOG_BIN, else `.build/debug/shiplog`: run `swift build` first.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
import harness  # noqa: E402
from harness import (
    API, BINARY, DATA_FILE, PAGE, Receiver, body_json, cli, free_port, receiver, require_binary, signature,
    stop_after, wait_for  # noqa: E402,F401,
)
from stores import new_db  # noqa: E402


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


class Server(harness.Server):
    """`shiplog serve --rate-limit 0` on a store (port 0 unless given); `request` sends the key of the
    store's scope `key` (admin unless told; any other string as it is, None: no key).

    The receivers of these tests listen on loopback, so the server runs with
    `--allow-private-webhooks` unless `private_webhooks=False` (the SSRF tests)."""

    def __init__(self, store, *arguments, port=0, private_webhooks=True):
        super().__init__(store, "--rate-limit", "0", *(["--allow-private-webhooks"] if private_webhooks else []),
                         *arguments, port=port)

    def request(self, method, path, key="admin", **kwargs):
        return super().request(method, path, self.store.keys.get(key, key) if key is not None else None, **kwargs)

    def stop(self, timeout=15):
        return super().stop(timeout)
