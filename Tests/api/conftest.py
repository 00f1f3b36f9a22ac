"""The fixtures of the API suites, which every test module here uses by name: the shared server on
the shared store, a server no test changes, a server of a test's own, the check that a server survived
hostile requests, and a server with a rate limit. Stores, servers and helpers are those of
`test_api.py`.

The store and the servers on it are shared by the tests of one module, never across modules: a
module's tests count on what the others leave alone (drafts, deployments, rate limits)."""
import time

import pytest

from test_api import Server, Store, stop_after


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return Store(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def server(store):
    """The shared server: tests that change data use their own releases (see `scratch`)."""
    yield from stop_after(Server(store, "--rate-limit", "0"))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A server on the example data that no test changes, for tests that only read."""
    yield from stop_after(Server(Store(tmp_path_factory.mktemp("pristine")), "--rate-limit", "0"))


@pytest.fixture
def fresh(tmp_path):
    """A server of its own on a pristine store, for tests that depend on the exact data."""
    yield from stop_after(Server(Store(tmp_path / "fresh"), "--rate-limit", "0"), exit_status=None)


@pytest.fixture
def healthy(server):
    yield server
    assert server.alive(), "the server must survive every hostile request"


@pytest.fixture
def limited(tmp_path):
    running = Server(Store(tmp_path / "limited"), "--rate-limit", "3")
    # The limit counts in one-minute windows: do not start right before one ends.
    seconds = time.time() % 60
    if seconds > 54:
        time.sleep(61 - seconds)
    yield running
    running.stop()
