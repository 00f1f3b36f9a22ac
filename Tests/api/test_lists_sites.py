"""Lists and customer sites through the real `shiplog serve` (SPEC §6.1): every list answers
`{items, next_cursor, has_more, total}`, refuses query parameters it does not know and takes
`limit` 1–200 (default 50); customer sites can be created, read, renamed and deleted. Stores,
keys, servers and helpers are those of `test_api.py` (the fixtures, of conftest.py).

    python3 -m pytest -q Tests/api/test_lists_sites.py
"""
import pytest

from test_api import API, plain, DATA, assert_error, release_path, scratch_release, unique

SITES = f"{API}/sites"

# Every list route of the native API, with the query parameters (filters) it knows besides limit and cursor.
LISTS = {
    "releases": (f"{API}/releases", {"component": "api"}),
    "groups": (f"{API}/groups", {}),
    "environments": (f"{API}/environments", {}),
    "deployments": (f"{API}/environments/production/deployments", {"component": "api"}),
    "sites": (SITES, {}),
    "site releases": (f"{SITES}/initech/releases", {}),
    "subscribers": (f"{API}/subscribers", {}),
    "webhooks": (f"{API}/webhooks", {}),
}
LIST_KEYS = {"items", "next_cursor", "has_more", "total"}


def walk(server, path, limit, **params):
    """Every page of a list: (items in order, the totals each page answered, number of pages)."""
    items, totals, cursor, pages = [], set(), None, 0
    while True:
        query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        response = server.admin("GET", path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == LIST_KEYS
        assert len(body["items"]) <= limit
        pages += 1
        items += body["items"]
        totals.add(body["total"])
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return items, totals, pages
        assert isinstance(body["next_cursor"], str)
        cursor = body["next_cursor"]
        assert pages < 200


# MARK: - Lists


@pytest.mark.parametrize("name", list(LISTS))
def test_every_list_has_items_cursor_and_total(pristine, name):
    path, filters = LISTS[name]
    for params in ({}, filters):
        body = pristine.admin("GET", path, params=params).json()
        assert set(body) == LIST_KEYS, body
        assert body["has_more"] is False and body["next_cursor"] is None
        assert body["total"] == len(body["items"])


@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize("params,field", [
    ({"skip": "2"}, "skip"),
    ({"size": "2"}, "size"),
    ({"page": "2"}, "page"),
    ({"limit": "2", "offset": "4"}, "offset"),
])
def test_unknown_query_parameters_are_refused(server, name, params, field):
    path, _ = LISTS[name]
    response = server.admin("GET", path, params=params)
    assert_error(response, 400, "invalid_request", field)
    assert {"field": field, "error": "unknown query parameter"} in response.json()["causes"]


@pytest.mark.parametrize("name", list(LISTS))
def test_access_token_and_known_filters_are_allowed(server, store, name):
    path, filters = LISTS[name]
    response = server.get(path, store.keys["admin"], how="query", params=filters)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize("limit", ["0", "201", "-1", "ten", "", "1.5"])
def test_limit_out_of_range(server, name, limit):
    assert_error(server.admin("GET", LISTS[name][0], params={"limit": limit}), 400, "invalid_request", "limit")


@pytest.mark.parametrize("name", list(LISTS))
def test_limit_bounds_are_accepted(server, name):
    for limit in (1, 200):
        assert server.admin("GET", LISTS[name][0], params={"limit": limit}).status_code == 200


@pytest.mark.parametrize("name", ["groups", "environments", "sites", "site releases", "subscribers", "webhooks"])
def test_foreign_cursors_are_refused(server, name):
    for cursor in ("garbage", "eyJ4IjoxfQ", "eyJvZmZzZXQiOi0xfQ", "eyJvZmZzZXQiOjk5OTk5fQ"):  # {"x":1}, offset -1, 99999
        assert_error(server.admin("GET", LISTS[name][0], params={"cursor": cursor}), 400, "invalid_request", "cursor")


def test_sites_default_limit_is_50_and_pages_cover_everything(fresh):
    for index in range(55):
        assert fresh.admin("POST", SITES, json={"slug": f"bulk-{index:02}"}).status_code == 201
    expected = len(DATA["sites"]) + 55
    first = fresh.admin("GET", SITES).json()
    assert len(first["items"]) == 50 and first["has_more"] is True and first["total"] == expected
    for limit in (1, 7, 50, 200):
        items, totals, pages = walk(fresh, SITES, limit)
        assert totals == {expected}
        assert len(items) == expected and len({site["slug"] for site in items}) == expected
        assert pages == -(-expected // limit)


def test_release_total_counts_matches_across_pages(pristine):
    public = [r for r in DATA["releases"] if r.get("status") != "draft"]
    assert pristine.get(f"{API}/releases", params={"limit": 1}).json()["total"] == len(public)
    items, totals, _ = walk(pristine, f"{API}/releases", 3, component="api")
    assert totals == {len(items)} == {sum(1 for r in DATA["releases"] if r["component"] == "api")}


def test_deployment_total_counts_matches_across_pages(pristine):
    expected = [d for d in DATA["deployments"] if d["environment"] == "production"]
    items, totals, _ = walk(pristine, f"{API}/environments/production/deployments", 2)
    assert totals == {len(expected)} and len(items) == len(expected)


# MARK: - Customer sites


def test_create_site(server, store):
    slug = f"new-{unique()}"
    created = server.request("POST", SITES, store.keys["write"], json={"slug": slug, "name": "Acme Corp"})
    assert created.status_code == 201, created.text
    assert plain(created.json()) == {"slug": slug, "name": "Acme Corp", "releases": []}
    assert created.headers["Location"] == f"{SITES}/{slug}"
    assert server.get(f"{SITES}/{slug}").json() == created.json()
    nameless = f"new-{unique()}"
    assert plain(server.admin("POST", SITES, json={"slug": nameless, "name": None}).json()) == {"slug": nameless, "releases": []}


def test_create_site_twice_is_a_conflict(server):
    slug = f"twice-{unique()}"
    assert server.admin("POST", SITES, json={"slug": slug}).status_code == 201
    assert_error(server.admin("POST", SITES, json={"slug": slug, "name": "Other"}), 409, "conflict")
    assert_error(server.admin("POST", SITES, json={"slug": "initech"}), 409, "conflict")
    assert plain(server.get(f"{SITES}/{slug}").json()) == {"slug": slug, "releases": []}


@pytest.mark.parametrize("body,field", [
    ({}, "slug"),
    ({"name": "No slug"}, "slug"),
    ({"slug": None}, "slug"),
    ({"slug": 42}, "slug"),
    ({"slug": "Bad Slug"}, "slug"),
    ({"slug": "ok-slug", "name": 42}, "name"),
    ({"slug": "ok-slug", "nmae": "typo"}, "nmae"),
    (["slug"], "body"),
])
def test_create_site_invalid(server, body, field):
    assert_error(server.admin("POST", SITES, json=body), 400, "invalid_request", field)
    assert_error(server.get(f"{SITES}/ok-slug"), 404, "not_found")


def test_site_writes_need_the_write_scope(server, store):
    slug = f"scoped-{unique()}"
    assert_error(server.request("POST", SITES, json={"slug": slug}), 401, "unauthorized")
    assert_error(server.request("POST", SITES, store.keys["read"], json={"slug": slug}), 403, "forbidden")
    assert server.request("POST", SITES, store.keys["write"], json={"slug": slug}).status_code == 201
    for key, status in ((None, 401), (store.keys["read"], 403), (store.keys["other"], 404)):
        assert server.request("PATCH", f"{SITES}/{slug}", key, json={"name": "x"}).status_code == status
        assert server.request("DELETE", f"{SITES}/{slug}", key).status_code == status
    assert server.request("PATCH", f"{SITES}/{slug}", store.keys["write"], json={"name": "x"}).status_code == 200
    assert server.request("DELETE", f"{SITES}/{slug}", store.keys["write"]).status_code == 204


def test_get_one_site(pristine):
    for site in DATA["sites"]:
        response = pristine.get(f"{SITES}/{site['slug']}")
        assert response.status_code == 200 and plain(response.json()) == site
    assert_error(pristine.get(f"{SITES}/none"), 404, "not_found")
    assert_error(pristine.get(f"{SITES}/Bad%20Site"), 400, "invalid_request", "site")
    assert_error(pristine.get(f"{SITES}/initech", params={"skip": "1"}), 400, "invalid_request", "skip")


def test_get_one_site_hides_drafts_from_anonymous_readers(server, store):
    slug = f"drafty-{unique()}"
    assert server.admin("POST", SITES, json={"slug": slug}).status_code == 201
    draft = scratch_release(server)
    for component, version in ((draft["component"], draft["version"]), ("web", "3.7.0")):
        assert server.admin("PUT", f"{SITES}/{slug}/releases/{component}/{version}").status_code == 201
    anonymous = server.get(f"{SITES}/{slug}").json()["releases"]
    assert anonymous == [{"component": "web", "version": "3.7.0"}]
    with_key = server.get(f"{SITES}/{slug}", store.keys["read"]).json()["releases"]
    assert with_key == [{"component": draft["component"], "version": draft["version"]}, {"component": "web", "version": "3.7.0"}]


def test_private_page_sites_need_a_key(server, store):
    secret = "/api/v1/pages/secret/sites"
    assert_error(server.get(f"{secret}/x"), 401, "unauthorized")
    assert_error(server.get(f"{secret}/x", store.keys["secret"]), 404, "not_found")
    assert_error(server.request("POST", secret, json={"slug": "x"}), 401, "unauthorized")


def test_patch_site(server):
    slug = f"renamed-{unique()}"
    assert server.admin("POST", SITES, json={"slug": slug, "name": "Old"}).status_code == 201
    assert server.admin("PUT", f"{SITES}/{slug}/releases/api/v1.10.2").status_code == 201
    patched = server.admin("PATCH", f"{SITES}/{slug}", json={"name": "New"})
    assert patched.status_code == 200, patched.text
    expected = {"slug": slug, "name": "New", "releases": [{"component": "api", "version": "v1.10.2"}]}
    assert plain(patched.json()) == expected
    assert server.get(f"{SITES}/{slug}").json() == patched.json()
    assert plain(server.admin("PATCH", f"{SITES}/{slug}", json={"name": None, "slug": slug}).json()) == {
        "slug": slug, "releases": [{"component": "api", "version": "v1.10.2"}]}


@pytest.mark.parametrize("body,field", [
    ({}, "name"),
    ({"name": 42}, "name"),
    ({"name": "x", "slug": "other"}, "slug"),
    ({"name": "x", "releases": []}, "releases"),
    ([], "body"),
])
def test_patch_site_invalid(server, body, field):
    slug = f"patchy-{unique()}"
    assert server.admin("POST", SITES, json={"slug": slug, "name": "Kept"}).status_code == 201
    assert_error(server.admin("PATCH", f"{SITES}/{slug}", json=body), 400, "invalid_request", field)
    assert server.get(f"{SITES}/{slug}").json()["name"] == "Kept"


def test_patch_unknown_site(server):
    assert_error(server.admin("PATCH", f"{SITES}/none-{unique()}", json={"name": "x"}), 404, "not_found")


def test_delete_site_detaches_its_releases(server):
    slug = f"doomed-{unique()}"
    assert server.admin("POST", SITES, json={"slug": slug}).status_code == 201
    release = scratch_release(server, status="published")
    attached = f"{SITES}/{slug}/releases/{release['component']}/{release['version']}"
    assert server.admin("PUT", attached).status_code == 201
    # Attached, the release cannot go; once the site is deleted, it can.
    assert_error(server.admin("DELETE", release_path(release["component"], release["version"])), 409, "conflict")
    deleted = server.admin("DELETE", f"{SITES}/{slug}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(server.get(f"{SITES}/{slug}"), 404, "not_found")
    assert_error(server.get(f"{SITES}/{slug}/releases"), 404, "not_found")
    assert slug not in [site["slug"] for site in walk(server, SITES, 200)[0]]
    assert server.get(release_path(release["component"], release["version"])).status_code == 200
    assert_error(server.admin("DELETE", f"{SITES}/{slug}"), 404, "not_found")
    assert server.admin("DELETE", release_path(release["component"], release["version"])).status_code == 204
    # The slug is free again, with no releases.
    assert plain(server.admin("POST", SITES, json={"slug": slug}).json()) == {"slug": slug, "releases": []}


def test_delete_site_bad_slug(server):
    assert_error(server.admin("DELETE", f"{SITES}/Bad%20Site"), 400, "invalid_request", "site")


def test_create_site_with_an_idempotency_key_is_answered_once(server):
    slug = f"retried-{unique()}"
    headers = {"Idempotency-Key": f"site-{slug}"}
    first = server.admin("POST", SITES, json={"slug": slug}, headers=headers)
    assert first.status_code == 201, first.text
    again = server.admin("POST", SITES, json={"slug": slug}, headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.headers["Location"] == f"{SITES}/{slug}"
    # Without the key, the same request is a conflict.
    assert_error(server.admin("POST", SITES, json={"slug": slug}), 409, "conflict")
