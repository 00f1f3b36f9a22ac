"""`shiplog release --activate` (SPEC §3): the release is created or updated, then made its
component's active release — how a pipeline rolls back what clients are told is current.

    swift build && python3 -m pytest -q Tests/client/test_client_activate.py
"""
from test_client import new_version, server, shiplog, store  # noqa: F401  (fixtures are used by name)

from webhook_harness import API  # noqa: E402  (test_client puts it on the path)


def latest(server, component):
    response = server.request("GET", f"{API}/components/{component}/active", key=None)
    assert response.status_code == 200, response.text
    return response.json()


def test_release_activate_rolls_back_then_a_new_release_is_activated(server, store):
    before = latest(server, "desktop")
    assert before["pinned"] is False and before["release"]["version"] == "1.2.1"
    # A rollback to a published release: nothing about it changes but being active.
    result = shiplog(server.base, "release", "--component", "desktop", "--version", "1.1.0", "--activate", key=store.keys["write"], check=0)
    assert "activated release desktop 1.1.0 (the latest was 1.2.1)" in result.stdout
    now = latest(server, "desktop")
    assert now["pinned"] is True and now["release"]["version"] == "1.1.0"
    assert now["release"]["published_at"] == "2025-09-09T14:20:00Z", "its date is kept"
    # A new release created and activated in one step.
    version = new_version()
    result = shiplog(server.base, "release", "--component", "desktop", "--version", version, "--activate", key=store.keys["write"], check=0)
    assert f"created release desktop {version} (published)" in result.stdout
    assert latest(server, "desktop")["release"]["version"] == version


def test_release_activate_of_a_yanked_release_fails_with_the_servers_message(server, store):
    version = new_version()
    shiplog(server.base, "release", "--component", "web", "--version", version, key=store.keys["write"], check=0)
    yanked = server.request("POST", f"{API}/components/web/releases/{version}/yank", key="write")
    assert yanked.status_code == 200, yanked.text
    result = shiplog(server.base, "release", "--component", "web", "--version", version, "--activate", key=store.keys["write"], check=1)
    assert "activating release" in result.stderr and "409 conflict" in result.stderr and "yanked" in result.stderr


def test_release_activate_and_draft_are_a_usage_error(server, store):
    result = shiplog(server.base, "release", "--component", "web", "--version", "1.0.0", "--draft", "--activate", key="k", check=64)
    assert "--activate" in result.stderr
