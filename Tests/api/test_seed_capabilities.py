"""Every capability of the five seed systems, through the native API of the real `shiplog serve`
(issue 11): one test per row of the table "Coming from another service" in docs/api.md, named
`test_<row id>` (dashes as underscores). `test_every_row_has_a_test` fails when a row of that table
has no test here, or a test here has no row.

    python3 -m pytest -q Tests/api/test_seed_capabilities.py
"""
import re
import time
import urllib.parse

import pytest

from test_api import API, ROOT, VERSION, Server, Store, assert_error, release_path, stop_after, unique

from harness import body_json, receiver, signature, wait_for  # noqa: E402,F401  (test_api puts Tests/support on the path; the fixture is used by name)
from test_subscriptions import links, mailing  # noqa: E402,F401  (the fixture is used by name)

DOCS = ROOT / "docs" / "api.md"
SUBSCRIBERS = "/v1/pages/nimbus/subscribers"
ROW = re.compile(r"^\| `([a-z0-9-]+)` \| [^|]+ \| [^|]+ \| [^|]+ \|$")


@pytest.fixture(scope="module")
def shiplog(tmp_path_factory):
    """A server of this module's own, with private webhook addresses allowed (the receivers are local)."""
    yield from stop_after(Server(Store(tmp_path_factory.mktemp("capabilities")), "--rate-limit", "0", "--allow-private-webhooks"), exit_status=None)


def write(server, method, path, **kwargs):
    return server.request(method, path, server.store.keys["write"], **kwargs)


def admin(server, method, path, **kwargs):
    return server.request(method, path, server.store.keys["admin"], **kwargs)


def new_release(server, component="cli", status="published", **fields):
    """A new release of its own (a low version, never the latest unless activated)."""
    body = {"component": component, "version": f"0.0.{unique()}", "status": status, **fields}
    if status != "draft":
        body.setdefault("published_at", "2001-01-01T00:00:00Z")
    response = write(server, "POST", f"{API}/releases", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def new_environment(server):
    name = f"env-{unique()}"
    response = admin(server, "POST", f"{API}/environments", json={"name": name})
    assert response.status_code == 201, response.text
    return name


def deploy(server, environment, version, component="cli", status="success", **fields):
    response = write(server, "POST", f"{API}/environments/{environment}/deployments",
                     json={"component": component, "version": version, "status": status, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def items(response):
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "next_cursor", "has_more", "total"}, body
    return body["items"]


# MARK: - The table and the tests agree


def documented_rows():
    rows = [m.group(1) for line in DOCS.read_text(encoding="utf-8").splitlines() if (m := ROW.match(line))]
    assert rows, "docs/api.md has no capability table"
    return rows


def test_every_row_has_a_test():
    tests = {name[len("test_"):].replace("_", "-") for name in globals() if name.startswith("test_")}
    tests -= {"every-row-has-a-test"}
    rows = documented_rows()
    assert len(rows) == len(set(rows)), "a row id is given twice"
    assert set(rows) - tests == set(), "rows of docs/api.md without a test"
    assert tests - set(rows) == set(), "tests without a row in docs/api.md"


# MARK: - Release Pilot


def test_rp_list(shiplog):
    mine = [new_release(shiplog, component="desktop") for _ in range(3)]
    listed, cursor = [], None
    while True:
        params = {"component": "desktop", "status": "published", "limit": 2, **({"cursor": cursor} if cursor else {})}
        response = shiplog.get(f"{API}/releases", params=params)
        listed += items(response)
        cursor = response.json()["next_cursor"]
        if not cursor:
            break
    versions = [r["version"] for r in listed]
    assert all(r["component"] == "desktop" and r["status"] == "published" for r in listed)
    assert {r["version"] for r in mine} <= set(versions)
    assert len(versions) == len(set(versions)) == response.json()["total"]


def test_rp_create(shiplog):
    response = write(shiplog, "POST", f"{API}/releases",
                     json={"component": "cli", "version": "0.0.9001", "title": "Made", "published_at": "2001-01-01T00:00:00Z"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["version"] == "0.0.9001" and body["title"] == "Made"
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", body["id"])
    assert body["created_by"] == shiplog.store.key_ids["write"]
    assert shiplog.get(release_path("cli", "0.0.9001")).status_code == 200


def test_rp_get(shiplog):
    release = new_release(shiplog)
    response = shiplog.get(f"{API}/releases/{release['id']}")
    assert response.status_code == 200, response.text
    assert response.json()["version"] == release["version"] and response.json()["id"] == release["id"]
    assert_error(shiplog.get(f"{API}/releases/no-such-id"), 404)


def test_rp_update(shiplog):
    release = new_release(shiplog)
    response = write(shiplog, "PATCH", f"{API}/releases/{release['id']}", json={"title": "Renamed"})
    assert response.status_code == 200, response.text
    assert shiplog.get(f"{API}/releases/{release['id']}").json()["title"] == "Renamed"


def test_rp_delete(shiplog):
    release = new_release(shiplog)
    response = write(shiplog, "DELETE", f"{API}/releases/{release['id']}")
    assert response.status_code in (200, 204), response.text
    assert_error(shiplog.get(f"{API}/releases/{release['id']}"), 404)
    assert_error(shiplog.get(release_path("cli", release["version"])), 404)


def test_rp_sites_list(shiplog):
    slug = f"site-{unique()}"
    write(shiplog, "POST", f"{API}/sites", json={"slug": slug, "name": "Listed"})
    listed = items(shiplog.get(f"{API}/sites"))
    assert {"initech", slug} <= {s["slug"] for s in listed}


def test_rp_sites_create(shiplog):
    slug = f"site-{unique()}"
    response = write(shiplog, "POST", f"{API}/sites", json={"slug": slug, "name": "Globex"})
    assert response.status_code == 201, response.text
    assert response.json()["slug"] == slug and response.json()["name"] == "Globex"
    assert_error(write(shiplog, "POST", f"{API}/sites", json={"slug": slug}), 409)


def test_rp_sites_get(shiplog):
    response = shiplog.get(f"{API}/sites/initech")
    assert response.status_code == 200, response.text
    assert {"component": "api", "version": "v1.10.2"} in [
        {"component": r["component"], "version": r["version"]} for r in response.json()["releases"]]
    assert_error(shiplog.get(f"{API}/sites/nowhere"), 404)


def test_rp_sites_update(shiplog):
    slug = f"site-{unique()}"
    write(shiplog, "POST", f"{API}/sites", json={"slug": slug, "name": "Old"})
    response = write(shiplog, "PATCH", f"{API}/sites/{slug}", json={"name": "New"})
    assert response.status_code == 200, response.text
    assert shiplog.get(f"{API}/sites/{slug}").json()["name"] == "New"


def test_rp_sites_delete(shiplog):
    slug = f"site-{unique()}"
    write(shiplog, "POST", f"{API}/sites", json={"slug": slug})
    response = write(shiplog, "DELETE", f"{API}/sites/{slug}")
    assert response.status_code in (200, 204), response.text
    assert_error(shiplog.get(f"{API}/sites/{slug}"), 404)


def test_rp_site_releases(shiplog):
    attached = items(shiplog.get(f"{API}/sites/initech/releases"))
    assert {(r["component"], r["version"]) for r in attached} >= {("api", "v1.10.2"), ("web", "3.6.0")}


def test_rp_attach(shiplog):
    slug = f"site-{unique()}"
    write(shiplog, "POST", f"{API}/sites", json={"slug": slug})
    response = write(shiplog, "PUT", f"{API}/sites/{slug}/releases/desktop/1.2.1")
    assert response.status_code in (200, 201), response.text
    assert [(r["component"], r["version"]) for r in items(shiplog.get(f"{API}/sites/{slug}/releases"))] == [("desktop", "1.2.1")]


def test_rp_detach(shiplog):
    slug = f"site-{unique()}"
    write(shiplog, "POST", f"{API}/sites", json={"slug": slug})
    write(shiplog, "PUT", f"{API}/sites/{slug}/releases/desktop/1.2.1")
    response = write(shiplog, "DELETE", f"{API}/sites/{slug}/releases/desktop/1.2.1")
    assert response.status_code in (200, 204), response.text
    assert items(shiplog.get(f"{API}/sites/{slug}/releases")) == []


def test_rp_bearer(shiplog):
    release = new_release(shiplog, status="draft")
    assert shiplog.get(f"{API}/releases/{release['id']}").status_code == 404, "a draft is hidden without a key"
    assert shiplog.get(f"{API}/releases/{release['id']}", shiplog.store.keys["read"], how="bearer").status_code == 200


def test_rp_rate_headers(tmp_path):
    limited = Server(Store(tmp_path / "limited"), "--rate-limit", "3")
    try:
        key = limited.store.keys["read"]
        answers = [limited.get(f"{API}/releases", key) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["X-RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
        assert all(a.headers["X-RateLimit-Limit"] == "3" for a in answers)
        assert int(answers[0].headers["X-RateLimit-Reset"]) >= int(time.time())
        assert int(answers[3].headers["Retry-After"]) >= 1
    finally:
        limited.stop()


def test_rp_errors(shiplog):
    assert_error(shiplog.request("POST", f"{API}/releases", json={"component": "cli"}), 401)
    assert_error(write(shiplog, "POST", f"{API}/releases", json={"component": "cli"}), 400, field="version")
    assert_error(shiplog.get(f"{API}/components/cli/releases/9.9.9"), 404)


# MARK: - ReleasePage


def test_pg_version(shiplog):
    response = shiplog.get(VERSION)
    assert response.status_code == 200
    body = response.json()
    assert [(c["repo"], c["version"]) for c in body["latest"]][:2] == [("nimbus/api", "v1.10.2"), ("nimbus/web", "3.7.0")]
    assert set(body["latest"][0]) == {"repo", "version", "author", "published_at", "name"}
    assert "latestGrouped" in body


def test_pg_etag(shiplog):
    first = shiplog.get(VERSION, headers={"Origin": "https://app.example"})
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = shiplog.get(VERSION, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""


def subscriber_states(server):
    return {s["email"]: s["state"] for s in items(admin(server, "GET", f"{API}/subscribers", params={"limit": 200}))}


def subscribed(server, sink, preferences):
    """An address subscribed through the hosted-page route and confirmed from its mail; returns
    (address, the unsubscribe link's path)."""
    address = f"sub{unique()}@example.com"
    body = {"op": "add", "data": {"type": "email", "value": address, "preferences": preferences}}
    response = server.request("PATCH", SUBSCRIBERS, json=body)
    assert response.status_code == 202, response.text
    assert response.json()["message"] == "Subscriber request accepted, pending email confirmation"
    assert response.json()["pageId"] == "nimbus"
    assert subscriber_states(server)[address] == "pending", "nothing before the address confirms"
    confirm, unsubscribe = links(sink.to(address)[0])
    assert server.request("POST", confirm).status_code == 200
    return address, unsubscribe


def test_pg_subscribe(mailing):
    server, sink = mailing
    address, _ = subscribed(server, sink, ["major", "minor"])
    entry = [s for s in items(admin(server, "GET", f"{API}/subscribers", params={"limit": 200})) if s["email"] == address][0]
    assert entry["state"] == "confirmed" and entry["preferences"] == ["major", "minor"]


def test_pg_unsubscribe(mailing):
    server, sink = mailing
    address, unsubscribe = subscribed(server, sink, ["patch"])
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(unsubscribe).query)["token"][0]
    body = {"op": "remove", "data": {"type": "email", "value": address}}
    assert server.request("PATCH", SUBSCRIBERS, json=body).status_code == 202
    assert subscriber_states(server)[address] == "confirmed", "not without the mail's token"
    body["data"]["token"] = token
    assert server.request("PATCH", SUBSCRIBERS, json=body).status_code == 202
    assert subscriber_states(server)[address] == "unsubscribed"


def test_pg_key_forms(shiplog):
    for how in ("bare", "bearer", "query"):
        assert shiplog.get(f"/v1/pages/secret/version", shiplog.store.keys["secret"], how=how).status_code == 200, how


def test_pg_other_page(shiplog):
    other = shiplog.store.keys["other"]
    assert shiplog.get(f"{API}/releases", other).status_code == 404
    assert shiplog.get(f"/v1/pages/secret/version", other).status_code == 404


def test_pg_rate_limit(tmp_path):
    limited = Server(Store(tmp_path / "limited"))  # the default: 60 a minute
    try:
        key = limited.store.keys["read"]
        statuses = [limited.get(VERSION, key).status_code for _ in range(61)]
        assert statuses[:60] == [200] * 60 and statuses[60] == 429
    finally:
        limited.stop()


# MARK: - Aviator Releases


def test_av_create_rc(shiplog):
    version = f"4.{unique()}.0-rc1"
    response = write(shiplog, "POST", f"{API}/releases",
                     json={"component": "api", "version": version, "commit": "5ca2d16e", "published_at": "2001-01-01T00:00:00Z"})
    assert response.status_code == 201, response.text
    assert response.json()["prerelease"] is True and response.json()["commit"] == "5ca2d16e"


def test_av_deploy(shiplog):
    environment = new_environment(shiplog)
    release = new_release(shiplog)
    deployment = deploy(shiplog, environment, release["version"], status="pending")
    assert deployment["environment"] == environment and deployment["status"] == "pending"
    assert deployment["id"] and deployment["created_by"] == shiplog.store.key_ids["write"]


def test_av_deploy_unknown_env(shiplog):
    response = write(shiplog, "POST", f"{API}/environments/prodution/deployments",
                     json={"component": "api", "version": "v1.10.2", "status": "success"})
    assert_error(response, 404, "not_found")
    assert "prodution" not in [e["name"] for e in items(shiplog.get(f"{API}/environments"))]


def test_av_update_status(shiplog):
    environment = new_environment(shiplog)
    release = new_release(shiplog)
    body = {"component": "cli", "version": release["version"], "status": "in_progress"}
    created = write(shiplog, "PATCH", f"{API}/environments/{environment}/deployments", json=body)
    assert created.status_code == 200, created.text
    updated = write(shiplog, "PATCH", f"{API}/environments/{environment}/deployments", json={**body, "status": "success"})
    assert updated.json()["id"] == created.json()["id"] and updated.json()["status"] == "success"
    assert len(items(shiplog.get(f"{API}/environments/{environment}/deployments"))) == 1


def test_av_list(shiplog):
    environment = new_environment(shiplog)
    versions = [new_release(shiplog)["version"] for _ in range(3)]
    for version in versions:
        deploy(shiplog, environment, version)
    first = shiplog.get(f"{API}/environments/{environment}/deployments", params={"limit": 2})
    second = shiplog.get(f"{API}/environments/{environment}/deployments",
                         params={"limit": 2, "cursor": first.json()["next_cursor"]})
    assert [d["version"] for d in items(first) + items(second)] == versions[::-1]
    assert first.json()["total"] == 3


def test_av_from_version(shiplog):
    environment = new_environment(shiplog)
    old, new = new_release(shiplog)["version"], new_release(shiplog)["version"]
    assert deploy(shiplog, environment, old)["from_version"] is None
    failed = deploy(shiplog, environment, new, status="failure", error_message="health check failed")
    assert failed["from_version"] == old and failed["error_message"] == "health check failed"


def test_av_rollback(shiplog):
    environment = new_environment(shiplog)
    old, new = new_release(shiplog)["version"], new_release(shiplog)["version"]
    deploy(shiplog, environment, old)
    deploy(shiplog, environment, new)
    response = write(shiplog, "POST", f"{API}/environments/{environment}/rollback", json={"component": "cli"})
    assert response.status_code == 201, response.text
    assert response.json()["version"] == old and response.json()["from_version"] == new


def test_av_rollback_cancels(shiplog):
    environment = new_environment(shiplog)
    old, new, pending = (new_release(shiplog)["version"] for _ in range(3))
    deploy(shiplog, environment, old)
    deploy(shiplog, environment, new)
    waiting = deploy(shiplog, environment, pending, status="pending")
    response = write(shiplog, "POST", f"{API}/environments/{environment}/rollback", json={"component": "cli"})
    assert response.status_code == 201, response.text
    assert response.json()["version"] == old
    assert shiplog.get(f"{API}/deployments/{waiting['id']}").json()["status"] == "canceled"


def test_av_rollback_all(shiplog):
    environment = new_environment(shiplog)
    for component in ("cli", "desktop"):
        old, new = new_release(shiplog, component)["version"], new_release(shiplog, component)["version"]
        deploy(shiplog, environment, old, component)
        deploy(shiplog, environment, new, component)
    response = write(shiplog, "POST", f"{API}/environments/{environment}/rollback", json={})
    assert response.status_code == 201, response.text
    assert sorted(d["component"] for d in response.json()["items"]) == ["cli", "desktop"]


def test_av_freeze(shiplog):
    environment = new_environment(shiplog)
    old, new = new_release(shiplog)["version"], new_release(shiplog)["version"]
    deploy(shiplog, environment, old)
    deploy(shiplog, environment, new)
    assert admin(shiplog, "PATCH", f"{API}/environments/{environment}", json={"frozen": True}).status_code == 200
    refused = write(shiplog, "POST", f"{API}/environments/{environment}/rollback", json={"component": "cli"})
    assert_error(refused, 400, field="force")
    forced = write(shiplog, "POST", f"{API}/environments/{environment}/rollback", json={"component": "cli", "force": True})
    assert forced.status_code == 201 and forced.json()["version"] == old


# MARK: - ReleaseBits


def test_rb_deploy(shiplog):
    environment = new_environment(shiplog)
    release = new_release(shiplog)
    sent = {"host": "host.example.com", "started_at": "2018-05-27T13:15:30Z", "finished_at": "2018-05-27T13:15:31Z",
            "commit": "b927e3797fc56fb8bc093d59ee7a624dafddadd2", "meta": {"user_id": "metauser", "branch": "release"}}
    deployment = deploy(shiplog, environment, release["version"], **sent)
    assert {k: deployment[k] for k in sent} == sent


def test_rb_deploy_id(shiplog):
    environment = new_environment(shiplog)
    deployment = deploy(shiplog, environment, new_release(shiplog)["version"])
    response = shiplog.get(f"{API}/deployments/{deployment['id']}")
    assert response.status_code == 200 and response.json() == deployment
    assert_error(shiplog.get(f"{API}/deployments/{deployment['id']}", shiplog.store.keys["other"]), 404)


def test_rb_token_forms(shiplog):
    environment = new_environment(shiplog)
    version = new_release(shiplog)["version"]
    for how in ("bare", "bearer", "query"):
        response = shiplog.request("POST", f"{API}/environments/{environment}/deployments", shiplog.store.keys["write"],
                                   how=how, json={"component": "cli", "version": version, "status": "success"})
        assert response.status_code == 201, (how, response.text)


def test_rb_list(shiplog):
    staging, production = new_environment(shiplog), new_environment(shiplog)
    version = new_release(shiplog, component="desktop")["version"]
    deploy(shiplog, staging, version, "desktop")
    deploy(shiplog, production, version, "desktop")
    listed = items(shiplog.get(f"{API}/deployments", params={"component": "desktop", "limit": 200}))
    mine = [d["environment"] for d in listed if d["version"] == version]
    assert mine == [production, staging]
    assert all(d["component"] == "desktop" for d in listed)


def forwarded(shiplog, receiver, format, settings):
    response = admin(shiplog, "POST", f"{API}/webhooks", json={"format": format, **settings})
    assert response.status_code == 201, response.text
    hook = response.json()["id"]
    try:
        environment = new_environment(shiplog)
        release = new_release(shiplog, published_at="2030-01-02T03:04:05Z")
        deploy(shiplog, environment, release["version"], started_at="2030-01-02T03:04:00Z", finished_at="2030-01-02T03:04:05Z")
        return wait_for(lambda: receiver.accepted(), what=f"the {format} request"), release, environment
    finally:
        admin(shiplog, "DELETE", f"{API}/webhooks/{hook}")


def test_rb_forward_grafana(shiplog, receiver):
    (request, *_), release, _ = forwarded(shiplog, receiver, "grafana", {"url": receiver.url + "/api/annotations", "secret": "glsa_token"})
    assert request["path"] == "/api/annotations"
    assert release["version"] in body_json(request)["text"]


def test_rb_forward_sentry(shiplog, receiver):
    settings = {"settings": {"token": "sntrys_x", "org": "acme", "project": "cli", "base_url": receiver.url}}
    (request, *_), release, environment = forwarded(shiplog, receiver, "sentry", settings)
    assert request["path"] == f"/api/0/organizations/acme/releases/{release['version']}/deploys/"
    assert request["headers"]["authorization"] == "Bearer sntrys_x"
    assert body_json(request)["environment"] == environment


def test_rb_forward_bugsnag(shiplog, receiver):
    settings = {"settings": {"api_key": "0123456789abcdef0123456789abcdef", "base_url": receiver.url}}
    (request, *_), release, environment = forwarded(shiplog, receiver, "bugsnag", settings)
    body = body_json(request)
    assert body["appVersion"] == release["version"] and body["releaseStage"] == environment


def test_rb_forward_newrelic(shiplog, receiver):
    settings = {"settings": {"api_key": "NRAK-X", "entity_guid": "MXxBUE18QVBQTElDQVRJT058MQ", "base_url": receiver.url}}
    (request, *_), release, _ = forwarded(shiplog, receiver, "newrelic", settings)
    assert request["headers"]["api-key"] == "NRAK-X"
    assert "changeTrackingCreateDeployment" in body_json(request)["query"]
    assert body_json(request)["variables"]["deployment"]["version"] == release["version"]


def test_rb_forward_custom(shiplog, receiver):
    _, release, _ = forwarded(shiplog, receiver, "json", {"url": receiver.url + "/hook", "secret": "s3cret", "events": ["deployment.created"]})
    request = wait_for(lambda: receiver.accepted(), what="the deployment event")[0]
    assert request["headers"]["x-shiplog-signature"] == signature(request["body"], "s3cret")
    assert body_json(request)["event"] == "deployment.created"
    assert body_json(request)["data"]["version"] == release["version"]


def test_rb_metrics(tmp_path):
    measured = Server(Store(tmp_path / "metrics"), "--rate-limit", "0", "--metrics-token", "scrape-me-0123456789abcdef")
    try:
        version = new_release(measured)["version"]
        deploy(measured, "staging", version)
        assert measured.get("/metrics").status_code == 401
        text = measured.get("/metrics", "scrape-me-0123456789abcdef").text
        line = re.search(r'^shiplog_deployments_total\{[^}]*component="cli"[^}]*\} (\d+)', text, re.M)
        assert line and int(line.group(1)) == 1, text
    finally:
        measured.stop()


# MARK: - App releases


def test_ar_list(shiplog):
    for _ in range(3):
        new_release(shiplog, component="desktop")
    first = shiplog.get(f"{API}/releases", params={"component": "desktop", "limit": 1})
    assert len(items(first)) == 1 and first.json()["has_more"] is True
    assert first.json()["total"] >= 7
    assert_error(shiplog.get(f"{API}/releases", params={"limit": 201}), 400, field="limit")


def test_ar_list_archived(shiplog):
    yanked = new_release(shiplog)
    write(shiplog, "POST", release_path("cli", yanked["version"]) + "/yank")
    published = {r["version"] for r in items(shiplog.get(f"{API}/releases", params={"component": "cli", "status": "published", "limit": 200}))}
    everything = {r["version"] for r in items(shiplog.get(f"{API}/releases", params={"component": "cli", "limit": 200}))}
    assert yanked["version"] not in published and yanked["version"] in everything


def test_ar_create(shiplog):
    draft = new_release(shiplog, status="draft", notes="Change log")
    assert draft["status"] == "draft" and draft["notes"] == "Change log"
    assert shiplog.get(release_path("cli", draft["version"])).status_code == 404, "drafts stay hidden"


def test_ar_get(shiplog):
    release = new_release(shiplog)
    body = shiplog.get(f"{API}/releases/{release['id']}", shiplog.store.keys["read"]).json()
    assert body["created_by"] == shiplog.store.key_ids["write"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["created_at"])


def test_ar_delete(shiplog):
    release = new_release(shiplog, status="draft")
    assert_error(shiplog.request("DELETE", f"{API}/releases/{release['id']}", shiplog.store.keys["read"]), 403)
    assert write(shiplog, "DELETE", f"{API}/releases/{release['id']}").status_code in (200, 204)
    assert_error(write(shiplog, "GET", f"{API}/releases/{release['id']}"), 404)


def active(shiplog, component):
    """The version of the component's latest (active) release, and whether it is pinned."""
    response = shiplog.get(f"{API}/components/{component}/active")
    assert response.status_code == 200, response.text
    return response.json()["release"]["version"], response.json()["pinned"]


def test_ar_active(shiplog):
    assert active(shiplog, "web") == (shiplog.get(VERSION).json()["latest"][1]["version"], False)


def test_ar_activate(shiplog):
    release = new_release(shiplog, component="desktop")
    response = write(shiplog, "POST", release_path("desktop", release["version"]) + "/activate")
    assert response.status_code == 200, response.text
    assert response.json()["release"]["version"] == release["version"]
    assert response.json()["previous_active"]["version"] == "1.2.1"
    assert active(shiplog, "desktop") == (release["version"], True)
    latest = {c["repo"]: c["version"] for c in shiplog.get(VERSION).json()["latest"]}
    assert latest["nimbus/desktop"] == release["version"]
    write(shiplog, "DELETE", f"{API}/components/desktop/active")


def test_ar_rollback(shiplog):
    response = write(shiplog, "POST", release_path("api", "v1.9.1") + "/activate")
    assert response.status_code == 200, response.text
    assert {c["repo"]: c["version"] for c in shiplog.get(VERSION).json()["latest"]}["nimbus/api"] == "v1.9.1"
    write(shiplog, "DELETE", f"{API}/components/api/active")


def test_ar_deactivate(shiplog):
    write(shiplog, "POST", release_path("web", "3.5.0") + "/activate")
    response = write(shiplog, "DELETE", f"{API}/components/web/active")
    assert response.status_code in (200, 204), response.text
    assert active(shiplog, "web") == ("3.7.0", False)


def test_ar_archive(shiplog):
    release = new_release(shiplog)
    response = write(shiplog, "POST", release_path("cli", release["version"]) + "/yank")
    assert response.status_code == 200, response.text
    assert shiplog.get(f"{API}/releases/{release['id']}").json()["status"] == "yanked"


def test_ar_idempotent(shiplog):
    body = {"component": "cli", "version": f"0.0.{unique()}", "published_at": "2001-01-01T00:00:00Z"}
    headers = {"Idempotency-Key": f"retry-{unique()}"}
    first = write(shiplog, "POST", f"{API}/releases", json=body, headers=headers)
    again = write(shiplog, "POST", f"{API}/releases", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
