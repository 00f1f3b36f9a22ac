"""SSRF through webhooks (SPEC §6.2): without `serve --allow-private-webhooks`, a webhook may only
call public addresses. Refused at registration (400 naming `url`) in every spelling, and again at
delivery, when a name that was taken resolves to a private address.

These tests never connect anywhere but loopback: registration refusals are checked through the API
(the server refuses before connecting), and the delivery check with `localhost`, which resolves
to loopback, registered while the flag was on.

    swift build && python3 -m pytest -q Tests/webhooks/test_hostile_webhooks.py
"""
import ipaddress
import socket

import pytest

from webhook_harness import API, Receiver, Server, Store, require_binary, stop_after, wait_for

require_binary()

SECRET = "s3cr3t-for-tests"

# The addresses an attacker tries: metadata, private, loopback in every spelling, link-local, …
SSRF_URLS = [
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://localhost:22/",
    "http://LOCALHOST./",
    "http://api.localhost/",
    "http://127.0.0.1:8080/api/v1/pages/nimbus/releases",
    "http://127.1/",
    "http://[::1]/",
    "http://[::]/",
    "http://0.0.0.0/",
    "http://0/",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://017700000001/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[0:0:0:0:0:ffff:10.0.0.1]/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://metadata/",
    "http://169.254.43518/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://[fc00::1]/",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://[ff02::1]/",
    "https://user:pass@127.0.0.1/",
    "http://printer.local/",
]


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    yield from stop_after(Server(Store(tmp_path_factory.mktemp("guarded")), private_webhooks=False), exit_status=None)


@pytest.mark.parametrize("url", SSRF_URLS)
def test_private_targets_are_refused_at_registration(guarded, url):
    response = guarded.request("POST", f"{API}/webhooks", json={"url": url, "secret": SECRET})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "invalid_request" or body["status"] == 400
    assert [cause["field"] for cause in body["causes"]] == ["url"], body
    assert "--allow-private-webhooks" in body["causes"][0]["error"]
    listed = guarded.request("GET", f"{API}/webhooks").json()["items"]
    assert url not in [hook["url"] for hook in listed]


def test_the_refusal_names_the_address(guarded):
    response = guarded.request("POST", f"{API}/webhooks", json={"url": "http://0x7f.1/", "secret": SECRET})
    assert response.json()["causes"][0]["error"].startswith("127.0.0.1 is a loopback address")
    response = guarded.request("POST", f"{API}/webhooks", json={"url": "http://metadata.google.internal/", "secret": SECRET})
    assert response.json()["causes"][0]["error"].startswith("metadata.google.internal is a cloud metadata service")


@pytest.mark.parametrize("url", ["http://93.184.216.34/x", "https://[2606:4700:4700::1111]/", "http://[::ffff:8.8.8.8]:8080/"])
def test_public_targets_are_taken(guarded, url):
    # Addresses, not names, so that not even DNS is asked; only registered, never called (this
    # webhook listens to deployments only, and nothing is deployed on this server).
    response = guarded.request("POST", f"{API}/webhooks", json={"url": url, "secret": SECRET, "events": ["deployment.created"]})
    assert response.status_code == 201, response.text
    assert guarded.request("DELETE", f"{API}/webhooks/{response.json()['id']}").status_code == 204


def test_the_flag_takes_loopback(tmp_path):
    running = Server(Store(tmp_path / "store"))
    try:
        response = running.request("POST", f"{API}/webhooks", json={"url": "http://127.0.0.1:9/", "secret": SECRET})
        assert response.status_code == 201, response.text
    finally:
        running.stop()


def loopback_only_hostname():
    """This machine's name when it resolves to loopback only (else None: the test must not connect elsewhere)."""
    name = socket.gethostname()
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(name, 80, proto=socket.IPPROTO_TCP)}
    except OSError:
        return None
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        return None
    if name.lower() == "localhost" or name.lower().endswith((".localhost", ".local", ".internal", ".localdomain")):
        return None
    return name


@pytest.mark.parametrize("host, refusal", [
    ("localhost", "refused: localhost is a loopback name"),
    ("HOSTNAME", "resolves to 127."),
])
def test_delivery_to_a_name_that_resolves_privately_is_refused(tmp_path, host, refusal):
    """A webhook taken earlier (here: while the flag was on) whose name resolves to loopback now is
    not called: the delivery is checked again and fails without connecting. `HOSTNAME` is this
    machine's name, which is not on any list: only resolving it shows that it is loopback."""
    if host == "HOSTNAME":
        host = loopback_only_hostname()
        if host is None:
            pytest.skip("this machine's name does not resolve to loopback only")
    store = Store(tmp_path / "store")
    receiver = Receiver()
    try:
        allowing = Server(store)
        hook = allowing.request("POST", f"{API}/webhooks", json={"url": f"http://{host}:{receiver.port}/hook", "secret": SECRET,
                                                                 "events": ["release.published"]})
        assert hook.status_code == 201, hook.text
        allowing.stop()

        guarded = Server(store, private_webhooks=False)
        try:
            body = {"component": "api", "version": "v9.9.9", "title": "Refused", "published_at": "2030-01-02T03:04:05Z"}
            assert guarded.request("POST", f"{API}/releases", key="write", json=body).status_code == 201

            def failed():
                items = guarded.request("GET", f"{API}/webhooks").json()["items"]
                return items[0] if items and items[0].get("last_error") else None

            item = wait_for(failed, what="the refused delivery")
            assert refusal in item["last_error"], item
            assert item["delivered"] == 0 and item["queued"] == 1
            assert receiver.received() == []
        finally:
            guarded.stop()

        # The same queue with the flag on is delivered: the refusal was the check, nothing else.
        again = Server(store)
        try:
            wait_for(lambda: receiver.accepted("/hook"), timeout=20, what="the delivery with the flag on")
        finally:
            again.stop()
    finally:
        receiver.close()


def test_a_name_that_resolves_to_loopback_is_refused_at_registration(guarded):
    host = loopback_only_hostname()
    if host is None:
        pytest.skip("this machine's name does not resolve to loopback only")
    response = guarded.request("POST", f"{API}/webhooks", json={"url": f"http://{host}:9/", "secret": SECRET})
    assert response.status_code == 400, response.text
    assert response.json()["causes"][0]["error"].startswith(f"{host} resolves to 127."), response.text


def test_a_redirect_is_not_followed_but_retried(store):
    """A 3xx is no delivery: the Location (here a loopback path that would accept) is never called,
    and the delivery is retried to the registered URL with the same delivery id."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    import threading

    calls = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            calls.append((self.path, self.headers.get("X-Shiplog-Delivery")))
            self.send_response(307 if self.path == "/hook" else 200)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    target = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=target.serve_forever, daemon=True).start()
    server = Server(store)
    try:
        hook = {"url": f"http://127.0.0.1:{target.server_address[1]}/hook", "secret": SECRET, "events": ["deployment.created"]}
        assert server.request("POST", f"{API}/webhooks", json=hook).status_code == 201
        deployment = {"component": "api", "version": "v1.10.1", "status": "success"}
        assert server.request("POST", f"{API}/environments/production/deployments", json=deployment).status_code == 201
        wait_for(lambda: len(calls) >= 2, timeout=20, what="a retry after the 307")
        assert {path for path, _ in calls} == {"/hook"}
        assert len({delivery for _, delivery in calls}) == 1
        (listed,) = server.request("GET", f"{API}/webhooks").json()["items"]
        assert listed["delivered"] == 0 and "307" in listed["last_error"]
    finally:
        server.stop()
        target.shutdown()
        target.server_close()
