"""The ReleaseBits dialect (SPEC §7, seed 003) through the running server: deployment events from
JSON, a form or the query string at `/releasebits/components/{slug}/deployments/`, and the
component's deployment list, with the key in `Authorization: KEY`, `Bearer KEY` or `?access_token=`.
"""
import json
import subprocess
import time
import urllib.parse

import pytest

from test_api import API, Server, Store, stop_after, unique

from harness import Receiver, body_json, wait_for  # noqa: E402  (test_api puts Tests/support on the path)

BASE = "/releasebits"
ITEM_FIELDS = ["id", "version", "result", "stage", "host", "code_name", "started_at", "finished_at",
               "meta_data", "commit_sha", "tag", "branch"]

# The seed's two examples of "Creating A New Deployment", only the base URL and the token changed
# (and the version, so each run records a new one).
SEED_JSON = ''' {
        "version": "VERSION",
        "result": "success",
        "stage": "staging",
        "host": "host.example.com",
        "code_name": "Funky F\u7aefnke",
        "started_at": "2018-05-27T13:15:30.311Z",
        "finished_at": "2018-05-27T13:15:31.191Z",
        "meta_data": {
          "user_id": "metauser",
          "foo": "bar"
        },
        "commit_sha": "b927e3797fc56fb8bc093d59ee7a624dafddadd2",
        "tag": "tag1.2.3",
        "branch": "release"
     } '''
SEED_QUERY = ("version=VERSION&result=success&stage=staging&host=host.example.com&code_name=Funky%20F%C3%BCnke"
              "&started_at=2018-05-27T13%3A15%3A30.311Z&finished_at=2018-05-27T13%3A15%3A31.191Z"
              "&meta_data[user_id]=metauser&meta_data[foo]=bar&commit_sha=b927e3797fc56fb8bc093d59ee7a624dafddadd2"
              "&tag=tag1.2.3&branch=release")


@pytest.fixture(scope="module")
def shiplog(tmp_path_factory):
    yield from stop_after(Server(Store(tmp_path_factory.mktemp("releasebits")), "--rate-limit", "0", "--allow-private-webhooks"), exit_status=None)


def version():
    return f"v0.9.{unique()}"


def post(server, path="/components/cli/deployments/", key="write", how="bearer", **kwargs):
    return server.request("POST", BASE + path, server.store.keys[key], how=how, **kwargs)


def listed(server, component="cli", key="read", how="bearer", **kwargs):
    response = server.request("GET", f"{BASE}/components/{component}/deployments", server.store.keys[key], how=how, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def find(server, deployment_id, component="cli"):
    return next(item for item in listed(server, component) if item["id"] == deployment_id)


def curl(*args):
    result = subprocess.run(["curl", "-sS", "-w", "\n%{http_code}", *args], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    body, status = result.stdout.rsplit("\n", 1)
    return int(status), json.loads(body)


def check_seed_item(item, v, code_name):
    assert list(item) == ITEM_FIELDS
    assert item == {
        "id": item["id"], "version": v, "result": "success", "stage": "staging", "host": "host.example.com",
        "code_name": code_name,
        # shiplog keeps whole seconds.
        "started_at": "2018-05-27T13:15:30Z", "finished_at": "2018-05-27T13:15:31Z",
        "meta_data": {"user_id": "metauser", "foo": "bar"},
        "commit_sha": "b927e3797fc56fb8bc093d59ee7a624dafddadd2", "tag": "tag1.2.3", "branch": "release",
    }


def test_seed_json_example_with_curl(shiplog):
    v = version()
    status, body = curl("-XPOST", shiplog.url(f"{BASE}/components/cli/deployments/"),
                        "-H", f"Authorization: Bearer {shiplog.store.keys['write']}", "-d", SEED_JSON.replace("VERSION", v))
    assert status == 201 and list(body) == ["id"] and isinstance(body["id"], str)
    item = find(shiplog, body["id"])
    check_seed_item(item, v, "Funky F\u7aefnke")


def test_seed_query_string_example_with_curl(shiplog):
    v = version()
    # curl needs -g (--globoff) for the brackets of meta_data[KEY]; the URL is the seed's.
    url = shiplog.url(f"{BASE}/components/cli/deployments?access_token={shiplog.store.keys['write']}&" + SEED_QUERY.replace("VERSION", v))
    status, body = curl("-g", "-XPOST", url)
    assert status == 201, body
    item = find(shiplog, body["id"])
    check_seed_item(item, v, "Funky F\u00fcnke")


def test_json_with_json_content_type_and_form(shiplog):
    v = version()
    response = post(shiplog, json={"version": v, "stage": "staging", "meta_data": {"n": 1, "deep": {"a": [1]}}})
    assert response.status_code == 201, response.text
    assert find(shiplog, response.json()["id"])["meta_data"] == {"n": 1, "deep": {"a": [1]}}
    w = version()
    response = post(shiplog, data={"version": w, "stage": "staging", "meta_data[who]": "ci bot", "branch": "main", "host": ""})
    assert response.status_code == 201, response.text
    item = find(shiplog, response.json()["id"])
    assert item["meta_data"] == {"who": "ci bot"} and item["branch"] == "main" and item["host"] is None


@pytest.mark.parametrize("how", ["bearer", "bare", "query"])
def test_token_forms(shiplog, how):
    response = post(shiplog, how=how, json={"version": version(), "stage": "staging"})
    assert response.status_code == 201, response.text
    assert isinstance(listed(shiplog, how=how), list)


def test_unknown_version_becomes_a_draft_release(shiplog):
    v = version()
    response = post(shiplog, json={"version": v, "stage": "staging", "code_name": "Otter", "tag": "t-" + v, "commit_sha": "abc1234"})
    assert response.status_code == 201, response.text
    release = shiplog.request("GET", f"{API}/components/cli/releases/{v}", shiplog.store.keys["read"])
    assert release.status_code == 200, release.text
    body = release.json()
    assert body["status"] == "draft" and body["code_name"] == "Otter" and body["tag"] == "t-" + v and body["commit"] == "abc1234"
    assert shiplog.get(f"{API}/components/cli/releases/{v}").status_code == 404  # anonymous never sees drafts
    native = shiplog.request("GET", f"{API}/deployments/{response.json()['id']}", shiplog.store.keys["read"]).json()
    assert native["version"] == v and native["environment"] == "staging" and native["status"] == "success"


def test_known_version_is_not_changed(shiplog):
    response = post(shiplog, json={"version": "v1.0.0", "stage": "staging", "code_name": "Other"})
    assert response.status_code == 201, response.text
    release = shiplog.request("GET", f"{API}/components/cli/releases/v1.0.0", shiplog.store.keys["read"]).json()
    assert release["status"] == "published" and release.get("code_name") != "Other"
    assert find(shiplog, response.json()["id"])["code_name"] == "Other"


def test_new_stage_is_created_and_default_stage(shiplog):
    stage = f"qa-{unique()}"
    response = post(shiplog, json={"version": version(), "stage": stage})
    assert response.status_code == 201, response.text
    environments = shiplog.request("GET", f"{API}/environments", shiplog.store.keys["read"]).json()["items"]
    assert {"name": stage, "frozen": False} in environments
    response = post(shiplog, json={"version": version()})
    assert response.status_code == 201, response.text
    assert find(shiplog, response.json()["id"])["stage"] == "production"
    assert post(shiplog, json={"version": version(), "stage": "Bad Stage"}).status_code == 400
    # A stage named with capitals, as many teams do, is an environment of that exact name.
    capital = f"QA-{unique()}"
    response = post(shiplog, data={"version": version(), "stage": capital})
    assert response.status_code == 201, response.text
    assert find(shiplog, response.json()["id"])["stage"] == capital


@pytest.mark.parametrize("result, status", [
    ("success", "success"), ("succeeded", "success"), ("OK", "success"), ("failure", "failure"), ("failed", "failure"),
    ("error", "error"), ("canceled", "canceled"), ("cancelled", "canceled"), ("pending", "pending"),
    ("in_progress", "in_progress"), ("running", "in_progress"), ("exploded", "unknown"), (None, "success"),
])
def test_result_mapping(shiplog, result, status):
    body = {"version": version(), "stage": "staging"}
    if result is not None:
        body["result"] = result
    response = post(shiplog, json=body)
    assert response.status_code == 201, response.text
    native = shiplog.request("GET", f"{API}/deployments/{response.json()['id']}", shiplog.store.keys["read"]).json()
    assert native["status"] == status
    assert find(shiplog, response.json()["id"])["result"] == (result if result is not None else "success")


def test_finished_at_defaults_to_now(shiplog):
    before = time.time()
    response = post(shiplog, data={"version": version(), "stage": "staging"})
    assert response.status_code == 201, response.text
    item = find(shiplog, response.json()["id"])
    finished = time.mktime(time.strptime(item["finished_at"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    assert before - 2 <= finished <= time.time() + 2
    assert item["started_at"] is None


def test_list_is_the_newest_oldest_first_across_stages_and_limit(shiplog):
    """As the seed's example answer lists them: v1.2.3, then v1.2.4 deployed after it."""
    a = post(shiplog, path="/components/desktop/deployments", json={"version": version(), "stage": "staging"}).json()["id"]
    b = post(shiplog, path="/components/desktop/deployments", json={"version": version(), "stage": "production"}).json()["id"]
    items = listed(shiplog, "desktop")
    ids = [item["id"] for item in items]
    assert ids.index(a) < ids.index(b) and ids[-1] == b
    assert all(list(item) == ITEM_FIELDS for item in items)
    # A limit keeps the newest ones.
    assert [item["id"] for item in listed(shiplog, "desktop", params={"limit": 1})] == [b]
    assert [item["id"] for item in listed(shiplog, "desktop", params={"limit": 2})] == [a, b]
    response = shiplog.request("GET", f"{BASE}/components/desktop/deployments/", shiplog.store.keys["read"], params={"page": 2})
    assert response.status_code == 400 and "page" in response.json()["error"]


def test_bad_input_names_the_field(shiplog):
    cases = [
        ({"stage": "staging"}, "version"),
        ({"version": version(), "started_at": "yesterday"}, "started_at"),
        ({"version": version(), "meta_data": "x"}, "meta_data"),
        ({"version": version(), "host": 5}, "host"),
        ({"version": version(), "colour": "red"}, "colour"),
        ({"version": version(), "meta_data": {"releasebits": 1}}, "meta_data.releasebits"),
    ]
    for body, field in cases:
        response = post(shiplog, json=body)
        assert response.status_code == 400, (body, response.text)
        assert list(response.json()) == ["error"] and field in response.json()["error"], response.text
    response = post(shiplog, data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and list(response.json()) == ["error"]


def test_auth_matrix(shiplog):
    body = {"version": version(), "stage": "staging"}
    path = f"{BASE}/components/cli/deployments/"
    for key in ("none", "wrong"):
        for method in ("GET", "POST"):
            response = shiplog.request(method, path, shiplog.store.keys[key], json=body)
            assert response.status_code == 401, response.text
            assert list(response.json()) == ["error"] and "token" in response.json()["error"]
    # A key of another page: its page has no component "cli".
    for method in ("GET", "POST"):
        response = shiplog.request(method, path, shiplog.store.keys["other"], json=body)
        assert response.status_code == 404 and list(response.json()) == ["error"], response.text
    assert post(shiplog, path="/components/nope/deployments/", json=body).status_code == 404
    response = post(shiplog, key="read", json=body)
    assert response.status_code == 403 and list(response.json()) == ["error"]
    assert shiplog.request("GET", f"{BASE}/nothing", shiplog.store.keys["read"]).json().keys() == {"error"}


def test_rate_limited(tmp_path):
    server = Server(Store(tmp_path / "limited"), "--rate-limit", "2")
    try:
        answers = [server.request("GET", f"{BASE}/components/cli/deployments", server.store.keys["read"]) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[0].headers["X-RateLimit-Limit"] == "2"
        assert list(answers[2].json()) == ["error"] and "Retry-After" in answers[2].headers
    finally:
        server.stop()


def test_forwarding_webhook_fires(shiplog):
    receiver = Receiver()
    try:
        settings = {"format": "sentry", "settings": {"token": "sntrys_x", "org": "acme", "base_url": receiver.url}}
        response = shiplog.request("POST", f"{API}/webhooks", shiplog.store.keys["admin"], json=settings)
        assert response.status_code == 201, response.text
        hook = response.json()["id"]
        try:
            v = version()
            stage = f"live-{unique()}"
            query = urllib.parse.urlencode({"version": v, "stage": stage, "result": "ok", "finished_at": "2030-01-02T03:04:05Z"})
            assert post(shiplog, path=f"/components/cli/deployments?{query}").status_code == 201
            request, *_ = wait_for(lambda: receiver.accepted(), what="the sentry request")
            assert request["path"] == f"/api/0/organizations/acme/releases/{v}/deploys/"
            assert body_json(request)["environment"] == stage
        finally:
            shiplog.request("DELETE", f"{API}/webhooks/{hook}", shiplog.store.keys["admin"])
    finally:
        receiver.close()


def test_list_says_what_the_native_api_says(shiplog):
    post(shiplog, path="/components/web/deployments", data={"version": version(), "stage": "staging", "host": "h1", "commit_sha": "abc"})
    native = shiplog.request("GET", f"{API}/deployments", shiplog.store.keys["read"], params={"component": "web", "limit": 200}).json()
    dialect = listed(shiplog, "web")
    assert len(native["items"]) == len(dialect) > 0
    # The native list is newest first, the dialect's oldest first (as the seed's example).
    for n, d in zip(reversed(native["items"]), dialect):
        assert (d["id"], d["version"], d["stage"], d["host"], d["commit_sha"], d["started_at"], d["finished_at"]) == (
            n["id"], n["version"], n["environment"], n.get("host"), n.get("commit"), n.get("started_at"), n.get("finished_at"))
        assert d["result"] == n["status"] or d["result"].lower() in ("ok", "succeeded", "failed", "cancelled", "running")


def test_status_changed_natively_shows_in_result(shiplog):
    deployment = post(shiplog, json={"version": version(), "stage": "staging", "result": "running"}).json()["id"]
    assert find(shiplog, deployment)["result"] == "running"
    response = shiplog.request("PATCH", f"{API}/deployments/{deployment}", shiplog.store.keys["write"], json={"status": "failure"})
    assert response.status_code == 200, response.text
    assert find(shiplog, deployment)["result"] == "failure"


def test_other_errors_take_the_dialect_shape(shiplog):
    key = shiplog.store.keys["write"]
    for method, path in (("DELETE", "/components/cli/deployments"), ("GET", "/components"), ("GET", "")):
        response = shiplog.request(method, BASE + path, key)
        assert 400 <= response.status_code < 500 and list(response.json()) == ["error"], (method, path, response.text)
    response = post(shiplog, data=b"x=1", headers={"Content-Type": "text/csv"})
    assert response.status_code == 415 and list(response.json()) == ["error"]
    response = post(shiplog, data=b"version=" + b"x" * (1 << 20))
    assert response.status_code == 413 and list(response.json()) == ["error"]


def test_multipart_form(shiplog):
    v = version()
    status, body = curl("-XPOST", shiplog.url(f"{BASE}/components/cli/deployments/"), "-H", f"Authorization: {shiplog.store.keys['write']}",
                        "-F", f"version={v}", "-F", "stage=staging", "-F", "result=failed", "-F", "meta_data[job]=build 7")
    assert status == 201, body
    item = find(shiplog, body["id"])
    assert (item["version"], item["result"], item["meta_data"]) == (v, "failed", {"job": "build 7"})
    response = post(shiplog, files={"version": ("v.txt", b"v1", "text/plain")})
    assert response.status_code == 400 and "version" in response.json()["error"]
    response = post(shiplog, data=b"--x\r\nnothing", headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert response.status_code == 400 and list(response.json()) == ["error"]
    response = post(shiplog, data=b"a", headers={"Content-Type": "multipart/form-data"})
    assert response.status_code == 400 and "boundary" in response.json()["error"]
