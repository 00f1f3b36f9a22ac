"""Webhook bodies in the exact shape of the service they are sent to (SPEC §6.1), on inputs whose
text the service would otherwise read as markup or misplace.

    swift build --product shiplog && python3 -m pytest -q Tests/webhooks/test_service_shapes.py
"""
import base64

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


def test_grafana_sends_its_service_account_token(server, receiver):
    # Grafana's POST /api/annotations answers 401 without "Authorization: Bearer <service account
    # token>": a grafana webhook takes the token as settings.token, keeps it and never lists it.
    hook = {
        "url": receiver.url + "/api/annotations", "secret": "s", "format": "grafana", "events": ["deployment.created"],
        "settings": {"token": "glsa_example"},
    }
    created = server.request("POST", f"{API}/webhooks", json=hook)
    assert created.status_code == 201, created.text
    assert "glsa_example" not in created.text
    plain = {"url": receiver.url + "/plain", "secret": "s", "format": "grafana", "events": ["deployment.created"]}
    assert server.request("POST", f"{API}/webhooks", json=plain).status_code == 201
    assert "glsa_example" not in server.request("GET", f"{API}/webhooks").text
    body = {"component": "api", "version": "v1.10.1", "status": "success", "finished_at": "2030-01-02T03:04:05Z"}
    assert server.request("POST", f"{API}/environments/production/deployments", key="write", json=body).status_code == 201
    (annotation,) = wait_for(lambda: receiver.accepted("/api/annotations"), what="the annotation")
    (unauthenticated,) = wait_for(lambda: receiver.accepted("/plain"), what="the annotation without a token")
    assert annotation["headers"]["authorization"] == "Bearer glsa_example"
    assert "authorization" not in unauthenticated["headers"]
    assert set(body_json(annotation)) == {"time", "tags", "text"}


def test_grafana_settings_are_validated(server, receiver):
    for settings, field in [({"token": ""}, "settings.token"), ({"dashboard": "x"}, "settings.dashboard"), ("tok", "settings")]:
        hook = {"url": receiver.url, "secret": "s", "format": "grafana", "settings": settings}
        response = server.request("POST", f"{API}/webhooks", json=hook)
        assert response.status_code == 400, response.text
        assert [cause["field"] for cause in response.json()["causes"]] == [field]
    hook = {"url": receiver.url, "secret": "s", "format": "slack", "settings": {"token": "t"}}
    response = server.request("POST", f"{API}/webhooks", json=hook)
    assert response.status_code == 400 and response.json()["causes"][0]["field"] == "settings"


def test_a_url_with_credentials_sends_basic_authentication(server, receiver):
    # As curl and every HTTP library do with https://user:pass@host/: the user and password of the
    # URL (percent-decoded) become "Authorization: Basic", for receivers behind basic authentication.
    url = receiver.url.replace("http://", "http://ci%20bot:pa%40ss@") + "/basic"
    hook = {"url": url, "secret": "s", "events": ["deployment.created"]}
    created = server.request("POST", f"{API}/webhooks", json=hook)
    assert created.status_code == 201, created.text
    shown = receiver.url.replace("http://", "http://ci%20bot:***@") + "/basic"
    assert created.json()["url"] == shown, "the password is a secret, never shown"
    assert [item["url"] for item in server.request("GET", f"{API}/webhooks").json()["items"]] == [shown]
    body = {"component": "api", "version": "v1.10.1", "status": "success"}
    assert server.request("POST", f"{API}/environments/production/deployments", key="write", json=body).status_code == 201
    (request,) = wait_for(lambda: receiver.accepted("/basic"), what="the delivery")
    assert request["headers"]["authorization"] == "Basic " + base64.b64encode(b"ci bot:pa@ss").decode()
