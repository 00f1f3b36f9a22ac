"""Fixtures of the webhook suites: a store with the example page, a server on it and a receiver."""
import pytest

from webhook_harness import Server, Store, receiver, stop_after  # noqa: F401  (the fixture is used by name)


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store")


@pytest.fixture
def server(store):
    yield from stop_after(Server(store), exit_status=None)
