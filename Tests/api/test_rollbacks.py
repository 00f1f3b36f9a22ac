"""Rollbacks of SPEC §6.1 through the real `shiplog serve`: active deployments canceled first,
whole-environment rollbacks, never a no-op, frozen environments; and deployment writes seen by
the next read (the server puts them into its in-memory page in place, without a reload).

    python3 -m pytest -q Tests/api/test_rollbacks.py
"""
import pytest

from test_api import assert_error, unique
from test_deployments import (
    ENVIRONMENTS, deploy, deployments, deployments_path, environment_path, environment_with,
    new_environment, rollback,
)


def statuses(server, name):
    return [(d["component"], d["version"], d["status"]) for d in deployments(server, name, limit=200)["items"]][::-1]


def test_active_deployments_are_canceled_first(server):
    name = environment_with(
        server,
        ("cli", "v0.9.0"),
        ("cli", "v1.0.0"),
        ("cli", "v1.1.0", "pending"),
        ("cli", "v1.1.0", "in_progress"),
        ("cli", "v1.1.0", "canceling"),
        ("desktop", "1.2.1", "in_progress"),  # another component stays as it is
    )
    response = rollback(server, name, component="cli")
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["version"], created["status"], created["meta"]) == ("v0.9.0", "pending", {"rollback": True, "from": "v1.0.0"})
    assert created["from_version"] == "v1.0.0" and created["id"] and created["created_by"]
    assert statuses(server, name) == [
        ("cli", "v0.9.0", "success"), ("cli", "v1.0.0", "success"),
        ("cli", "v1.1.0", "canceled"), ("cli", "v1.1.0", "canceled"), ("cli", "v1.1.0", "canceled"),
        ("desktop", "1.2.1", "in_progress"), ("cli", "v0.9.0", "pending"),
    ]
    canceled = [d for d in deployments(server, name)["items"] if d["status"] == "canceled"]
    assert all(d["finished_at"].endswith("Z") for d in canceled)


def test_a_second_rollback_while_the_first_is_pending(server):
    """The first never ran: it is canceled, and the second goes from what runs, never to it."""
    name = environment_with(server, ("cli", "v1.0.0"), ("cli", "v1.1.0"))
    first = rollback(server, name, component="cli").json()
    assert (first["version"], first["meta"]["from"]) == ("v1.0.0", "v1.1.0")
    for force in (False, True):
        again = rollback(server, name, component="cli", force=force)
        assert again.status_code == 201, again.text
        assert (again.json()["version"], again.json()["meta"]["from"], again.json()["from_version"]) == ("v1.0.0", "v1.1.0", "v1.1.0")
    assert [s for _, _, s in statuses(server, name)] == ["success", "success", "canceled", "canceled", "pending"]
    # Once the rollback succeeded, the next one goes back to what ran before it.
    assert server.admin("PATCH", deployments_path(name), json={"component": "cli", "version": "v1.0.0", "status": "success"}).status_code == 200
    assert rollback(server, name, component="cli").json()["version"] == "v1.1.0"


def test_a_failed_redeploy_never_rolls_back_to_itself(server):
    name = environment_with(server, ("cli", "v1.0.0"), ("cli", "v1.1.0"), ("cli", "v1.1.0", "failure"))
    created = rollback(server, name, component="cli", force=True).json()
    assert (created["version"], created["meta"]["from"], created["from_version"]) == ("v1.0.0", "v1.1.0", "v1.1.0")
    only = environment_with(server, ("cli", "v1.1.0"), ("cli", "v1.1.0", "failure"), ("cli", "v1.0.0", "pending"))
    assert_error(rollback(server, only, component="cli", force=True), 404, "not_found")
    # Refused whole: the pending deployment is not canceled either.
    assert [s for _, _, s in statuses(server, only)] == ["success", "failure", "pending"]


def test_rolling_back_the_whole_environment(server):
    name = environment_with(
        server,
        ("cli", "v1.0.0"),
        ("api", "v1.10.1"),
        ("cli", "v1.1.0"),
        ("web", "3.7.0"),  # one success only: nothing to go back to …
        ("web", "3.7.0", "in_progress"),  # … but it is deployed there: its active deployment ends
        ("api", "v1.10.2", "failure"),
        ("api", "v1.10.2", "pending"),
    )
    for body in ({}, {"component": None}):
        listed_before = statuses(server, name)
        response = rollback(server, name, actor="ops", **body)
        assert response.status_code == 201, response.text
        items = response.json()["items"]
        assert set(response.json()) == {"items"}
        # The page's component order (api, web, desktop, cli); api failed → its last success.
        assert [(d["component"], d["version"], d["status"], d["actor"]) for d in items] == [
            ("api", "v1.10.1", "pending", "ops"), ("cli", "v1.0.0", "pending", "ops")]
        assert deployments(server, name, limit=2)["items"] == items[::-1]
        assert ("web", "3.7.0", "in_progress") not in statuses(server, name)
        assert ("web", "3.7.0", "canceled") in statuses(server, name)
        assert len(statuses(server, name)) == len(listed_before) + 2
    # Every earlier rollback of the run was canceled by the next one.
    assert [s for c, _, s in statuses(server, name) if c in ("api", "cli")][-4:] == ["canceled", "canceled", "pending", "pending"]


def test_the_whole_environment_with_nothing_to_roll_back(server):
    name = new_environment(server)
    assert_error(rollback(server, name), 404, "not_found")  # no deployment at all
    deploy(server, name, "cli", "v1.0.0")
    deploy(server, name, "web", "3.7.0", status="pending")
    response = rollback(server, name)
    assert_error(response, 404, "not_found")
    assert "to roll back to" in response.json()["message"]
    assert [s for _, _, s in statuses(server, name)] == ["success", "pending"]


def test_the_whole_environment_frozen(server):
    name = environment_with(server, ("cli", "v1.0.0"), ("cli", "v1.1.0"))
    assert server.admin("PATCH", environment_path(name), json={"frozen": True}).status_code == 200
    assert_error(rollback(server, name), 400, "invalid_request", "force")
    forced = rollback(server, name, force=True)
    assert forced.status_code == 201 and [d["version"] for d in forced.json()["items"]] == ["v1.0.0"]


def test_creating_a_frozen_environment_needs_admin(server, store):
    name = f"env-{unique()}"
    assert_error(server.request("POST", ENVIRONMENTS, store.keys["write"], json={"name": name, "frozen": True}), 403, "forbidden")
    assert server.request("POST", ENVIRONMENTS, store.keys["write"], json={"name": name}).status_code == 201
    assert_error(server.request("PATCH", environment_path(name), store.keys["write"], json={"frozen": True}), 403, "forbidden")


@pytest.mark.parametrize("round", range(3))
def test_every_deployment_write_is_seen_by_the_next_read(server, store, round):
    """Deployment writes change the server's page in place; each answer is followed by a read."""
    name = new_environment(server)
    key = store.keys["write"]
    for version in ("v0.9.0", "v1.0.0", "v1.1.0"):
        posted = server.request("POST", deployments_path(name), key, json={"component": "cli", "version": version, "status": "in_progress"})
        assert posted.status_code == 201
        assert deployments(server, name, limit=1)["items"] == [posted.json()]
        patched = server.request("PATCH", deployments_path(name), key, json={"component": "cli", "version": version, "status": "success"})
        assert patched.status_code == 200
        assert deployments(server, name, limit=1)["items"] == [patched.json()]
    rolled = rollback(server, name, component="cli")
    assert rolled.status_code == 201
    assert deployments(server, name, limit=1)["items"] == [rolled.json()]
    assert deployments(server, name)["total"] == 4
