"""Webhook bodies in the exact shape of the service they are sent to (SPEC §6.1), on inputs whose
text the service would otherwise read as markup or misplace.

    swift build --product shiplog && python3 -m pytest -q Tests/webhooks/test_service_shapes.py
"""
from webhook_harness import API, body_json, require_binary, wait_for

require_binary()


def test_slack_text_escapes_its_control_characters(server, receiver):
    # Slack reads &, < and > as control characters ("<url|label>" links, "<!here>" mentions): text
    # that holds them must send &amp;, &lt; and &gt;, or a title like this one pings the channel.
    hook = {"url": receiver.url + "/slack", "secret": "s", "format": "slack", "events": ["release.published"]}
    assert server.request("POST", f"{API}/webhooks", json=hook).status_code == 201
    release = {
        "component": "api", "version": "v9.9.0", "title": "R&D <!here> a > b", "published_at": "2030-01-02T03:04:05Z",
        "url": "https://releases.nimbus.example/api/v9.9.0?a=1&b=2",
    }
    response = server.request("POST", f"{API}/releases", key="write", json=release)
    assert response.status_code == 201, response.text
    (request,) = wait_for(lambda: receiver.accepted("/slack"), what="the slack message")
    assert body_json(request) == {
        "text": "Nimbus API v9.9.0 released: R&amp;D &lt;!here&gt; a &gt; b"
        " <https://releases.nimbus.example/api/v9.9.0?a=1&amp;b=2|release notes>"
    }
