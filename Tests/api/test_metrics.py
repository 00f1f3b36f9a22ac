"""`GET /metrics` (SPEC §6.1) through the real `shiplog serve`: off (404) without a metrics token,
401 without the right `Authorization: Bearer TOKEN`, never rate-limited, and Prometheus text whose
numbers follow what the server did: requests by route pattern (never the raw path) and status,
deployments and releases counted from committed changes, the outbox depth and webhook failures.
Servers, stores and helpers are those of `test_api.py`; every test that counts gets a server of its own.

    python3 -m pytest -q Tests/api/test_metrics.py
"""
import socket

import pytest

from test_api import API, DATA, PAGE, VERSION, Server, Store, assert_error, cli, release_path, stop_after
from prometheus_text import TOKEN, Metrics, eventually, scrape

RELEASES_ROUTE = "/api/v1/pages/{page}/releases"
RELEASE_ROUTE = "/api/v1/pages/{page}/components/{component}/releases/{version}"
VERSION_ROUTE = "/v1/pages/{page}/version"


@pytest.fixture
def metered(tmp_path):
    """A server of its own, with metrics on and no rate limit."""
    yield from stop_after(Server(Store(tmp_path / "metered"), "--rate-limit", "0", "--metrics-token", TOKEN), exit_status=None)


# MARK: - Access


def test_metrics_is_off_without_a_token(server):
    assert_error(server.get("/metrics"), 404, "not_found")
    assert_error(server.get("/metrics", TOKEN), 404, "not_found")


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer wrong-token-0123456789abcdef"},
    {"Authorization": TOKEN},
    {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": f"Bearer {TOKEN[:-1]}"},
    {"Authorization": "Bearer "},
], ids=["none", "wrong", "bare", "basic", "longer", "shorter", "empty"])
def test_metrics_needs_the_bearer_token(metered, headers):
    response = metered.get("/metrics", headers=headers)
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "shiplog_" not in response.text


def test_metrics_takes_no_page_key_and_no_query_token(metered):
    assert_error(metered.get("/metrics", metered.store.keys["admin"]), 401, "unauthorized")
    assert_error(metered.get("/metrics", params={"access_token": TOKEN}), 401, "unauthorized")


def test_metrics_with_the_token(metered):
    for header in (f"Bearer {TOKEN}", f"bearer {TOKEN}", f"BEARER   {TOKEN}"):
        response = metered.get("/metrics", headers={"Authorization": header})
        assert response.status_code == 200, header
        assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
        assert response.headers["Cache-Control"] == "no-store"
        metrics = Metrics(response.text)
        assert metrics.types["shiplog_mail_queued"] == "gauge"


def test_metrics_is_never_rate_limited(tmp_path):
    limited = Server(Store(tmp_path / "limited"), "--rate-limit", "2", "--metrics-token", TOKEN)
    try:
        for _ in range(2):
            assert limited.get(f"{API}/releases").status_code == 200
        assert_error(limited.get(f"{API}/releases"), 429, "rate_limited")
        for _ in range(5):
            response = limited.get("/metrics", TOKEN)
            assert response.status_code == 200
            assert "X-RateLimit-Limit" not in response.headers
        assert_error(limited.get("/metrics", "a-wrong-token-0123456789"), 401, "unauthorized")
        # The 429 is counted under its route, like any other answer.
        eventually(limited, lambda m: m.requests(RELEASES_ROUTE, "GET", 429) == 1 and m.requests(RELEASES_ROUTE, "GET", 200) == 2)
    finally:
        limited.stop()


def test_token_from_the_environment_stays_out_of_ps(tmp_path):
    running = Server(Store(tmp_path / "env"), "--rate-limit", "0", env={"SHIPLOG_METRICS_TOKEN": TOKEN})
    try:
        assert running.get("/metrics", TOKEN).status_code == 200
        assert_error(running.get("/metrics"), 401, "unauthorized")
        with open(f"/proc/{running.process.pid}/cmdline", "rb") as cmdline:
            assert TOKEN.encode() not in cmdline.read()
    finally:
        running.stop()


@pytest.mark.parametrize("arguments, env, message", [
    (["--metrics-token", "short"], {}, "--metrics-token must be 16 to 256 visible ASCII characters"),
    (["--metrics-token", "has a space in it 0123456789"], {}, "--metrics-token must be 16 to 256"),
    ([], {"SHIPLOG_METRICS_TOKEN": "short"}, "SHIPLOG_METRICS_TOKEN must be 16 to 256"),
    (["--metrics-token", TOKEN], {"SHIPLOG_METRICS_TOKEN": TOKEN}, "the metrics token was given twice"),
], ids=["short", "space", "short-env", "twice"])
def test_bad_metrics_tokens_are_refused_at_start(tmp_path, monkeypatch, arguments, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = cli("serve", "--db", tmp_path / "store.db", "--port", "0", *arguments, check=False)
    assert result.returncode == 64, result.stderr
    assert message in result.stderr


# MARK: - What is counted


def test_requests_are_counted_by_route_pattern_and_status(metered):
    for _ in range(3):
        assert metered.get(f"{API}/releases").status_code == 200
    assert metered.get(release_path("api", "v1.8.0")).status_code == 200
    assert metered.get(release_path("web", "3.5.0")).status_code == 200
    assert metered.get(release_path("api", "v9.9.9")).status_code == 404
    for path in ("/no/such/route-abc123", "/api/v1/nothing-xyz789"):
        assert metered.get(path).status_code == 404
    version = metered.get(VERSION)
    assert version.status_code == 200
    for _ in range(2):
        assert metered.get(VERSION).status_code == 200
    assert metered.get(VERSION, headers={"If-None-Match": version.headers["ETag"]}).status_code == 304

    def counted(m):
        return (
            m.requests(RELEASES_ROUTE, "GET", 200) == 3
            and m.requests(RELEASE_ROUTE, "GET", 200) == 2
            and m.requests(RELEASE_ROUTE, "GET", 404) == 1
            and m.requests("NotFound", "GET", 404) == 2
            and m.requests(VERSION_ROUTE, "GET", 200) == 3
            and m.requests(VERSION_ROUTE, "GET", 304) == 1
        )

    metrics = eventually(metered, counted)
    assert metrics.types["shiplog_http_requests_total"] == "counter"
    assert metrics.types["shiplog_http_request_duration_seconds"] == "histogram"
    # Durations of the router's answers: a histogram per route, method and status.
    labels = {"route": RELEASES_ROUTE, "method": "GET", "status": "200"}
    assert metrics.value("shiplog_http_request_duration_seconds_count", **labels) == 3
    assert metrics.value("shiplog_http_request_duration_seconds_bucket", **labels, le="+Inf") == 3
    assert 0 < metrics.value("shiplog_http_request_duration_seconds_sum", **labels) < 30
    # Label values are route patterns: no raw path, version or page id ever shows.
    request_series = [
        labels for name in ("shiplog_http_requests_total", "shiplog_http_request_duration_seconds_count")
        for labels, _ in metrics.series(name)
    ]
    routes = {labels["route"] for labels in request_series}
    assert routes <= {RELEASES_ROUTE, RELEASE_ROUTE, VERSION_ROUTE, "NotFound", "/metrics"}, routes
    for labels in request_series:
        assert set(labels) <= {"route", "method", "status", "le"}, labels
    # Errors become JSON answers before the metrics see them: one total, not a series per route.
    assert metrics.series("shiplog_http_request_errors_total") == [({}, 0.0)]
    for raw in ("abc123", "xyz789", "v9.9.9", f"/pages/{PAGE}/"):
        assert raw not in metrics.text


def test_deployments_and_releases_are_counted(metered):
    before = scrape(metered)
    assert before.series("shiplog_deployments_total") == []  # the imported data was not recorded by this server
    created = metered.admin("POST", f"{API}/releases", json={
        "component": "api", "version": "v9.0.0", "published_at": "2026-11-01T00:00:00Z"})
    assert created.status_code == 201, created.text
    draft = metered.admin("POST", f"{API}/releases", json={"component": "web", "version": "9.0.0", "status": "draft"})
    assert draft.status_code == 201, draft.text
    published = metered.admin("POST", release_path("web", "9.0.0") + "/publish")
    assert published.status_code == 200, published.text

    deployments = f"{API}/environments/staging/deployments"
    started = metered.admin("POST", deployments, json={"component": "api", "version": "v9.0.0", "status": "in_progress"})
    assert started.status_code == 201, started.text
    for _ in range(2):  # the second sets the status it already has: no change, not counted
        finished = metered.admin("PATCH", deployments, json={"component": "api", "version": "v9.0.0", "status": "success"})
        assert finished.status_code == 200, finished.text
    refused = metered.admin("POST", deployments, json={"component": "api", "version": "v0.0.404", "status": "success"})
    assert refused.status_code == 400, refused.text

    def deployments_counted(m):
        return (
            m.value("shiplog_deployments_total", page=PAGE, environment="staging", component="api", status="in_progress") == 1
            and m.value("shiplog_deployments_total", page=PAGE, environment="staging", component="api", status="success") == 1
        )

    metrics = eventually(metered, deployments_counted)
    assert len(metrics.series("shiplog_deployments_total")) == 2
    assert metrics.types["shiplog_deployments_total"] == "counter"
    assert metrics.value("shiplog_releases_published_total", page=PAGE, component="api") == 1
    assert metrics.value("shiplog_releases_published_total", page=PAGE, component="web") == 1
    assert len(metrics.series("shiplog_releases_published_total")) == 2
    # The newest deployment of each component in each environment, from the page as it is now.
    current = {
        (labels["environment"], labels["component"]): (labels["version"], labels["status"], value)
        for labels, value in metrics.series("shiplog_deployment_current")
        if labels["page"] == PAGE
    }
    assert current[("staging", "api")] == ("v9.0.0", "success", 1)
    newest = [d for d in DATA["deployments"] if (d["environment"], d["component"]) == ("production", "web")][-1]
    assert current[("production", "web")] == (newest["version"], newest["status"], 1)
    assert len(current) == len({(d["environment"], d["component"]) for d in DATA["deployments"]} | {("staging", "api")})
    assert metrics.types["shiplog_deployment_current"] == "gauge"


def test_outbox_depth_shows_queued_mail(metered):
    before = scrape(metered)
    assert before.value("shiplog_mail_failed") == 0
    assert before.value("shiplog_webhook_deliveries_queued") == 0
    body = {"op": "add", "data": {"type": "email", "value": "metrics-reader@example.com", "preferences": ["major"]}}
    response = metered.request("PATCH", f"/v1/pages/{PAGE}/subscribers", json=body)
    assert response.status_code == 202, response.text
    # Without --smtp the confirmation mail stays queued.
    after = scrape(metered)
    assert after.value("shiplog_mail_queued") == before.value("shiplog_mail_queued") + 1
    assert after.types["shiplog_mail_queued"] == "gauge"


def test_webhook_failures_and_queue(tmp_path):
    # A loopback port that refuses connections: bound, never listening.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    running = Server(
        Store(tmp_path / "hooks"), "--rate-limit", "0", "--allow-private-webhooks", env={"SHIPLOG_METRICS_TOKEN": TOKEN})
    try:
        hook = running.admin("POST", f"{API}/webhooks", json={
            "url": f"http://127.0.0.1:{closed.getsockname()[1]}/hook", "secret": "s3cret", "events": ["deployment.created"]})
        assert hook.status_code == 201, hook.text
        deployed = running.admin("POST", f"{API}/environments/staging/deployments", json={
            "component": "web", "version": "3.7.0", "status": "success"})
        assert deployed.status_code == 201, deployed.text
        # The HTTP client retries a refused connection until its connect timeout (5 s): wait longer than that.
        # The counter moves when the attempt fails; the store records the failure just after, so
        # a scrape in between may see the one and not yet the other.
        metrics = eventually(
            running,
            lambda m: m.value("shiplog_webhook_delivery_failures_total", format="json") >= 1
            and m.value("shiplog_webhook_deliveries_failing") == 1,
            timeout=15)
        assert metrics.types["shiplog_webhook_delivery_failures_total"] == "counter"
        assert metrics.value("shiplog_webhook_deliveries_queued") == 1
        assert metrics.value("shiplog_webhook_deliveries_failing") == 1
        assert metrics.value("shiplog_deployments_total", page=PAGE, environment="staging", component="web", status="success") == 1
    finally:
        running.stop()
        closed.close()


def test_mail_failures_are_counted(tmp_path):
    # An SMTP server that refuses connections: a loopback port bound, never listening.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    running = Server(
        Store(tmp_path / "mail"), "--rate-limit", "0", "--smtp", f"smtp://127.0.0.1:{closed.getsockname()[1]}",
        "--mail-from", "releases@example.com", env={"SHIPLOG_METRICS_TOKEN": TOKEN})
    try:
        body = {"op": "add", "data": {"type": "email", "value": "metrics-reader@example.com", "preferences": ["major"]}}
        assert running.request("PATCH", f"/v1/pages/{PAGE}/subscribers", json=body).status_code == 202
        metrics = eventually(running, lambda m: m.value("shiplog_mail_delivery_failures_total", kind="transient") >= 1)
        assert metrics.types["shiplog_mail_delivery_failures_total"] == "counter"
        # Retried later: still queued, not failed.
        assert metrics.value("shiplog_mail_queued") == 1
        assert metrics.value("shiplog_mail_failed") == 0
    finally:
        running.stop()
        closed.close()


def test_site_files_count_as_one_route(tmp_path):
    running = Server(Store(tmp_path / "site"), "--rate-limit", "0", "--site", tmp_path / "public", "--page", PAGE, "--metrics-token", TOKEN)
    try:
        for path, status in (("/", 200), ("/components/api/", 200), ("/atom.xml", 200), ("/no-such-file-abc123", 404)):
            assert running.get(path).status_code == status, path
        assert running.get("/components/api", allow_redirects=False).status_code == 301
        metrics = eventually(running, lambda m: sum(
            value for labels, value in m.series("shiplog_http_requests_total") if labels["route"] == "SiteFiles") == 5)
        routes = {labels["route"] for labels, _ in metrics.series("shiplog_http_requests_total")}
        assert routes <= {"SiteFiles", "/metrics", VERSION_ROUTE}, routes
        assert metrics.value("shiplog_http_requests_total", route="SiteFiles", method="GET", status="404") == 1
        assert "abc123" not in metrics.text
    finally:
        running.stop()
