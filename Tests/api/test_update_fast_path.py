"""The dynamic update endpoints (test_update_endpoints.py) through `VersionFastPath`, which answers
their plain requests ahead of the router: the same answers as the router's, logged and counted in
`/metrics` under the route patterns.

    python3 -m pytest -q Tests/api/test_update_fast_path.py
"""
import pytest

from test_api import Server
from test_update_endpoints import SQUIRREL, TAURI, UpdateStore, server  # noqa: F401  (fixtures are used by name)
from prometheus_text import TOKEN, scrape

# MARK: - The fast path answers exactly what the router answers

VARYING = {"date", "x-ratelimit-remaining", "x-ratelimit-reset"}


def comparable(response):
    headers = {name.lower(): value for name, value in response.headers.items() if name.lower() not in VARYING}
    return response.status_code, headers, response.content


@pytest.mark.parametrize("path", [
    f"{TAURI}/darwin/aarch64/1.0.0",
    f"{TAURI}/darwin/aarch64/1.0.1",
    f"{TAURI}/windows/x86_64/1.0.0?bundle=nsis&channel=beta",
    f"{TAURI}/linux/x86_64/0.1?channel=canary",
    f"{SQUIRREL}/darwin/1.0.0",
    f"{SQUIRREL}/darwin-aarch64/v1.0.0?channel=rc",
    f"{SQUIRREL}/darwin-aarch64/9.0",
    "/v1/pages/vault/components/desk/update/darwin/aarch64/1.0.0",
])
@pytest.mark.parametrize("headers", [{}, {"Origin": "https://app.example"}, {"If-None-Match": "*"}])
@pytest.mark.parametrize("key", [None, "vault"])
def test_fast_path_and_router_agree(server, path, headers, key):
    # A percent-encoded component (`des%6b`) is left to the router; the plain path is answered ahead of it.
    routed_path = path.replace("/components/desk/", "/components/des%6b/")
    secret = server.store.keys[key] if key else None
    for _ in range(2):  # a key's first use fills the key cache through the router
        fast = server.get(path, secret, headers=headers)
    routed = server.get(routed_path, secret, headers=headers)
    assert comparable(fast) == comparable(routed)
    assert fast.status_code in (200, 204, 304, 403, 404)
    if fast.status_code in (200, 204, 304):
        assert "Date" in fast.headers


def test_fast_path_answers_are_logged_and_counted(tmp_path):
    running = Server(UpdateStore(tmp_path), "--rate-limit", "0", "--log-level", "info", "--metrics-token", TOKEN)
    try:
        for _ in range(3):
            assert running.get(f"{TAURI}/darwin/aarch64/1.0.0").status_code == 200
            assert running.get(f"{SQUIRREL}/darwin/1.0.1").status_code == 204
        metrics = scrape(running)
        assert metrics.requests(TAURI_ROUTE, "GET", 200) == 3
        assert metrics.requests(SQUIRREL_ROUTE, "GET", 204) == 3
        running.stop()
        log = running.log_path.read_text(encoding="utf-8")
        assert log.count(f"GET {TAURI}/darwin/aarch64/1.0.0 200 ") == 3, log
        assert log.count(f"GET {SQUIRREL}/darwin/1.0.1 204 ") == 3, log
    finally:
        running.stop()


TAURI_ROUTE = "/v1/pages/{page}/components/{component}/update/{target}/{arch}/{current_version}"
SQUIRREL_ROUTE = "/v1/pages/{page}/components/{component}/squirrel/{platform}/{current_version}"

