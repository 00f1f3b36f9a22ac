"""Webhooks through the real server (SPEC §6): routes and validation, signed deliveries to a real
local HTTP receiver, retries with the same delivery id, the json/slack/grafana formats, event
filters, and a kill -9 with deliveries queued.

    swift build && python3 -m pytest -q Tests/webhooks
"""
import itertools
import json
import time

import pytest

from webhook_harness import API, PAGE, Server, body_json, cli, signature, require_binary, wait_for

require_binary()

SECRET = "s3cr3t-for-tests"
_versions = itertools.count(1)


def add_webhook(server, url, **fields):
    response = server.request("POST", f"{API}/webhooks", json={"url": url, "secret": SECRET, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def publish(server, component="api", title="Faster sync"):
    version = f"v9.{next(_versions)}.0"
    body = {"component": component, "version": version, "title": title, "published_at": "2030-01-02T03:04:05Z"}
    response = server.request("POST", f"{API}/releases", key="write", json=body)
    assert response.status_code == 201, response.text
    return version


def deploy(server, version="v1.10.1", environment="production", status="success", component="api"):
    body = {"component": component, "version": version, "status": status, "actor": "ci-bot", "finished_at": "2030-01-02T03:04:05Z"}
    response = server.request("POST", f"{API}/environments/{environment}/deployments", key="write", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def assert_signed(request, event):
    headers = request["headers"]
    assert headers["content-type"] == "application/json"
    assert headers["x-shiplog-event"] == event
    assert headers["x-shiplog-delivery"]
    assert headers["x-shiplog-signature"] == signature(request["body"], SECRET), "the HMAC of the exact body with the secret"


# MARK: - Routes


def test_create_list_delete(server, receiver):
    created = add_webhook(server, receiver.url + "/all")
    assert created["events"] == ["release.published", "release.yanked", "deployment.created", "deployment.updated", "build.requested"]
    assert created["format"] == "json"
    assert created["url"] == receiver.url + "/all"
    assert "secret" not in created
    slack = add_webhook(server, receiver.url + "/slack", events=["deployment.created"], format="slack")
    assert slack["events"] == ["deployment.created"] and slack["format"] == "slack"

    listed = server.request("GET", f"{API}/webhooks")
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [item["id"] for item in items] == [created["id"], slack["id"]]
    assert SECRET not in listed.text, "never shows secrets"

    assert server.request("DELETE", f"{API}/webhooks/{created['id']}").status_code == 204
    assert [item["id"] for item in server.request("GET", f"{API}/webhooks").json()["items"]] == [slack["id"]]
    missing = server.request("DELETE", f"{API}/webhooks/{created['id']}")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_the_location_of_a_new_webhook_answers_it(server, receiver):
    response = server.request("POST", f"{API}/webhooks", json={"url": receiver.url + "/one", "secret": SECRET, "format": "slack"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["Location"] == f"{API}/webhooks/{created['id']}"
    shown = server.request("GET", response.headers["Location"])
    assert shown.status_code == 200, shown.text
    assert shown.json() == created and "secret" not in shown.json()
    assert server.request("GET", response.headers["Location"], key="write").status_code == 403
    assert server.request("GET", response.headers["Location"] + "?limit=2").status_code == 400
    assert server.request("DELETE", response.headers["Location"]).status_code == 204
    assert server.request("GET", response.headers["Location"]).json()["error"] == "not_found"


def test_webhooks_need_an_admin_key(server, receiver):
    body = {"url": receiver.url, "secret": SECRET}
    assert server.request("POST", f"{API}/webhooks", key=None, json=body).status_code == 401
    assert server.request("GET", f"{API}/webhooks", key=None).status_code == 401
    assert server.request("POST", f"{API}/webhooks", key="write", json=body).status_code == 403
    assert server.request("GET", f"{API}/webhooks", key="read").status_code == 403
    assert server.request("DELETE", f"{API}/webhooks/abc", key="write").status_code == 403
    assert server.request("POST", f"{API}/webhooks", key="wrong-key", json=body).status_code == 401
    assert server.request("POST", "/api/v1/pages/nope/webhooks", json=body).status_code == 404


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"url": "ftp://example.com/hook", "secret": "x"}, ["url"]),
        ({"url": "not a url", "secret": "x"}, ["url"]),
        ({"secret": "x"}, ["url"]),
        ({"url": "https://example.com/hook", "secret": ""}, ["secret"]),
        ({"url": "https://example.com/hook"}, ["secret"]),
        ({"url": "https://example.com/hook", "secret": 5}, ["secret"]),
        ({"url": "https://example.com/hook", "secret": "x", "events": ["release.published", "nope"]}, ["events[1]"]),
        ({"url": "https://example.com/hook", "secret": "x", "events": []}, ["events"]),
        ({"url": "https://example.com/hook", "secret": "x", "events": "release.published"}, ["events"]),
        ({"url": "https://example.com/hook", "secret": "x", "format": "xml"}, ["format"]),
        ({"url": "https://example.com/hook", "secret": "x", "colour": "red"}, ["colour"]),
        ({"url": "gopher://x", "secret": "", "events": ["x"], "format": "xml"}, ["url", "secret", "events[0]", "format"]),
    ],
)
def test_validation(server, body, fields):
    response = server.request("POST", f"{API}/webhooks", json=body)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["error"] == "invalid_request" and answer["status"] == 400 and answer["message"]
    assert sorted(cause["field"] for cause in answer["causes"]) == sorted(fields)
    assert all(cause["error"] for cause in answer["causes"])


def test_body_must_be_an_object(server):
    response = server.request("POST", f"{API}/webhooks", json=["https://example.com"])
    assert response.status_code == 400


# MARK: - Deliveries


def test_failed_delivery_is_retried_signed_with_the_same_id(server, receiver):
    receiver.answer(500, 200)
    hook = add_webhook(server, receiver.url + "/hook")
    version = publish(server)
    wait_for(lambda: receiver.accepted(), what="a delivery answered 200")
    first, retry = receiver.received()[:2]
    assert first["status"] == 500 and retry["status"] == 200
    for request in (first, retry):
        assert_signed(request, "release.published")
    assert first["headers"]["x-shiplog-delivery"] == retry["headers"]["x-shiplog-delivery"], "the same delivery id on retries"
    assert first["body"] == retry["body"]
    event = body_json(retry)
    assert set(event) == {"event", "page", "data"}
    assert event["event"] == "release.published" and event["page"] == PAGE
    assert event["data"]["component"] == "api" and event["data"]["version"] == version and event["data"]["title"] == "Faster sync"

    def counted():
        items = server.request("GET", f"{API}/webhooks").json()["items"]
        return items[0] if items[0]["delivered"] == 1 else None

    listed = wait_for(counted, what="the delivery counted")
    assert listed["id"] == hook["id"] and listed["queued"] == 0
    time.sleep(1.5)
    assert len(receiver.received()) == 2, "nothing more once delivered"


def test_a_wrong_secret_does_not_verify(server, receiver):
    add_webhook(server, receiver.url)
    publish(server)
    request = wait_for(lambda: receiver.accepted(), what="a delivery")[0]
    assert request["headers"]["x-shiplog-signature"] != signature(request["body"], SECRET + "x")
    assert request["headers"]["x-shiplog-signature"] != signature(request["body"] + b" ", SECRET)


def test_slack_and_grafana_formats(server, receiver):
    add_webhook(server, receiver.url + "/slack", format="slack")
    add_webhook(server, receiver.url + "/grafana", format="grafana")
    version = publish(server, title="Faster sync")
    deploy(server, version=version, environment="staging", status="success")
    slack = wait_for(lambda: len(receiver.accepted("/slack")) == 2 and receiver.accepted("/slack"), what="two slack messages")
    grafana = wait_for(lambda: len(receiver.accepted("/grafana")) == 2 and receiver.accepted("/grafana"), what="two annotations")

    release_message, deployment_message = (body_json(r) for r in slack)
    assert set(release_message) == {"text"}
    assert release_message["text"] == f"Nimbus API {version} released: Faster sync"
    assert deployment_message == {"text": f"Nimbus API {version} deployed to staging: success (by ci-bot)"}
    assert [r["headers"]["x-shiplog-event"] for r in slack] == ["release.published", "deployment.created"]
    for request in slack + grafana:
        assert_signed(request, request["headers"]["x-shiplog-event"])

    release_note, deployment_note = (body_json(r) for r in grafana)
    assert set(release_note) == {"time", "tags", "text"}
    expected_time = 1893553445000  # 2030-01-02T03:04:05Z in milliseconds
    assert release_note["time"] == expected_time and isinstance(release_note["time"], int)
    assert release_note["tags"] == ["shiplog", "release.published", "api", version]
    assert release_note["text"] == f"Nimbus API {version} released: Faster sync"
    assert deployment_note["time"] == expected_time
    assert deployment_note["tags"] == ["shiplog", "deployment.created", "api", version, "staging", "success"]
    assert deployment_note["text"].startswith(f"Nimbus API {version} deployed to staging: success")


def test_a_webhook_hears_only_its_events(server, receiver):
    add_webhook(server, receiver.url + "/deploys", events=["deployment.created"])
    add_webhook(server, receiver.url + "/everything")
    version = publish(server)
    deploy(server, version=version, status="in_progress")
    update = server.request(
        "PATCH", f"{API}/environments/production/deployments", key="write",
        json={"component": "api", "version": version, "status": "success"},
    )
    assert update.status_code == 200, update.text
    yank = server.request("POST", f"{API}/components/api/releases/{version}/yank", key="write")
    assert yank.status_code == 200, yank.text
    everything = wait_for(lambda: len(receiver.accepted("/everything")) == 4 and receiver.accepted("/everything"), what="four events")
    assert [r["headers"]["x-shiplog-event"] for r in everything] == [
        "release.published", "deployment.created", "deployment.updated", "release.yanked",
    ], "in the order of the events"
    assert body_json(everything[2])["data"]["status"] == "success"
    time.sleep(1.5)
    deploys = receiver.received("/deploys")
    assert [r["headers"]["x-shiplog-event"] for r in deploys] == ["deployment.created"]
    assert body_json(deploys[0])["data"]["status"] == "in_progress"


def test_kill_9_with_deliveries_queued_then_restart_delivers_them(store, receiver):
    receiver.answer(503)
    server = Server(store)
    add_webhook(server, receiver.url + "/hook")
    versions = [publish(server) for _ in range(3)]
    wait_for(lambda: receiver.received(), what="a first (failed) attempt")
    server.kill9()
    attempts_before = len(receiver.received())
    assert not receiver.accepted()

    receiver.answer(200)
    restarted = Server(store)
    try:
        accepted = wait_for(lambda: len(receiver.accepted()) == 3 and receiver.accepted(), timeout=30, what="three deliveries")
        assert [body_json(r)["data"]["version"] for r in accepted] == versions, "in order"
        ids = [r["headers"]["x-shiplog-delivery"] for r in accepted]
        assert len(set(ids)) == 3, "each event delivered once"
        failed_ids = {r["headers"]["x-shiplog-delivery"] for r in receiver.received()[:attempts_before]}
        assert failed_ids <= set(ids), "retries keep their delivery id across the restart"
        time.sleep(2.5)
        assert len(receiver.accepted()) == 3, "no duplicates after delivery"
    finally:
        restarted.stop()


def test_events_queued_by_another_process_are_delivered(store, receiver, tmp_path):
    server = Server(store)
    try:
        add_webhook(server, receiver.url + "/hook", events=["release.published"])
        data = {
            "page": {"id": PAGE, "title": "Nimbus releases"},
            "components": [{"slug": "cli", "name": "nimbus CLI"}],
            "releases": [{"component": "cli", "version": "7.7.7", "published_at": "2030-05-05T00:00:00Z"}],
        }
        path = tmp_path / "more.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        cli("import", "--db", store.db, path)
        request = wait_for(lambda: receiver.accepted(), what="the imported release's event")[0]
        assert body_json(request)["data"]["version"] == "7.7.7"
        assert_signed(request, "release.published")
    finally:
        server.stop()


def test_a_graceful_restart_neither_loses_nor_repeats(store, receiver):
    receiver.answer(500)
    server = Server(store)
    add_webhook(server, receiver.url + "/hook")
    first = publish(server)
    wait_for(lambda: receiver.received(), what="a first (failed) attempt")
    assert server.stop() == 0
    receiver.answer(200)
    restarted = Server(store)
    try:
        second = publish(restarted)
        accepted = wait_for(lambda: len(receiver.accepted()) == 2 and receiver.accepted(), timeout=30, what="both events")
        assert [body_json(r)["data"]["version"] for r in accepted] == [first, second]
        assert accepted[0]["headers"]["x-shiplog-delivery"] == receiver.received()[0]["headers"]["x-shiplog-delivery"]
        time.sleep(2.5)
        assert len(receiver.accepted()) == 2
    finally:
        restarted.stop()
