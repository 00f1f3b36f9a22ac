"""Webhooks and the active release (SPEC §3, §6): activating a draft publishes it, with the
`release.published` event publishing sends; activating a published release sends no event.

    python3 -m pytest -q Tests/webhooks/test_active_webhooks.py
"""
import time

from webhook_harness import API, body_json, wait_for

SECRET = "s3cr3t-for-tests"


def test_activating_a_draft_sends_release_published_once(server, receiver):
    created = server.request("POST", f"{API}/webhooks", json={"url": receiver.url + "/hook", "secret": SECRET})
    assert created.status_code == 201, created.text
    draft = {"component": "api", "version": "v1.11.0", "status": "draft"}
    assert server.request("POST", f"{API}/releases", key="write", json=draft).status_code == 201
    path = f"{API}/components/api/releases/v1.11.0/activate"
    answer = server.request("POST", path, key="write")
    assert answer.status_code == 200, answer.text
    wait_for(lambda: len(receiver.requests) >= 1, timeout=10)
    event = body_json(receiver.requests[0])
    assert event["event"] == "release.published"
    assert event["data"]["version"] == "v1.11.0" and event["data"]["status"] == "published"
    # A rollback to a published release, and activating the same again: nothing more.
    assert server.request("POST", f"{API}/components/api/releases/v1.9.1/activate", key="write").status_code == 200
    assert server.request("POST", path, key="write").status_code == 200
    time.sleep(1.5)
    assert len(receiver.requests) == 1
