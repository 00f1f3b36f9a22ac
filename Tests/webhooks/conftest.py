"""Fixtures of the webhook suites: a store with the example page, a server on it and a receiver."""
import pytest

from harness import Receiver, Server, Store


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store")


@pytest.fixture
def server(store):
    running = Server(store)
    yield running
    running.stop()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()
