"""The app-releases dialect (SPEC §7, seed `004_…`) through the real `shiplog serve`:
`/apps/v1/orgs/{org}/workspaces/{workspace}/apps/{app}/releases…` with workspace = page, app =
component. Every route, the list's cursor pagination, every error shape (401/403/404/409/422/429),
and each write checked through the native API and the version endpoint. Stores, keys and servers
are those of `test_api.py`.

    python3 -m pytest -q Tests/api/test_dialect_apps.py
"""
import re

import pytest

from test_api import API, PAGE, VERSION, unique

ORG = "acme"
BASE = f"/apps/v1/orgs/{ORG}/workspaces/{PAGE}/apps"
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
SUMMARY = {
    "release_id", "app_id", "workspace_id", "org_id", "release_tag", "release_number", "status", "description",
    "endpoint_count", "augmentation_count", "activated_at", "activated_by", "created_at", "created_by",
}
FULL = SUMMARY | {"endpoints", "augmentations", "change_log", "previous_release_id"}


def releases(app="api"):
    return f"{BASE}/{app}/releases"


def call(server, method, path, key="write", **kwargs):
    return server.request(method, path, server.store.keys[key] if key else None, **kwargs)


def assert_release(body, full, app="api"):
    assert set(body) == (FULL if full else SUMMARY), body
    assert body["app_id"] == app and body["workspace_id"] == PAGE and body["org_id"] == ORG
    assert isinstance(body["release_id"], str) and isinstance(body["release_tag"], str)
    assert isinstance(body["release_number"], int) and body["release_number"] >= 1
    assert body["status"] in ("draft", "active", "archived")
    assert body["endpoint_count"] == 0 and body["augmentation_count"] == 0
    if body["activated_at"] is None:
        assert body["activated_by"] is None
    else:
        assert body["status"] == "active" and TIME.match(body["activated_at"]), body
    assert TIME.match(body["created_at"]), body["created_at"]
    if full:
        assert body["endpoints"] == [] and body["augmentations"] == []
    return body


def assert_apps_error(response, status, code, **details):
    """The seed's error body: {error, message, details, timestamp, status_code}."""
    assert response.status_code == status, f"{response.status_code} {response.text[:500]}"
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "message", "details", "timestamp", "status_code"}, body
    assert body["error"] == code and body["status_code"] == status and body["message"], body
    assert TIME.match(body["timestamp"]), body
    for name, value in details.items():
        assert body["details"].get(name) == value, body
    return body


def assert_422(response, *locs):
    """FastAPI's 422: {detail: [{loc, msg, type, input, ctx}]}, with an item at each of `locs`."""
    assert response.status_code == 422, f"{response.status_code} {response.text[:500]}"
    body = response.json()
    assert set(body) == {"detail"} and body["detail"], body
    for item in body["detail"]:
        assert set(item) == {"loc", "msg", "type", "input", "ctx"}, item
        assert isinstance(item["loc"], list) and isinstance(item["msg"], str) and isinstance(item["type"], str)
        assert isinstance(item["ctx"], dict)
    found = [item["loc"] for item in body["detail"]]
    for loc in locs:
        assert list(loc) in found, f"no item at {loc}: {body}"
    return body["detail"]


def native(server, path, key="admin"):
    response = call(server, "GET", API + path, key)
    assert response.status_code == 200, response.text
    return response.json()


def latest(server, name="Nimbus API"):
    return {entry["name"]: entry["version"] for entry in server.get(VERSION).json()["latest"]}[name]


def by_tag(server, tag, app="api"):
    listed = call(server, "GET", releases(app), "read", params={"include_archived": "true", "limit": 200}).json()["releases"]
    return next(item for item in listed if item["release_tag"] == tag)


# MARK: - List


def test_list_shows_drafts_and_the_active_release_and_names_it(fresh):
    response = call(fresh, "GET", releases(), "read")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"total", "has_more", "next_cursor", "releases", "active_release_id"}
    # Without include_archived: only drafts and the active one (v1.10.2, the latest of §3).
    assert [item["release_tag"] for item in body["releases"]] == ["v1.10.2"]
    assert body["total"] == 1 and body["has_more"] is False and body["next_cursor"] is None
    active = assert_release(body["releases"][0], full=False)
    assert active["status"] == "active" and body["active_release_id"] == active["release_id"]
    assert native(fresh, "/components/api/active")["release"]["id"] == active["release_id"]


def test_list_with_archived_is_newest_created_first_with_numbers_and_statuses(fresh):
    body = call(fresh, "GET", releases(), "read", params={"include_archived": "true"}).json()
    items = body["releases"]
    assert body["total"] == 7 and len(items) == 7
    assert [item["release_number"] for item in items] == [7, 6, 5, 4, 3, 2, 1]
    # Creation order is the order the data file listed them in.
    assert [item["release_tag"] for item in items] == ["v2.0.0-rc.1", "v1.10.2", "v1.10.1", "v1.10.0", "v1.9.1", "v1.9.0", "v1.8.0"]
    assert {item["release_tag"]: item["status"] for item in items}["v1.10.1"] == "archived"  # yanked
    assert [item["status"] for item in items].count("active") == 1
    for item in items:
        assert_release(item, full=False)
        assert native(fresh, f"/releases/{item['release_id']}")["version"] == item["release_tag"]


def test_list_pages_with_cursor_and_limit(fresh):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"include_archived": "true", "limit": 3}
        if cursor:
            params["cursor"] = cursor
        body = call(fresh, "GET", releases(), "read", params=params).json()
        assert body["total"] == 7 and len(body["releases"]) <= 3
        seen += [item["release_number"] for item in body["releases"]]
        pages += 1
        assert body["has_more"] == (body["next_cursor"] is not None)
        if not body["has_more"]:
            break
        cursor = body["next_cursor"]
    assert pages == 3 and seen == [7, 6, 5, 4, 3, 2, 1]


def test_a_cursor_of_another_app_is_refused(fresh):
    """A cursor names its app: given to another app's list, it is a 422, not a position there."""
    first = call(fresh, "GET", releases(), "read", params={"include_archived": "true", "limit": 2}).json()
    assert first["next_cursor"]
    other = call(fresh, "GET", releases("web"), "read", params={"include_archived": "true", "limit": 2, "cursor": first["next_cursor"]})
    assert assert_422(other, ["query", "cursor"])[0]["type"] == "value_error"


def test_list_hides_drafts_from_anonymous_callers(fresh):
    tag = "3.9.0"
    assert call(fresh, "POST", releases("web"), json={"release_tag": tag}).status_code == 201
    keyed = [item["release_tag"] for item in call(fresh, "GET", releases("web"), "read").json()["releases"]]
    anonymous = [item["release_tag"] for item in call(fresh, "GET", releases("web"), None).json()["releases"]]
    assert tag in keyed and "3.8.0" in keyed
    assert tag not in anonymous and "3.8.0" not in anonymous and anonymous == ["3.7.0"]


@pytest.mark.parametrize("params, loc, kind", [
    ({"limit": "0"}, ["query", "limit"], "greater_than_equal"),
    ({"limit": "201"}, ["query", "limit"], "less_than_equal"),
    ({"limit": "many"}, ["query", "limit"], "int_parsing"),
    ({"include_archived": "perhaps"}, ["query", "include_archived"], "bool_parsing"),
    ({"cursor": "not-a-cursor"}, ["query", "cursor"], "value_error"),
    ({"page": "2"}, ["query", "page"], "extra_forbidden"),
])
def test_list_query_errors_are_422_detail(server, params, loc, kind):
    detail = assert_422(call(server, "GET", releases(), "read", params=params), loc)
    assert detail[0]["type"] == kind


def test_list_limit_bounds_are_taken(server):
    for limit in (1, 200):
        body = call(server, "GET", releases(), "read", params={"limit": limit, "include_archived": "true"}).json()
        assert len(body["releases"]) == min(limit, body["total"])


# MARK: - Create, get, active, delete


def test_create_is_a_draft_seen_through_the_native_api(server, store):
    tag = f"0.0.{unique()}"
    response = call(server, "POST", releases("cli"), json={"release_tag": tag, "description": "Short", "change_log": "Long notes"})
    assert response.status_code == 201, response.text
    body = assert_release(response.json(), full=True, app="cli")
    assert body["status"] == "draft" and body["release_tag"] == tag
    # SPEC §7: description and change_log are both the notes; the short text is kept as the title.
    assert body["description"] == "Long notes" and body["change_log"] == "Long notes"
    assert body["created_by"] == store.key_ids["write"]
    listed = call(server, "GET", releases("cli"), "read", params={"include_archived": "true", "limit": 200}).json()
    assert body["release_number"] == listed["total"]
    mirrored = native(server, f"/releases/{body['release_id']}")
    assert (mirrored["component"], mirrored["version"], mirrored["status"]) == ("cli", tag, "draft")
    assert mirrored["notes"] == "Long notes" and mirrored["title"] == "Short"
    # The previous release in version order: the highest one below 0.0.N is an older scratch release or none.
    assert body["previous_release_id"] is None or isinstance(body["previous_release_id"], str)


def test_create_with_description_only_keeps_it_as_notes(server):
    body = call(server, "POST", releases("cli"), json={"release_tag": f"0.0.{unique()}", "description": "Notes"}).json()
    assert body["description"] == "Notes" and body["change_log"] == "Notes"
    assert native(server, f"/releases/{body['release_id']}")["notes"] == "Notes"


def test_get_and_active_answer_the_full_object(fresh):
    active = call(fresh, "GET", releases() + "/active", "read")
    assert active.status_code == 200, active.text
    body = assert_release(active.json(), full=True)
    assert body["release_tag"] == "v1.10.2" and body["status"] == "active"
    assert body["previous_release_id"] == by_tag(fresh, "v1.10.1")["release_id"]
    shown = call(fresh, "GET", f"{releases()}/{body['release_id']}", "read")
    assert shown.status_code == 200 and shown.json() == body
    oldest = call(fresh, "GET", f"{releases()}/{by_tag(fresh, 'v1.8.0')['release_id']}", None).json()
    assert oldest["previous_release_id"] is None and oldest["status"] == "archived"


def test_active_of_an_app_without_one_is_404(fresh):
    assert fresh.admin("PUT", f"{API}/components/fresh-app", json={"name": "Fresh"}).status_code == 201
    assert_apps_error(call(fresh, "GET", releases("fresh-app") + "/active", "read"), 404, "RESOURCE_NOT_FOUND",
                      resource_type="active_release", resource_id="fresh-app")
    assert call(fresh, "GET", releases("fresh-app"), "read").json() == {
        "total": 0, "has_more": False, "next_cursor": None, "releases": [], "active_release_id": None}


def test_delete_answers_empty_object_and_the_release_is_gone(server):
    created = call(server, "POST", releases("cli"), json={"release_tag": f"0.0.{unique()}"}).json()
    path = f"{releases('cli')}/{created['release_id']}"
    response = call(server, "DELETE", path)
    assert response.status_code == 200 and response.json() == {}
    assert_apps_error(call(server, "GET", path, "read"), 404, "RESOURCE_NOT_FOUND", resource_type="release", resource_id=created["release_id"])
    assert call(server, "GET", f"{API}/releases/{created['release_id']}", "read").status_code == 404
    assert_apps_error(call(server, "DELETE", path), 404, "RESOURCE_NOT_FOUND")


def test_a_release_of_another_app_is_not_found_under_this_one(server):
    created = call(server, "POST", releases("cli"), json={"release_tag": f"0.0.{unique()}"}).json()
    assert_apps_error(call(server, "GET", f"{releases('web')}/{created['release_id']}", "read"), 404, "RESOURCE_NOT_FOUND",
                      resource_type="release")


def test_create_body_errors_are_422_detail(server):
    path = releases("cli")
    assert assert_422(call(server, "POST", path, json={}), ["body", "release_tag"])[0]["type"] == "missing"
    assert assert_422(call(server, "POST", path, json={"release_tag": 7}), ["body", "release_tag"])[0]["type"] == "string_type"
    assert_422(call(server, "POST", path, json={"release_tag": "1.0", "description": 3}), ["body", "description"])
    assert_422(call(server, "POST", path, json={"release_tag": "1.0", "endpoints": []}), ["body", "endpoints"])
    assert_422(call(server, "POST", path, json=["release_tag"]), ["body"])
    assert_422(call(server, "POST", path, json={"release_tag": "has space"}), ["body", "release_tag"])
    bad = call(server, "POST", path, data="{nope", headers={"Content-Type": "application/json"})
    assert assert_422(bad, ["body"])[0]["type"] == "json_invalid"


def test_create_of_an_existing_tag_is_409(server):
    tag = f"0.0.{unique()}"
    assert call(server, "POST", releases("cli"), json={"release_tag": tag}).status_code == 201
    assert_apps_error(call(server, "POST", releases("cli"), json={"release_tag": tag}), 409, "CONFLICT")


# MARK: - Activate, rollback, archive


def test_activate_a_draft_publishes_it_and_moves_the_version_endpoint(fresh):
    old = by_tag(fresh, "v1.10.2")
    created = call(fresh, "POST", releases(), json={"release_tag": "v1.11.0", "change_log": "New"}).json()
    assert latest(fresh) == "v1.10.2"
    response = call(fresh, "POST", f"{releases()}/{created['release_id']}/activate")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"message", "release", "previous_active_release_id"} and "v1.11.0" in body["message"]
    assert_release(body["release"], full=False)
    assert body["release"]["status"] == "active" and body["release"]["release_id"] == created["release_id"]
    assert body["previous_active_release_id"] == old["release_id"]
    # The store records who activated it, and when; the automatic latest before had neither.
    assert old["activated_at"] is None and old["activated_by"] is None
    assert body["release"]["activated_by"] == fresh.store.key_ids["write"] and body["release"]["activated_at"]
    assert call(fresh, "GET", releases() + "/active", "read").json()["activated_at"] == body["release"]["activated_at"]
    assert latest(fresh) == "v1.11.0"
    assert native(fresh, f"/releases/{created['release_id']}")["status"] == "published"
    assert native(fresh, "/components/api/active") == {"release": native(fresh, f"/releases/{created['release_id']}"), "pinned": True}
    listed = call(fresh, "GET", releases(), "read").json()
    assert listed["active_release_id"] == created["release_id"]
    assert by_tag(fresh, "v1.10.2")["status"] == "archived"


def test_rollback_activates_an_older_release_and_refuses_a_newer_one(fresh):
    current = by_tag(fresh, "v1.10.2")
    older = by_tag(fresh, "v1.9.1")
    response = call(fresh, "POST", f"{releases()}/{older['release_id']}/rollback")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["release"]["release_tag"] == "v1.9.1" and body["release"]["status"] == "active"
    assert body["previous_active_release_id"] == current["release_id"]
    assert body["release"]["activated_by"] == fresh.store.key_ids["write"]
    assert latest(fresh) == "v1.9.1"
    # Back "up" is an activation, not a rollback.
    refused = call(fresh, "POST", f"{releases()}/{current['release_id']}/rollback")
    assert_apps_error(refused, 409, "CONFLICT", active_release_id=older["release_id"])
    assert latest(fresh) == "v1.9.1"
    assert call(fresh, "POST", f"{releases()}/{current['release_id']}/activate").status_code == 200
    assert latest(fresh) == "v1.10.2"


def test_archive_yanks_and_the_release_leaves_the_default_list(fresh):
    target = by_tag(fresh, "v1.9.0")
    response = call(fresh, "POST", f"{releases()}/{target['release_id']}/archive")
    assert response.status_code == 200, response.text
    body = assert_release(response.json(), full=False)
    assert body["status"] == "archived" and body["release_id"] == target["release_id"]
    assert native(fresh, f"/releases/{target['release_id']}")["status"] == "yanked"


def test_archiving_the_active_release_makes_the_latest_automatic_again(fresh):
    older = by_tag(fresh, "v1.9.1")
    assert call(fresh, "POST", f"{releases()}/{older['release_id']}/activate").status_code == 200
    assert latest(fresh) == "v1.9.1"
    assert call(fresh, "POST", f"{releases()}/{older['release_id']}/archive").json()["status"] == "archived"
    assert latest(fresh) == "v1.10.2"
    automatic = call(fresh, "GET", releases() + "/active", "read").json()
    assert automatic["release_tag"] == "v1.10.2" and automatic["activated_at"] is None


def test_activating_an_archived_yanked_release_is_409(fresh):
    yanked = by_tag(fresh, "v1.10.1")
    assert_apps_error(call(fresh, "POST", f"{releases()}/{yanked['release_id']}/activate"), 409, "CONFLICT")


def test_every_release_says_what_the_native_api_says(fresh):
    """One store, two dialects: each app release against the native release of the same id."""
    for component in native(fresh, "")["components"]:
        slug = component["slug"]
        body = call(fresh, "GET", releases(slug), "read", params={"include_archived": "true", "limit": 200}).json()
        latest_release = call(fresh, "GET", f"{API}/components/{slug}/active", "read")
        latest_id = latest_release.json()["release"]["id"] if latest_release.status_code == 200 else None
        assert body["active_release_id"] == latest_id
        for item in body["releases"]:
            full = call(fresh, "GET", f"{releases(slug)}/{item['release_id']}", "read").json()
            mirrored = native(fresh, f"/releases/{item['release_id']}")
            assert (full["app_id"], full["release_tag"]) == (mirrored["component"], mirrored["version"])
            assert full["change_log"] == mirrored.get("notes")
            assert full["description"] == mirrored.get("notes")
            assert full["created_by"] == mirrored["created_by"]
            assert full["created_at"] == mirrored["created_at"].replace("Z", ".000000Z")
            expected = {"draft": "draft", "yanked": "archived"}.get(mirrored["status"])
            expected = expected or ("active" if mirrored["id"] == latest_id else "archived")
            assert full["status"] == expected, (slug, full["release_tag"])
