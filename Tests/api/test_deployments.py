"""Environments, deployments, rollbacks and customer sites through the real `shiplog serve`
(SPEC §6): every route, status and error shape, the auth matrix, the rollback rules and hostile
inputs. Stores, keys, servers and helpers are those of `test_api.py`; this module gets servers
of its own (conftest.py's fixtures are a module's own), so its changes never meet that module's.

    python3 -m pytest -q Tests/api/test_deployments.py
"""
import json
import urllib.parse

import pytest

from test_api import (
    API, BAD_LISTING_QUERIES, STORE_FIELDS, plain, CALLERS, DATA, ERROR_CODES, PUBLIC_GET, admin_op,
    assert_auth_error, assert_error, assert_json_error_bytes, listing, raw_request, release_path,
    request_as, scratch_release, send_bytes, unique, walk_pages, write_op,
)

ENVIRONMENTS = f"{API}/environments"
SITES = f"{API}/sites"
DEPLOYMENT_KEYS = {"component", "version", "environment", "status", "started_at", "finished_at", "host", "actor", "commit", "meta",
                   "error_message", *STORE_FIELDS}


def environments(server):
    """Every environment of the page, following the list's cursors."""
    items, cursor = [], None
    while True:
        body = server.get(ENVIRONMENTS, params={"limit": 200, **({"cursor": cursor} if cursor else {})}).json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            assert body["total"] == len(items)
            return items


def environment_path(name, *rest):
    return "/".join([f"{ENVIRONMENTS}/{urllib.parse.quote(name, safe='')}", *rest])


def deployments_path(name):
    return environment_path(name, "deployments")


def new_environment(server, frozen=None):
    """Creates an environment nobody else uses; returns its name."""
    name = f"env-{unique()}"
    body = {"name": name} if frozen is None else {"name": name, "frozen": frozen}
    response = server.admin("POST", ENVIRONMENTS, json=body)
    assert response.status_code == 201, response.text
    return name


def deploy(server, environment, component, version, status="success", **fields):
    response = server.admin("POST", deployments_path(environment),
                            json={"component": component, "version": version, "status": status, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def environment_with(server, *history):
    """Creates an environment nobody else uses with `history` deployed in it, oldest first: each
    (component, version) a success, or (component, version, status); returns its name."""
    name = new_environment(server)
    for deployment in history:
        deploy(server, name, *deployment)
    return name


def deployments(server, environment, key=None, **params):
    response = server.get(deployments_path(environment), key, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def rollback(server, environment, **body):
    return server.admin("POST", environment_path(environment, "rollback"), json=body)


def new_site(server, name=None):
    slug = f"site-{unique()}"
    response = server.admin("PUT", f"{SITES}/{slug}", json={} if name is None else {"name": name})
    assert response.status_code == 201, response.text
    return slug


def attachment_path(site, component, version):
    return f"{SITES}/{site}/releases/{component}/{urllib.parse.quote(version, safe='')}"


def as_deployment(entry):
    """A deployment of the data file as the API answers it (status always present)."""
    return {"status": "unknown", **entry}


# MARK: - The auth matrix


def _rollback_path(server):
    name = environment_with(server, ("cli", "v1.0.0"), ("cli", "v1.1.0"))
    return environment_path(name, "rollback")


def _attach_path(server):
    return attachment_path(new_site(server), "api", "v1.10.2")


def _detach_path(server):
    path = _attach_path(server)
    assert server.admin("PUT", path).status_code == 201
    return path


# name → (method, path or path factory, body factory or None, expected status by caller)
OPERATIONS = {
    "list environments": ("GET", ENVIRONMENTS, None, PUBLIC_GET),
    # CI creates the environments it deploys to with its write key; freezing one is admin's.
    "create environment": ("POST", ENVIRONMENTS, lambda s: {"name": f"env-{unique()}"}, write_op(201)),
    "create frozen environment": ("POST", ENVIRONMENTS, lambda s: {"name": f"env-{unique()}", "frozen": True}, admin_op(201)),
    "freeze environment": ("PATCH", lambda s: environment_path(new_environment(s)), lambda s: {"frozen": True}, admin_op(200)),
    "list deployments": ("GET", deployments_path("production"), None, PUBLIC_GET),
    "create deployment": ("POST", lambda s: deployments_path(new_environment(s)),
                          lambda s: {"component": "cli", "version": "v1.1.0", "status": "success"}, write_op(201)),
    "update deployment": ("PATCH", lambda s: deployments_path(new_environment(s)),
                          lambda s: {"component": "cli", "version": "v1.0.0", "status": "in_progress"}, write_op(200)),
    "rollback": ("POST", _rollback_path, lambda s: {"component": "cli"}, write_op(201)),
    "list sites": ("GET", SITES, None, PUBLIC_GET),
    "put site": ("PUT", lambda s: f"{SITES}/site-{unique()}", lambda s: {"name": "A customer"}, write_op(201)),
    "list site releases": ("GET", f"{SITES}/initech/releases", None, PUBLIC_GET),
    "attach release": ("PUT", _attach_path, None, write_op(201)),
    "detach release": ("DELETE", _detach_path, None, write_op(204)),
    "list subscribers": ("GET", f"{API}/subscribers", None, admin_op(200)),
}


@pytest.mark.parametrize("how", ["bearer", "bare", "query"])
@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_auth_matrix(server, store, operation, caller, how):
    _, response, status = request_as(server, store, OPERATIONS, operation, caller, how)
    if status in ERROR_CODES:
        assert_auth_error(response, status)
    else:
        assert response.status_code == status, f"{operation} as {caller}: {response.status_code} {response.text[:300]}"
        if status != 204:
            assert response.headers["Content-Type"].startswith("application/json")


def test_private_page_needs_a_key_for_reads(server, store):
    secret = "/api/v1/pages/secret"
    for path in (f"{secret}/environments", f"{secret}/sites"):
        assert_error(server.get(path), 401, "unauthorized")
        assert_error(server.get(path, store.keys["admin"]), 404, "not_found")  # a key of nimbus
        response = server.get(path, store.keys["secret"])
        assert response.status_code == 200 and response.json() == listing([])
    # The secret page's read key may not write.
    assert_error(server.request("POST", f"{secret}/environments", store.keys["secret"], json={"name": "x"}), 403, "forbidden")
    assert_error(server.request("PUT", f"{secret}/sites/x", store.keys["secret"], json={}), 403, "forbidden")


def test_unknown_page(server, store):
    for path in ("/api/v1/pages/no-such-page/environments", "/api/v1/pages/no-such-page/sites",
                 "/api/v1/pages/NOT_A_SLUG/environments"):
        assert_error(server.get(path), 404, "not_found")
        assert_error(server.get(path, store.keys["admin"]), 404, "not_found")


# MARK: - Environments


def test_list_environments(pristine):
    response = pristine.get(ENVIRONMENTS)
    assert response.status_code == 200
    assert response.json() == listing(DATA["environments"])


def test_create_environment(server):
    name = f"env-{unique()}"
    created = server.admin("POST", ENVIRONMENTS, json={"name": name})
    assert created.status_code == 201, created.text
    assert created.headers["Content-Type"].startswith("application/json")
    assert created.json() == {"name": name, "frozen": False}
    assert environments(server)[-1] == {"name": name, "frozen": False}
    assert deployments(server, name) == listing([])
    frozen = server.admin("POST", ENVIRONMENTS, json={"name": f"env-{unique()}", "frozen": True})
    assert frozen.status_code == 201 and frozen.json()["frozen"] is True
    # null counts as absent.
    absent = server.admin("POST", ENVIRONMENTS, json={"name": f"env-{unique()}", "frozen": None})
    assert absent.status_code == 201 and absent.json()["frozen"] is False


def test_create_environment_conflict(server):
    name = new_environment(server)
    assert_error(server.admin("POST", ENVIRONMENTS, json={"name": name}), 409, "conflict")
    assert_error(server.admin("POST", ENVIRONMENTS, json={"name": "production", "frozen": True}), 409, "conflict")
    assert {"name": "production", "frozen": False} in environments(server)


@pytest.mark.parametrize("body,field", [
    ({}, "name"),
    ({"name": None}, "name"),
    ({"name": "Bad Name"}, "name"),
    ({"name": "_upper"}, "name"),
    ({"name": "x" * 65}, "name"),
    ({"name": ".."}, "name"),
    ({"name": "a/b"}, "name"),
    ({"name": 5}, "name"),
    ({"name": "ok-name", "frozen": "yes"}, "frozen"),
    ({"name": "ok-name", "frozen": 1}, "frozen"),
    ({"name": "ok-name", "nmae": "typo"}, "nmae"),
    (["production"], "body"),
])
def test_create_environment_invalid(server, body, field):
    assert_error(server.admin("POST", ENVIRONMENTS, json=body), 400, "invalid_request", field)
    assert "ok-name" not in [e["name"] for e in environments(server)]


def test_create_environment_empty_body(server):
    assert_error(server.admin("POST", ENVIRONMENTS, data=b""), 400, "invalid_json")


def test_freeze_and_unfreeze(server):
    name = new_environment(server)
    frozen = server.admin("PATCH", environment_path(name), json={"frozen": True})
    assert frozen.status_code == 200, frozen.text
    assert frozen.json() == {"name": name, "frozen": True}
    assert {"name": name, "frozen": True} in environments(server)
    # The name may be repeated (or null); freezing twice is fine.
    assert server.admin("PATCH", environment_path(name), json={"frozen": True, "name": name}).json() == {"name": name, "frozen": True}
    assert server.admin("PATCH", environment_path(name), json={"frozen": True, "name": None}).status_code == 200
    thawed = server.admin("PATCH", environment_path(name), json={"frozen": False})
    assert thawed.status_code == 200 and thawed.json() == {"name": name, "frozen": False}
    assert {"name": name, "frozen": False} in environments(server)


@pytest.mark.parametrize("body,field", [
    ({}, "frozen"),
    ({"frozen": None}, "frozen"),
    ({"frozen": "true"}, "frozen"),
    ({"frozen": 1}, "frozen"),
    ({"frozen": True, "name": "other"}, "name"),
    ({"frozen": True, "typo": 1}, "typo"),
    ([True], "body"),
])
def test_freeze_invalid(server, body, field):
    name = new_environment(server)
    assert_error(server.admin("PATCH", environment_path(name), json=body), 400, "invalid_request", field)
    assert {"name": name, "frozen": False} in environments(server)


def test_freeze_unknown_environment(server):
    assert_error(server.admin("PATCH", environment_path(f"none-{unique()}"), json={"frozen": True}), 404, "not_found")
    assert_error(server.admin("PATCH", environment_path("Bad Name"), json={"frozen": True}), 400, "invalid_request", "environment")


# MARK: - Deployments: list, filter, pagination


def test_list_deployments_newest_first(pristine):
    for environment in ("production", "staging"):
        body = deployments(pristine, environment, limit=100)
        assert set(body) == {"items", "next_cursor", "has_more", "total"}
        assert body["has_more"] is False and body["next_cursor"] is None
        expected = [as_deployment(d) for d in DATA["deployments"] if d["environment"] == environment][::-1]
        assert plain(body["items"]) == expected
        for item in body["items"]:
            assert set(item) <= DEPLOYMENT_KEYS


@pytest.mark.parametrize("component", ["api", "web", "desktop", "cli"])
def test_list_deployments_by_component(pristine, component):
    items = deployments(pristine, "production", component=component)["items"]
    expected = [as_deployment(d) for d in DATA["deployments"] if d["environment"] == "production" and d["component"] == component]
    assert plain(items) == expected[::-1]


def walk_deployments(server, environment, **params):
    return walk_pages(lambda query: deployments(server, environment, **query), params, default_limit=20, most_pages=200)


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 20])
def test_deployment_pagination_no_duplicates_no_gaps(server, limit):
    name = new_environment(server)
    made = []
    for index in range(7):
        component = ("cli", "desktop")[index % 2]
        version = ("v1.0.0", "1.2.0")[index % 2]
        made.append(deploy(server, name, component, version, host=f"host-{index}"))
    everything = deployments(server, name, limit=100)["items"]
    assert everything == made[::-1]
    items, pages = walk_deployments(server, name, limit=limit)
    assert items == everything
    assert pages == max(1, -(-len(everything) // limit))
    # With a filter too.
    cli_only, _ = walk_deployments(server, name, limit=limit, component="cli")
    assert cli_only == [d for d in everything if d["component"] == "cli"]


def test_deployment_pagination_exact_page(server):
    name = new_environment(server)
    for index in range(4):
        deploy(server, name, "cli", "v1.0.0", host=f"h{index}")
    deploy(server, name, "desktop", "1.2.0")
    # Exactly `limit` matching deployments: no further page.
    body = deployments(server, name, limit=4, component="cli")
    assert len(body["items"]) == 4 and body["has_more"] is False and body["next_cursor"] is None


def test_deployment_cursor_is_stable_while_deployments_are_added(server):
    name = new_environment(server)
    for index in range(5):
        deploy(server, name, "cli", "v1.0.0", host=f"before-{index}")
    before = deployments(server, name, limit=100)["items"]
    first = deployments(server, name, limit=2)
    seen = first["items"]
    deploy(server, name, "cli", "v1.1.0", host="after")
    cursor = first["next_cursor"]
    while cursor:
        body = deployments(server, name, limit=2, cursor=cursor)
        seen += body["items"]
        cursor = body["next_cursor"]
    assert seen == before


def test_list_deployments_default_limit(server):
    name = new_environment(server)
    for index in range(51):
        deploy(server, name, "cli", "v0.9.0", host=f"h{index}")
    body = deployments(server, name)
    assert len(body["items"]) == 50 and body["has_more"] is True and body["total"] == 51
    assert deployments(server, name, cursor=body["next_cursor"])["items"][0]["host"] == "h0"


def test_list_deployments_unknown_environment_and_component(server):
    assert_error(server.get(deployments_path(f"none-{unique()}")), 404, "not_found")
    # An unknown component is no error: nothing was deployed of it.
    assert deployments(server, "production", component="nope") == listing([])


@pytest.mark.parametrize("params,field", BAD_LISTING_QUERIES + [
    ({"status": "success"}, "status"),
    ({"cursor": "eyJiZWZvcmUiOjk5OTk5fQ"}, "cursor"),  # {"before":99999}: out of range
    ({"cursor": "eyJiZWZvcmUiOi0xfQ"}, "cursor"),  # {"before":-1}
    ({"cursor": "eyJiZWZvcmUiOiIxIn0"}, "cursor"),  # {"before":"1"}
])
def test_list_deployments_bad_query(server, params, field):
    assert_error(server.get(deployments_path("production"), params=params), 400, "invalid_request", field)


def test_list_deployments_bad_environment_name(server):
    assert_error(server.get(deployments_path("Not A Name")), 400, "invalid_request", "environment")


def test_environment_names_may_have_upper_case_and_are_exact(server):
    """`Production`, as teams coming from the seed systems name their stages; not `production`."""
    name = f"Prod-{unique()}"
    response = server.admin("POST", ENVIRONMENTS, json={"name": name})
    assert response.status_code == 201, response.text
    assert name in [e["name"] for e in environments(server)]
    created = server.admin("POST", deployments_path(name), json={"component": "cli", "version": "v1.1.0", "status": "success"})
    assert created.status_code == 201 and created.json()["environment"] == name, created.text
    assert [d["environment"] for d in server.get(deployments_path(name)).json()["items"]] == [name]
    assert_error(server.admin("POST", deployments_path(name.lower()), json={"component": "cli", "version": "v1.1.0"}), 404, "not_found")


# MARK: - Deployments: create and update


def test_create_deployment_needs_its_environment(server, store):
    """A typo in CI never records a deployment somewhere new (SPEC §6.1): 404 until the environment exists."""
    name = f"auto-{unique()}"
    assert name not in [e["name"] for e in environments(server)]
    body = {"component": "api", "version": "v1.10.2", "status": "success"}
    for method in ("POST", "PATCH"):
        response = server.request(method, deployments_path(name), store.keys["write"], json=body)
        assert_error(response, 404, "not_found")
        assert response.json()["message"] == f'environment "{name}" not found'
    assert_error(rollback(server, name, component="api"), 404, "not_found")
    assert_error(rollback(server, name), 404, "not_found")
    assert name not in [e["name"] for e in environments(server)]
    assert_error(server.get(deployments_path(name)), 404, "not_found")
    # The write key may create it; then the deployment is recorded.
    assert server.request("POST", ENVIRONMENTS, store.keys["write"], json={"name": name}).status_code == 201
    assert server.request("POST", deployments_path(name), store.keys["write"], json=body).status_code == 201


def test_create_deployment_records_every_field(server):
    name = new_environment(server)
    body = {
        "component": "api", "version": "v1.10.2", "status": "success",
        "started_at": "2026-11-02T10:00:00+01:00", "finished_at": "2026-11-02T09:06:12.5Z",
        "host": "api-1.example", "actor": "ci-bot", "commit": "5ca2d16e", "meta": {"pipeline": 4711, "tags": ["a", None, 1.5]},
    }
    response = server.admin("POST", deployments_path(name), json=body)
    assert response.status_code == 201, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    expected = dict(body, environment=name, started_at="2026-11-02T09:00:00Z", finished_at="2026-11-02T09:06:12Z")
    assert plain(response.json()) == expected
    assert deployments(server, name)["items"] == [response.json()]


def test_create_deployment_minimal(server):
    name = new_environment(server)
    response = server.admin("POST", deployments_path(name), json={"component": "cli", "version": "v1.1.0"})
    assert response.status_code == 201, response.text
    assert plain(response.json()) == {"component": "cli", "version": "v1.1.0", "environment": name, "status": "unknown"}
    # The environment may be repeated; null members count as absent.
    repeated = server.admin("POST", deployments_path(name), json={"component": "cli", "version": "v1.1.0", "environment": name,
                                                                  "status": None, "host": None, "meta": None})
    assert repeated.status_code == 201, repeated.text
    assert plain(repeated.json()) == {"component": "cli", "version": "v1.1.0", "environment": name, "status": "unknown"}


def test_create_deployment_in_a_frozen_environment(server):
    """Freezing only guards rollbacks: CI still records what it deployed."""
    name = new_environment(server, frozen=True)
    assert server.admin("POST", deployments_path(name), json={"component": "cli", "version": "v1.1.0"}).status_code == 201


def test_create_deployment_of_a_draft(server, store):
    release = scratch_release(server)
    name = new_environment(server)
    deploy(server, name, "cli", "v1.0.0")
    deployed = deploy(server, name, release["component"], release["version"])
    deploy(server, name, "cli", "v1.1.0")
    # Drafts always need a key: without one, their deployments are left out (pagination too).
    assert [d["version"] for d in deployments(server, name, store.keys["read"])["items"]] == ["v1.1.0", release["version"], "v1.0.0"]
    assert deployed in deployments(server, name, store.keys["read"])["items"]
    assert [d["version"] for d in deployments(server, name)["items"]] == ["v1.1.0", "v1.0.0"]
    first = deployments(server, name, limit=1)
    assert first["has_more"] is True
    assert [d["version"] for d in deployments(server, name, limit=1, cursor=first["next_cursor"])["items"]] == ["v1.0.0"]
    only_draft = new_environment(server)
    deploy(server, only_draft, release["component"], release["version"])
    assert deployments(server, only_draft, limit=1) == listing([])
    # A release that a deployment refers to cannot be deleted.
    assert_error(server.admin("DELETE", release_path(release["component"], release["version"])), 409, "conflict")


@pytest.mark.parametrize("body,field", [
    ({"version": "v1.1.0"}, "component"),
    ({"component": "cli"}, "version"),
    ({"component": "cli", "version": "v9.9.9"}, "version"),          # no such release
    ({"component": "nope", "version": "v1.1.0"}, "version"),         # no such component
    ({"component": "Bad", "version": "v1.1.0"}, "component"),
    ({"component": "cli", "version": "a/b"}, "version"),
    ({"component": "cli", "version": "v1.1.0", "status": "done"}, "status"),
    ({"component": "cli", "version": "v1.1.0", "status": 1}, "status"),
    ({"component": "cli", "version": "v1.1.0", "started_at": "yesterday"}, "started_at"),
    ({"component": "cli", "version": "v1.1.0", "finished_at": "2024-02-30T00:00:00Z"}, "finished_at"),
    ({"component": "cli", "version": "v1.1.0", "host": 5}, "host"),
    ({"component": "cli", "version": "v1.1.0", "actor": ["x"]}, "actor"),
    ({"component": "cli", "version": "v1.1.0", "commit": {}}, "commit"),
    ({"component": "cli", "version": "v1.1.0", "environment": "elsewhere"}, "environment"),
    ({"component": "cli", "version": "v1.1.0", "typo": 1}, "typo"),
    ([{"component": "cli", "version": "v1.1.0"}], "body"),
])
def test_create_deployment_invalid(server, body, field):
    name = new_environment(server)
    assert_error(server.admin("POST", deployments_path(name), json=body), 400, "invalid_request", field)
    assert deployments(server, name)["items"] == []


def test_create_deployment_invalid_does_not_create_the_environment(server):
    name = f"never-{unique()}"
    # The environment is the path's: a missing one is a 404 before the release is looked at.
    assert_error(server.admin("POST", deployments_path(name), json={"component": "cli", "version": "v9.9.9"}), 404, "not_found")
    assert name not in [e["name"] for e in environments(server)]
    assert_error(server.admin("POST", deployments_path("Bad Env"), json={"component": "cli", "version": "v1.1.0"}),
                 400, "invalid_request", "environment")


def test_update_deployment_updates_the_newest_match(server):
    name = new_environment(server)
    older = deploy(server, name, "cli", "v1.1.0", status="failure", started_at="2026-01-01T00:00:00Z",
                   finished_at="2026-01-01T00:01:00Z")
    newer = deploy(server, name, "cli", "v1.1.0", status="in_progress", started_at="2026-01-02T00:00:00Z", host="h2")
    other = deploy(server, name, "cli", "v1.0.0", status="in_progress")
    response = server.admin("PATCH", deployments_path(name), json={"component": "cli", "version": "v1.1.0", "status": "success"})
    assert response.status_code == 200, response.text
    updated = response.json()
    # A finished status sets finished_at when it was not set; the rest stays.
    assert updated["finished_at"].endswith("Z")
    assert {k: v for k, v in updated.items() if k != "finished_at"} == dict(newer, status="success")
    assert deployments(server, name)["items"] == [other, updated, older]  # updated in place, no new entry
    # Updating again keeps the finish time.
    again = server.admin("PATCH", deployments_path(name), json={"component": "cli", "version": "v1.1.0", "status": "failure"}).json()
    assert again == dict(updated, status="failure")


def test_update_deployment_creates_when_nothing_matches(server):
    name = new_environment(server)
    response = server.admin("PATCH", deployments_path(name), json={"component": "cli", "version": "v1.1.0", "status": "in_progress"})
    assert response.status_code == 200, response.text
    created = response.json()
    assert set(plain(created)) == {"component", "version", "environment", "status", "started_at"}
    assert (created["component"], created["version"], created["environment"], created["status"]) == ("cli", "v1.1.0", name, "in_progress")
    finished = server.admin("PATCH", deployments_path(name), json={"component": "cli", "version": "v1.0.0", "status": "success"}).json()
    assert finished["started_at"] == finished["finished_at"] or finished["finished_at"] >= finished["started_at"]
    assert [d["version"] for d in deployments(server, name)["items"]] == ["v1.0.0", "v1.1.0"]


@pytest.mark.parametrize("body,field", [
    ({"component": "cli", "version": "v1.1.0"}, "status"),
    ({"component": "cli", "version": "v1.1.0", "status": None}, "status"),
    ({"component": "cli", "version": "v1.1.0", "status": "done"}, "status"),
    ({"version": "v1.1.0", "status": "success"}, "component"),
    ({"component": "Bad", "version": "v1.1.0", "status": "success"}, "component"),
    ({"component": "cli", "status": "success"}, "version"),
    ({"component": "cli", "version": "..", "status": "success"}, "version"),
    ({"component": "cli", "version": 1, "status": "success"}, "version"),
    ({"component": "cli", "version": "v9.9.9", "status": "success"}, "version"),  # no such release
    ({"component": "cli", "version": "v1.1.0", "status": "success", "host": "x"}, "host"),
    ([], "body"),
])
def test_update_deployment_invalid(server, body, field):
    name = new_environment(server)
    assert_error(server.admin("PATCH", deployments_path(name), json=body), 400, "invalid_request", field)
    assert deployments(server, name)["items"] == []


# MARK: - Rollback


def test_rollback_after_success_goes_to_the_previous_version(server):
    name = environment_with(
        server,
        ("cli", "v0.9.0"),
        ("cli", "v1.0.0"),
        ("desktop", "1.2.1"),  # another component does not count
        ("cli", "v1.1.0"),
        ("cli", "v1.1.0"),  # redeploys of the same version are skipped
    )
    response = rollback(server, name, component="cli", actor="mfrost")
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["started_at"].endswith("Z")
    assert {k: v for k, v in plain(created).items() if k != "started_at"} == {
        "component": "cli", "version": "v1.0.0", "environment": name, "status": "pending", "actor": "mfrost",
        "meta": {"rollback": True, "from": "v1.1.0"},
    }
    assert deployments(server, name)["items"][0] == created


def test_rollback_after_failure_goes_to_the_last_success(server):
    name = environment_with(server, ("cli", "v0.9.0"), ("cli", "v1.0.0"), ("cli", "v1.1.0", "failure"))
    created = rollback(server, name, component="cli")
    assert created.status_code == 201, created.text
    assert created.json()["version"] == "v1.0.0"
    assert created.json()["meta"] == {"rollback": True, "from": "v1.1.0"}
    assert "actor" not in created.json()


@pytest.mark.parametrize("status", ["in_progress", "pending", "error", "canceled", "unknown"])
def test_rollback_when_the_newest_did_not_succeed(server, status):
    name = environment_with(server, ("cli", "v1.0.0"), ("cli", "v1.1.0", "failure"), ("cli", "v1.1.0", status))
    assert rollback(server, name, component="cli").json()["version"] == "v1.0.0"


def test_rollback_after_a_failed_redeploy_of_the_same_version(server):
    name = environment_with(server, ("cli", "v1.0.0"), ("cli", "v1.1.0"), ("cli", "v1.0.0", "failure"))
    # The newest failed: back to the last successful one, whatever its version.
    assert rollback(server, name, component="cli").json()["version"] == "v1.1.0"


def test_rollback_of_the_example_data(fresh):
    # production: web 3.6.0 ok, 3.7.0 failed, 3.7.0 ok → back to 3.6.0; api v1.10.1 ok, v1.10.2 ok → v1.10.1.
    web = rollback(fresh, "production", component="web")
    assert web.status_code == 201 and web.json()["version"] == "3.6.0"
    api = rollback(fresh, "production", component="api")
    assert api.status_code == 201 and api.json()["version"] == "v1.10.1"
    # staging: api v1.10.2 ok, v2.0.0-rc.1 ok → v1.10.2.
    assert rollback(fresh, "staging", component="api").json()["version"] == "v1.10.2"


def test_rollback_in_a_frozen_environment_needs_force(server):
    name = environment_with(server, ("cli", "v1.0.0"), ("cli", "v1.1.0"))
    assert server.admin("PATCH", environment_path(name), json={"frozen": True}).status_code == 200
    for body in ({"component": "cli"}, {"component": "cli", "force": False}, {"component": "cli", "force": None}):
        assert_error(rollback(server, name, **body), 400, "invalid_request", "force")
    assert len(deployments(server, name)["items"]) == 2
    forced = rollback(server, name, component="cli", force=True)
    assert forced.status_code == 201, forced.text
    assert forced.json()["version"] == "v1.0.0"
    # Unfrozen, no force is needed.
    server.admin("PATCH", environment_path(name), json={"frozen": False})
    deploy(server, name, "cli", "v1.1.0")
    assert rollback(server, name, component="cli").status_code == 201


def test_rollback_with_nothing_to_roll_back_to(server):
    name = new_environment(server)
    assert_error(rollback(server, name, component="cli"), 404, "not_found")  # no deployment at all
    deploy(server, name, "cli", "v1.1.0")
    assert_error(rollback(server, name, component="cli"), 404, "not_found")  # one success only
    deploy(server, name, "cli", "v1.1.0")
    assert_error(rollback(server, name, component="cli"), 404, "not_found")  # the same version only
    failing = environment_with(server, ("cli", "v1.0.0", "failure"), ("cli", "v1.1.0", "failure"))
    assert_error(rollback(server, failing, component="cli"), 404, "not_found")  # never succeeded
    assert_error(rollback(server, f"none-{unique()}", component="cli"), 404, "not_found")  # no environment
    assert_error(rollback(server, name, component="nope"), 404, "not_found")  # no such component
    assert len(deployments(server, name)["items"]) == 2


def test_rollback_in_a_frozen_environment_with_nothing(server):
    name = new_environment(server, frozen=True)
    # Frozen is checked first; with force, there is still nothing to roll back to.
    assert_error(rollback(server, name, component="cli"), 400, "invalid_request", "force")
    assert_error(rollback(server, name, component="cli", force=True), 404, "not_found")


@pytest.mark.parametrize("body,field", [
    ({"component": "Bad Slug"}, "component"),
    ({"component": ""}, "component"),
    ({"component": 5}, "component"),
    ({"component": "cli", "force": "yes"}, "force"),
    ({"component": "cli", "force": 1}, "force"),
    ({"component": "cli", "actor": 5}, "actor"),
    ({"component": "cli", "version": "v1.0.0"}, "version"),  # the version is not chosen by the caller
    ([{"component": "cli"}], "body"),
])
def test_rollback_invalid(server, body, field):
    name = environment_with(server, ("cli", "v1.0.0"), ("cli", "v1.1.0"))
    assert_error(server.admin("POST", environment_path(name, "rollback"), json=body), 400, "invalid_request", field)
    assert len(deployments(server, name)["items"]) == 2


def test_rollback_null_members_count_as_absent(server):
    name = environment_with(server, ("cli", "v1.0.0"), ("cli", "v1.1.0"))
    response = rollback(server, name, component="cli", force=None, actor=None)
    assert response.status_code == 201, response.text
    assert "actor" not in response.json()


def test_rollback_bad_environment_name(server):
    assert_error(server.admin("POST", environment_path("NOPE!", "rollback"), json={"component": "cli"}), 400, "invalid_request", "environment")


# MARK: - Customer sites


def test_list_sites(pristine):
    body = pristine.get(SITES).json()
    assert dict(body, items=plain(body["items"])) == listing(DATA["sites"])


def test_put_site_creates_then_renames(server):
    slug = f"site-{unique()}"
    created = server.admin("PUT", f"{SITES}/{slug}", json={"name": "Acme Corp"})
    assert created.status_code == 201, created.text
    assert plain(created.json()) == {"slug": slug, "name": "Acme Corp", "releases": []}
    assert server.get(SITES).json()["items"][-1] == created.json()
    assert server.admin("PUT", attachment_path(slug, "api", "v1.10.2")).status_code == 201
    # Renaming keeps the attached releases; the slug may be repeated.
    renamed = server.admin("PUT", f"{SITES}/{slug}", json={"slug": slug, "name": "Acme"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json() == dict(created.json(), name="Acme", releases=[{"component": "api", "version": "v1.10.2"}])
    # A left-out or null name unsets it.
    for body in ({}, {"name": None}):
        unnamed = server.admin("PUT", f"{SITES}/{slug}", json=body)
        assert unnamed.status_code == 200 and plain(unnamed.json()) == {"slug": slug, "releases": [{"component": "api", "version": "v1.10.2"}]}
    assert next(s for s in server.get(SITES).json()["items"] if s["slug"] == slug) == unnamed.json()


@pytest.mark.parametrize("body,field", [
    ({"name": 5}, "name"),
    ({"name": ["x"]}, "name"),
    ({"slug": "other"}, "slug"),
    ({"releases": []}, "releases"),
    ({"nmae": "typo"}, "nmae"),
    (["x"], "body"),
])
def test_put_site_invalid(server, body, field):
    slug = f"site-{unique()}"
    assert_error(server.admin("PUT", f"{SITES}/{slug}", json=body), 400, "invalid_request", field)
    assert slug not in [s["slug"] for s in server.get(SITES).json()["items"]]


def test_put_site_bad_slug(server):
    for slug in ("Bad_Slug", "a%2Fb", "%2e%2e", "x" * 65):
        assert_error(server.admin("PUT", f"{SITES}/{slug}", json={}), 400, "invalid_request", "site")
    assert_error(server.admin("PUT", f"{SITES}/ok-{unique()}", data=b""), 400, "invalid_json")


def test_attach_and_detach(server):
    slug = new_site(server, "Attach test")
    path = attachment_path(slug, "api", "v1.10.2")
    first = server.admin("PUT", path)
    assert first.status_code == 201 and first.json() == {"component": "api", "version": "v1.10.2"}
    again = server.admin("PUT", path)
    assert again.status_code == 200 and again.json() == {"component": "api", "version": "v1.10.2"}
    assert server.admin("PUT", attachment_path(slug, "desktop", "1.2.1")).status_code == 201
    site = next(s for s in server.get(SITES).json()["items"] if s["slug"] == slug)
    assert site["releases"] == [{"component": "api", "version": "v1.10.2"}, {"component": "desktop", "version": "1.2.1"}]
    # Attached releases are listed in full, in the order they were attached.
    items = server.get(f"{SITES}/{slug}/releases").json()["items"]
    assert [(r["component"], r["version"]) for r in items] == [("api", "v1.10.2"), ("desktop", "1.2.1")]
    assert items[0] == server.get(release_path("api", "v1.10.2")).json()
    # An attached release cannot be deleted until it is detached.
    release = scratch_release(server, status="published")
    release_at = attachment_path(slug, release["component"], release["version"])
    assert server.admin("PUT", release_at).status_code == 201
    assert_error(server.admin("DELETE", release_path(release["component"], release["version"])), 409, "conflict")
    detached = server.admin("DELETE", release_at)
    assert detached.status_code == 204 and detached.content == b""
    assert server.admin("DELETE", release_path(release["component"], release["version"])).status_code == 204
    assert_error(server.admin("DELETE", release_at), 404, "not_found")
    assert server.admin("DELETE", path).status_code == 204
    assert [(r["component"], r["version"]) for r in server.get(f"{SITES}/{slug}/releases").json()["items"]] == [("desktop", "1.2.1")]


def test_site_releases_of_the_example_data(pristine):
    items = pristine.get(f"{SITES}/initech/releases").json()["items"]
    expected = [(r["component"], r["version"]) for r in DATA["sites"][0]["releases"]]
    assert [(r["component"], r["version"]) for r in items] == expected
    for item in items:
        source = next(r for r in DATA["releases"] if (r["component"], r["version"]) == (item["component"], item["version"]))
        assert item["title"] == source["title"] and item["status"] == source.get("status", "published")


def test_attached_drafts_need_a_key(server, store):
    slug = new_site(server)
    assert server.admin("PUT", attachment_path(slug, "web", "3.8.0")).status_code == 201  # the draft
    assert server.admin("PUT", attachment_path(slug, "web", "3.7.0")).status_code == 201
    anonymous = server.get(f"{SITES}/{slug}/releases").json()["items"]
    assert [r["version"] for r in anonymous] == ["3.7.0"]
    with_key = server.get(f"{SITES}/{slug}/releases", store.keys["read"]).json()["items"]
    assert [(r["version"], r["status"]) for r in with_key] == [("3.8.0", "draft"), ("3.7.0", "published")]
    # Not even the reference shows up in the list of sites without a key.
    listed = next(s for s in server.get(SITES).json()["items"] if s["slug"] == slug)
    assert listed["releases"] == [{"component": "web", "version": "3.7.0"}]
    listed = next(s for s in server.get(SITES, store.keys["read"]).json()["items"] if s["slug"] == slug)
    assert listed["releases"] == [{"component": "web", "version": "3.8.0"}, {"component": "web", "version": "3.7.0"}]


def test_attach_errors(server):
    slug = new_site(server)
    assert_error(server.admin("PUT", attachment_path(f"none-{unique()}", "api", "v1.10.2")), 404, "not_found")
    assert_error(server.admin("PUT", attachment_path(slug, "api", "v0.0.0-none")), 404, "not_found")
    assert_error(server.admin("PUT", attachment_path(slug, "nope", "1.0.0")), 404, "not_found")
    assert_error(server.admin("DELETE", attachment_path(f"none-{unique()}", "api", "v1.10.2")), 404, "not_found")
    assert_error(server.admin("DELETE", attachment_path(slug, "api", "v1.10.2")), 404, "not_found")  # not attached
    assert_error(server.admin("PUT", attachment_path("Bad Site", "api", "v1.10.2")), 400, "invalid_request", "site")
    assert_error(server.admin("PUT", attachment_path(slug, "Bad", "v1.10.2")), 400, "invalid_request", "component")
    assert_error(server.admin("PUT", attachment_path(slug, "api", ".hidden")), 400, "invalid_request", "version")
    assert_error(server.admin("DELETE", attachment_path(slug, "api", "a/b")), 400, "invalid_request", "version")
    assert_error(server.get(f"{SITES}/none-{unique()}/releases"), 404, "not_found")
    assert_error(server.get(f"{SITES}/Bad%20Site/releases"), 400, "invalid_request", "site")
    assert server.get(f"{SITES}/{slug}/releases").json() == listing([])


# MARK: - Hostile requests


BODY_ROUTES = [
    ("POST", ENVIRONMENTS),
    ("PATCH", environment_path("staging")),
    ("POST", deployments_path("hostile")),
    ("PATCH", deployments_path("hostile")),
    ("POST", environment_path("staging", "rollback")),
    ("PUT", f"{SITES}/hostile"),
]


@pytest.mark.parametrize("method,path", BODY_ROUTES)
@pytest.mark.parametrize("body,code", [
    (b"{", "invalid_json"),
    (b"", "invalid_json"),
    (b'{"name": "x",}', "invalid_json"),
    (b"\xff\xfe", "invalid_json"),
    (b'{"name": "\xc0\xaf"}', "invalid_json"),
    (b'{"name": "a\\u0000b"}', "invalid_json"),
    (b"[" * 10_000 + b"]" * 10_000, "invalid_json"),
    (b"null", None),
    (b"42", None),
])
def test_malformed_bodies(healthy, store, method, path, body, code):
    status, headers, content = send_bytes(healthy, method, path, body, store.keys["admin"])
    error = assert_json_error_bytes(status, headers, content, 400)
    if code:
        assert error["error"] == code, error


@pytest.mark.parametrize("method,path", BODY_ROUTES)
def test_bodies_too_large(healthy, store, method, path):
    body = b'{"meta": "' + b"a" * (1 << 20) + b'"}'
    status, headers, content = send_bytes(healthy, method, path, body, store.keys["admin"])
    assert assert_json_error_bytes(status, headers, content, 413)["error"] == "body_too_large"


def test_large_meta_within_the_limit_round_trips(server):
    name = new_environment(server)
    meta = {"log": "x" * 500_000, "nested": [[[[[{"deep": True}]]]]], "unicode": "naïve ✓ \U0001F680", "number": 1e300}
    created = server.admin("POST", deployments_path(name), json={"component": "cli", "version": "v1.1.0", "meta": meta})
    assert created.status_code == 201, created.text[:300]
    assert created.json()["meta"] == meta
    assert deployments(server, name)["items"][0]["meta"] == meta


def test_hostile_strings_are_kept_as_text(server):
    name = new_environment(server)
    hostile = {"host": "<script>alert(1)</script>", "actor": "'; DROP TABLE deployments; --", "commit": "\u202e\u0007"}
    created = server.admin("POST", deployments_path(name), json={"component": "cli", "version": "v1.1.0", **hostile})
    assert created.status_code == 201
    assert {k: created.json()[k] for k in hostile} == hostile
    assert deployments(server, name)["items"][0] == created.json()
    site = server.admin("PUT", f"{SITES}/site-{unique()}", json={"name": "<img src=x onerror=alert(1)> \"Ünïcode\""})
    assert site.status_code == 201 and site.json()["name"] == "<img src=x onerror=alert(1)> \"Ünïcode\""


@pytest.mark.parametrize("path,expected", [
    (f"{ENVIRONMENTS}/..%2F..%2Fetc%2Fpasswd/deployments", 400),
    (f"{ENVIRONMENTS}/%2e%2e/deployments", 400),
    (f"{ENVIRONMENTS}/a%00b/deployments", 400),
    (f"{ENVIRONMENTS}/%ff%fe/deployments", 400),
    (f"{ENVIRONMENTS}/%/deployments", 400),
    (f"{ENVIRONMENTS}/{'x' * 65}/deployments", 400),
    (f"{SITES}/..%2Finitech/releases", 400),
    (f"{SITES}/%2e%2e/releases", 400),
    (f"{SITES}/initech%2F..%2F..%2F/releases", 400),
    (f"{ENVIRONMENTS}/production/../staging/deployments", None),
    (f"{SITES}/initech/releases/../../../environments", None),
    (f"{ENVIRONMENTS}/production/deployments/extra", 404),
    (f"{SITES}/initech/releases/api", 404),
])
def test_dot_segments_and_encoded_slashes(healthy, store, path, expected):
    """Sent byte for byte (no client-side normalisation): JSON, never a file or a 5xx."""
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: {store.keys['read']}\r\nConnection: close\r\n\r\n"
    status, head, body = raw_request(healthy, request.encode())
    assert b"root:" not in body
    assert status is not None and status < 500, (status, body[:200])
    if expected is not None:
        assert status == expected, body[:300]
        assert json.loads(body)["status"] == status
    assert "application/json" in head.lower()


@pytest.mark.parametrize("method,path", [
    ("DELETE", ENVIRONMENTS),
    ("PUT", ENVIRONMENTS),
    ("DELETE", environment_path("staging")),
    ("GET", environment_path("staging")),
    ("DELETE", deployments_path("staging")),
    ("GET", environment_path("staging", "rollback")),
    ("DELETE", SITES),
    ("POST", f"{SITES}/initech"),
    ("POST", f"{SITES}/initech/releases"),
    ("GET", f"{SITES}/initech/releases/api/v1.10.2"),
    ("POST", f"{API}/subscribers"),
])
def test_unknown_methods_and_routes(healthy, store, method, path):
    response = healthy.request(method, path, store.keys["admin"])
    assert response.status_code in (404, 405)
    assert_error(response, response.status_code)


def test_many_bad_requests_then_healthy(healthy, store):
    for index in range(30):
        healthy.request("POST", deployments_path("flood"), store.keys["admin"], data=b"{")
        healthy.request("POST", environment_path("flood", "rollback"), store.keys["admin"], json={"component": "cli"})
        healthy.get(f"{SITES}/%ff/releases")
    assert healthy.get(ENVIRONMENTS).status_code == 200
