"""Forwarding formats through the real server (SPEC §6.1): `sentry`, `bugsnag` and `newrelic`
webhooks send their service's own request for a successful deployment to a local receiver standing
in for the service, which checks what each service documents: method, path, authentication, body.

    swift build && python3 -m pytest -q Tests/webhooks/test_forwarding.py
"""
import time

import pytest

from webhook_harness import API, Server, body_json, require_binary, wait_for

require_binary()

COMMIT = "b927e3797fc56fb8bc093d59ee7a624dafddadd2"


def add(server, format, settings, **fields):
    response = server.request("POST", f"{API}/webhooks", json={"format": format, "settings": settings, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def deploy(server, version="v1.10.1", environment="staging", status="success"):
    body = {
        "component": "api", "version": version, "status": status, "actor": "ci-bot", "commit": COMMIT,
        "started_at": "2030-01-02T03:04:00Z", "finished_at": "2030-01-02T03:04:05Z",
    }
    response = server.request("POST", f"{API}/environments/{environment}/deployments", key="write", json=body)
    assert response.status_code == 201, response.text


def publish(server, version="v9.0.1"):
    body = {"component": "api", "version": version, "title": "T", "published_at": "2030-01-02T03:04:05Z"}
    response = server.request("POST", f"{API}/releases", key="write", json=body)
    assert response.status_code == 201, response.text


def test_sentry_creates_a_release_deploy(server, receiver):
    hook = add(server, "sentry", {"token": "sntrys_tok", "org": "acme", "project": "nimbus-api", "base_url": receiver.url + "/sentry"})
    assert hook["url"] == receiver.url + "/sentry/api/0/organizations/acme/releases/{version}/deploys/"
    assert hook["settings"] == {"base_url": receiver.url + "/sentry", "org": "acme", "project": "nimbus-api"}, "never the token"
    publish(server, version="v1.10.3+build.7")
    deploy(server, version="v1.10.3+build.7")
    request = wait_for(lambda: receiver.accepted(), what="the Sentry deploy")[0]
    assert request["method"] == "POST"
    assert request["path"] == "/sentry/api/0/organizations/acme/releases/v1.10.3+build.7/deploys/"
    assert request["headers"]["authorization"] == "Bearer sntrys_tok"
    assert request["headers"]["content-type"] == "application/json"
    assert body_json(request) == {
        "environment": "staging",
        "name": "Nimbus API v1.10.3+build.7",
        "projects": ["nimbus-api"],
        "dateStarted": "2030-01-02T03:04:00Z",
        "dateFinished": "2030-01-02T03:04:05Z",
    }


def test_bugsnag_reports_a_build(server, receiver):
    add(server, "bugsnag", {"api_key": "0123456789abcdef0123456789abcdef", "repository": "https://github.com/acme/nimbus",
                            "provider": "github", "base_url": receiver.url})
    deploy(server, environment="production")
    request = wait_for(lambda: receiver.accepted(), what="the Bugsnag build")[0]
    assert request["method"] == "POST" and request["path"] == "/"
    assert request["headers"]["content-type"] == "application/json"
    assert "authorization" not in request["headers"], "Bugsnag's key travels in the body"
    assert body_json(request) == {
        "apiKey": "0123456789abcdef0123456789abcdef",
        "appVersion": "v1.10.1",
        "releaseStage": "production",
        "builderName": "ci-bot",
        "sourceControl": {"provider": "github", "repository": "https://github.com/acme/nimbus", "revision": COMMIT},
    }


def test_newrelic_creates_a_change_tracking_deployment(server, receiver):
    hook = add(server, "newrelic", {"api_key": "NRAK-TEST", "entity_guid": "MXxBUE18QVBQTElDQVRJT058MQ", "base_url": receiver.url})
    assert hook["url"] == receiver.url + "/graphql"
    assert "api_key" not in hook["settings"]
    deploy(server)
    request = wait_for(lambda: receiver.accepted(), what="the NerdGraph mutation")[0]
    assert request["method"] == "POST" and request["path"] == "/graphql"
    assert request["headers"]["api-key"] == "NRAK-TEST"
    body = body_json(request)
    assert "changeTrackingCreateDeployment(deployment: $deployment)" in body["query"]
    assert body["query"].startswith("mutation") and "ChangeTrackingDeploymentInput!" in body["query"]
    assert body["variables"] == {"deployment": {
        "entityGuid": "MXxBUE18QVBQTElDQVRJT058MQ", "version": "v1.10.1", "user": "ci-bot", "commit": COMMIT,
        "description": "Nimbus API v1.10.1 deployed to staging: success (by ci-bot)",
    }}


def test_newrelic_with_an_application_id_records_a_rest_v2_deployment(server, receiver):
    """SPEC §6.1 names an "app id": New Relic's REST v2 `POST /v2/applications/{id}/deployments.json`."""
    hook = add(server, "newrelic", {"api_key": "NRAK-TEST", "app_id": "1129082", "base_url": receiver.url})
    assert hook["url"] == receiver.url + "/v2/applications/1129082/deployments.json"
    assert hook["settings"] == {"app_id": "1129082", "base_url": receiver.url}
    deploy(server)
    request = wait_for(lambda: receiver.accepted(), what="the REST v2 deployment")[0]
    assert request["method"] == "POST" and request["path"] == "/v2/applications/1129082/deployments.json"
    assert request["headers"]["api-key"] == "NRAK-TEST"
    assert request["headers"]["content-type"] == "application/json"
    assert body_json(request) == {"deployment": {
        "revision": "v1.10.1", "description": "Nimbus API v1.10.1 deployed to staging: success (by ci-bot)", "user": "ci-bot",
    }}


def test_only_successful_deployments_are_forwarded_and_retried(server, receiver):
    receiver.answer(503, 200)
    add(server, "sentry", {"token": "t", "org": "acme", "base_url": receiver.url})
    publish(server)
    deploy(server, version="v1.10.0", status="failure")
    deploy(server, version="v1.10.1", status="in_progress")
    deploy(server, version="v1.10.2", status="success")
    wait_for(lambda: receiver.accepted(), what="the deploy after a retry")
    first, retry = receiver.received()[:2]
    assert first["status"] == 503 and retry["status"] == 200
    assert first["body"] == retry["body"] and first["path"] == retry["path"]
    assert retry["path"] == "/api/0/organizations/acme/releases/v1.10.2/deploys/"
    time.sleep(1.0)
    assert len(receiver.received()) == 2, "releases, failures and unfinished deployments are not forwarded"


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"format": "sentry", "settings": {"org": "acme"}}, {"settings.token"}),
        ({"format": "sentry", "settings": {"token": "t"}}, {"settings.org"}),
        ({"format": "sentry"}, {"settings.token", "settings.org"}),
        ({"format": "bugsnag", "settings": {}}, {"settings.api_key"}),
        ({"format": "newrelic", "settings": {"api_key": "k"}}, {"settings.entity_guid"}),
        ({"format": "newrelic", "settings": {"api_key": "k", "entity_guid": "g", "region": "mars"}}, {"settings.region"}),
        ({"format": "newrelic", "settings": {"api_key": "k", "entity_guid": "g", "app_id": "12"}}, {"settings.app_id"}),
        ({"format": "newrelic", "settings": {"api_key": "k", "app_id": "my-app"}}, {"settings.app_id"}),
        ({"format": "newrelic"}, {"settings.api_key", "settings.entity_guid"}),
        ({"format": "bugsnag", "settings": {"api_key": "k", "provider": "cvs"}}, {"settings.provider"}),
        ({"format": "sentry", "settings": {"token": "t", "org": "o", "base_url": "ftp://x"}}, {"settings.base_url"}),
        # The API path is appended to base_url: a query or fragment there would swallow it.
        ({"format": "sentry", "settings": {"token": "t", "org": "o", "base_url": "http://127.0.0.1/s?x=1"}}, {"settings.base_url"}),
        ({"format": "newrelic", "settings": {"api_key": "k", "entity_guid": "g", "base_url": "http://127.0.0.1/#nr"}}, {"settings.base_url"}),
        ({"format": "sentry", "settings": {"token": 1, "org": "o", "colour": "red"}}, {"settings.token", "settings.colour"}),
        ({"format": "sentry", "settings": "token"}, {"settings"}),
        ({"format": "sentry", "url": "http://127.0.0.1/x", "settings": {"token": "t", "org": "o"}}, {"url"}),
        ({"format": "json", "url": "http://127.0.0.1/x", "secret": "s", "settings": {"token": "t"}}, {"settings"}),
    ],
)
def test_settings_are_validated(server, body, fields):
    response = server.request("POST", f"{API}/webhooks", json=body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert {cause["field"] for cause in error["causes"]} == fields, error
    assert server.request("GET", f"{API}/webhooks").json()["items"] == []


def test_a_private_base_url_is_refused_without_the_flag(store):
    """The derived URL follows the SSRF rules: an address literal, so nothing is resolved or called."""
    server = Server(store, private_webhooks=False)
    try:
        response = server.request("POST", f"{API}/webhooks", json={
            "format": "newrelic", "settings": {"api_key": "k", "entity_guid": "g", "base_url": "http://10.1.2.3"}})
        assert response.status_code == 400, response.text
        assert [cause["field"] for cause in response.json()["causes"]] == ["settings.base_url"]
    finally:
        server.stop()
