"""On an admin-only write, the key is judged for the route's own scope before its query parameters:
a `write` key sending an unknown query parameter gets the route's 403, as without the parameter,
not the query's 400 (SPEC §6: a key of too small a scope → 403; §6.1: unknown parameters → 400).
Stores, keys and servers are the fixtures of conftest.py.

    python3 -m pytest -q Tests/api/test_query_order.py
"""
import pytest

from test_api import API, assert_auth_error, assert_error

# Writes only an admin key may make: name → (method, path, body).
ADMIN_WRITES = {
    "create webhook": ("POST", f"{API}/webhooks", {"url": "https://hooks.example/x", "secret": "a-secret-of-enough-length"}),
    "delete webhook": ("DELETE", f"{API}/webhooks/0123456789abcdef", None),
    "put component": ("PUT", f"{API}/components/api", {"name": "Nimbus API"}),
    "freeze environment": ("PATCH", f"{API}/environments/staging", {"frozen": False}),
    "create group": ("POST", f"{API}/groups", {"version": "2099.998", "members": {"api": "v1.10.2"}}),
}


@pytest.mark.parametrize("name", list(ADMIN_WRITES))
def test_a_write_key_gets_the_routes_403_before_the_querys_400(server, store, name):
    method, path, body = ADMIN_WRITES[name]
    response = server.request(method, path, store.keys["write"], params={"dry_run": "1"}, json=body)
    assert_auth_error(response, 403)


@pytest.mark.parametrize("name", ["create webhook", "put component"])
def test_an_admin_key_still_gets_the_querys_400(server, store, name):
    method, path, body = ADMIN_WRITES[name]
    response = server.request(method, path, store.keys["admin"], params={"dry_run": "1"}, json=body)
    assert_error(response, 400, "invalid_request", "dry_run")
