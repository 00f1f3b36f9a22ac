"""A write through a dialect (SPEC §7) sends the same webhooks as the native API: a release
published through Release Pilot's route is a signed `release.published` delivery.

    python3 -m pytest -q Tests/webhooks/test_dialect_webhooks.py
"""
from webhook_harness import API, body_json, signature, wait_for

SECRET = "s3cr3t-for-tests"
PILOT = "/releasepilot/api/v1/projects/nimbus"


def test_release_pilot_create_sends_release_published(server, receiver):
    created = server.request("POST", f"{API}/webhooks", json={"url": receiver.url + "/hook", "secret": SECRET})
    assert created.status_code == 201, created.text
    body = {"version": "v7.0.0", "title": "Through Release Pilot", "published_at": "2030-01-02T03:04:05Z"}
    answer = server.request("POST", f"{PILOT}/products/api/releases", key="write", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["message"] == "Success"
    request = wait_for(lambda: receiver.accepted("/hook"), timeout=10, what="a delivery")[0]
    event = body_json(request)
    assert event["event"] == "release.published"
    assert event["data"]["version"] == "v7.0.0" and event["data"]["id"] == answer.json()["data"]["id"]
    assert request["headers"]["x-shiplog-signature"] == signature(request["body"], SECRET)
    # The native API reads what the dialect wrote.
    native = server.request("GET", f"{API}/releases/{answer.json()['data']['id']}", key="read")
    assert native.status_code == 200 and native.json()["title"] == "Through Release Pilot"
