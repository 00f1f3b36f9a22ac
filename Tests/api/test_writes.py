"""Writes and what anonymous readers see, through the real `shiplog serve` (SPEC §6.1, §6.2):
drafts never leak to anonymous readers, a committed write is answered as committed and seen by
the next read (20 parallel writers), `Idempotency-Key` on POSTs, and numbers no double holds.
Stores, keys, servers and helpers are those of `test_api.py`.

    python3 -m pytest -q Tests/api/test_writes.py
"""
import json
import threading
import uuid

import requests

from test_api import API, VERSION, Server, Store, assert_error, cli, release_path, scratch_release, unique

GROUPS = f"{API}/groups"


def deployments(server, environment, component):
    response = server.admin("GET", f"{API}/environments/{environment}/deployments", params={"component": component, "limit": 100})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def new_environment(server):
    name = f"env-{unique()}"
    assert server.admin("POST", f"{API}/environments", json={"name": name}).status_code == 201
    return name


# MARK: - Drafts (SPEC §6.2)


def test_anonymous_groups_list_only_published_members(server, store):
    draft = scratch_release(server, status="draft", component="cli", title="Secret title", notes="Secret notes")
    mixed = f"2097.{unique()}"
    only_draft = f"2097.{unique()}"
    for version, members in ((mixed, {"api": "v1.10.2", "cli": draft["version"]}), (only_draft, {"cli": draft["version"]})):
        response = server.admin("POST", GROUPS, json={"version": version, "title": f"Group {version}", "members": members})
        assert response.status_code == 201, response.text

    anonymous = server.get(GROUPS)
    assert anonymous.status_code == 200
    assert draft["version"] not in anonymous.text, "a draft member's version never reaches an anonymous reader"
    groups = {group["version"]: group for group in anonymous.json()["items"]}
    assert groups[mixed]["members"] == {"api": "v1.10.2"}
    assert only_draft not in groups, "a group with only draft members is not listed"

    with_key = {group["version"]: group for group in server.get(GROUPS, store.keys["read"]).json()["items"]}
    assert with_key[mixed]["members"] == {"api": "v1.10.2", "cli": draft["version"]}
    assert with_key[only_draft]["members"] == {"cli": draft["version"]}


def test_a_drafts_url_answers_like_a_missing_release(server, store):
    draft = scratch_release(server, status="draft", component="cli")
    missing = f"0.0.{unique()}"
    as_draft = server.get(release_path("cli", draft["version"]))
    as_missing = server.get(release_path("cli", missing))
    assert_error(as_draft, 404, "not_found")
    assert_error(as_missing, 404, "not_found")
    assert "WWW-Authenticate" not in as_draft.headers
    assert as_draft.json() == json.loads(as_missing.text.replace(missing, draft["version"])), "the same answer, word for word"
    assert set(as_draft.headers) - {"Date"} == set(as_missing.headers) - {"Date"}
    # With a key of the page the draft is there as before.
    assert server.get(release_path("cli", draft["version"]), store.keys["read"]).json()["status"] == "draft"
    # Nothing else an anonymous reader gets names it.
    for path in (f"{API}/releases?limit=100", API, VERSION, GROUPS, f"{API}/sites", f"{API}/sites/initech/releases"):
        response = server.get(path)
        assert response.status_code == 200, path
        assert draft["version"] not in response.text, path


# MARK: - A committed write is seen by the next read (SPEC §6.1)


def test_parallel_writers_then_immediate_reads(server, store):
    environment = new_environment(server)
    failures = []
    lock = threading.Lock()

    def writer(n):
        session = requests.Session()
        headers = {"Authorization": f"Bearer {store.keys['write']}"}
        for i in range(10):
            version = f"0.{n + 100}.{i}-w{unique()}"
            created = session.post(server.url(f"{API}/releases"), headers=headers, timeout=30, json={
                "component": "cli", "version": version, "status": "published", "published_at": "2001-01-01T00:00:00Z"})
            if created.status_code != 201:
                with lock:
                    failures.append(("create", version, created.status_code, created.text[:200]))
                continue
            # Another connection, right after the answer.
            read = requests.get(server.url(release_path("cli", version)), timeout=30)
            if read.status_code != 200:
                with lock:
                    failures.append(("read", version, read.status_code, read.text[:200]))
            deployed = session.post(server.url(f"{API}/environments/{environment}/deployments"), headers=headers, timeout=30,
                                    json={"component": "cli", "version": version, "status": "success"})
            if deployed.status_code != 201:
                with lock:
                    failures.append(("deploy", version, deployed.status_code, deployed.text[:200]))
                continue
            listed = requests.get(server.url(f"{API}/environments/{environment}/deployments"), timeout=30,
                                  params={"component": "cli", "limit": 100}).json()["items"]
            if not any(item["version"] == version for item in listed):
                with lock:
                    failures.append(("list", version, 200, "the new deployment is missing"))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [], failures[:5]


# MARK: - Idempotency-Key (SPEC §6.1)


def post(server, path, body, key, idempotency_key=None, raw=None):
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key is not None else {}
    if raw is not None:
        headers["Content-Type"] = "application/json"
        return server.request("POST", path, key, headers=headers, data=raw)
    return server.request("POST", path, key, headers=headers, json=body)


def test_a_repeated_post_gets_the_first_answer_and_changes_nothing(server, store):
    environment = new_environment(server)
    path = f"{API}/environments/{environment}/deployments"
    body = {"component": "api", "version": "v1.10.2", "status": "success", "host": "api-1"}
    key = str(uuid.uuid4())
    first = post(server, path, body, store.keys["write"], key)
    assert first.status_code == 201, first.text
    again = post(server, path, body, store.keys["write"], key)
    assert again.status_code == 201 and again.content == first.content
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(deployments(server, environment, "api")) == 1
    # The same JSON spaced and ordered otherwise (another client library's retry) is the same request.
    respaced = '{ "host" : "api-1",\n  "status": "success", "version": "v1.10.2", "component": "api" }'
    replayed = post(server, path, None, store.keys["write"], key, raw=respaced)
    assert replayed.status_code == 201 and replayed.content == first.content, replayed.text
    assert replayed.headers.get("Idempotent-Replayed") == "true"
    assert len(deployments(server, environment, "api")) == 1

    # The same key with another body is refused, naming the header; nothing is recorded.
    other = post(server, path, {**body, "host": "api-2"}, store.keys["write"], key)
    assert_error(other, 422, "idempotency_key_reused", field="Idempotency-Key")
    assert len(deployments(server, environment, "api")) == 1

    # Keys belong to their caller: another key's request with the same Idempotency-Key is its own.
    mine = post(server, path, body, store.keys["admin"], key)
    assert mine.status_code == 201 and "Idempotent-Replayed" not in mine.headers
    assert len(deployments(server, environment, "api")) == 2

    # Without the header, every POST acts.
    post(server, path, body, store.keys["write"])
    assert len(deployments(server, environment, "api")) == 3


def test_a_repeated_release_post_is_not_a_conflict(server, store):
    key = str(uuid.uuid4())
    body = {"component": "cli", "version": f"0.0.{unique()}", "status": "draft"}
    first = post(server, f"{API}/releases", body, store.keys["write"], key)
    assert first.status_code == 201
    again = post(server, f"{API}/releases", body, store.keys["write"], key)
    assert (again.status_code, again.content, again.headers["Location"]) == (201, first.content, first.headers["Location"])
    # Without the key, the same request is the conflict it always was.
    assert_error(post(server, f"{API}/releases", body, store.keys["write"]), 409, "conflict")


def test_failed_answers_are_not_kept(server, store):
    environment = new_environment(server)
    path = f"{API}/environments/{environment}/deployments"
    version = f"0.0.{unique()}"
    body = {"component": "cli", "version": version, "status": "success"}
    key = str(uuid.uuid4())
    failed = post(server, path, body, store.keys["write"], key)
    assert failed.status_code in (400, 404), failed.text  # the release does not exist yet
    created = server.admin("POST", f"{API}/releases", json={"component": "cli", "version": version, "status": "draft"})
    assert created.status_code == 201
    again = post(server, path, body, store.keys["write"], key)
    assert again.status_code == 201, "a request that failed may be sent again with its key"
    assert "Idempotent-Replayed" not in again.headers


def test_concurrent_requests_with_one_key_act_once(server, store):
    environment = new_environment(server)
    path = f"{API}/environments/{environment}/deployments"
    body = {"component": "api", "version": "v1.10.2", "status": "in_progress"}
    key = str(uuid.uuid4())
    answers = []

    def send():
        answers.append(post(server, path, body, store.keys["write"], key))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.content for answer in answers}) == 1
    assert len(deployments(server, environment, "api")) == 1


def test_invalid_idempotency_keys_are_refused(server, store):
    environment = new_environment(server)
    path = f"{API}/environments/{environment}/deployments"
    body = {"component": "api", "version": "v1.10.2", "status": "success"}
    for bad in ("", "x" * 256, "has space", "caf\u00e9"):
        response = server.request("POST", path, store.keys["write"], json=body,
                                  headers={"Idempotency-Key": bad.encode("utf-8")})
        assert_error(response, 400, "invalid_request", field="Idempotency-Key")
    assert deployments(server, environment, "api") == []


def test_idempotency_keys_survive_a_restart(tmp_path):
    store = Store(tmp_path / "restart")
    first_server = Server(store, "--rate-limit", "0")
    path = f"{API}/environments/production/deployments"
    body = {"component": "api", "version": "v1.10.2", "status": "success", "host": "restart"}
    key = str(uuid.uuid4())
    try:
        first = post(first_server, path, body, store.keys["write"], key)
        assert first.status_code == 201
    finally:
        assert first_server.stop() == 0
    second_server = Server(store, "--rate-limit", "0")
    try:
        again = post(second_server, path, body, store.keys["write"], key)
        assert (again.status_code, again.content) == (201, first.content)
        hosts = [item.get("host") for item in deployments(second_server, "production", "api")]
        assert hosts.count("restart") == 1
    finally:
        second_server.stop()


# MARK: - Numbers no double holds


def test_numbers_out_of_range_are_refused_naming_the_field(server, store):
    environment = new_environment(server)
    path = f"{API}/environments/{environment}/deployments"
    for number in ("1e999", "-1E400", "9" * 400):
        raw = ('{"component": "api", "version": "v1.10.2", "status": "success", "meta": {"build": {"size": %s}}}' % number).encode()
        response = post(server, path, None, store.keys["write"], raw=raw)
        body = assert_error(response, 400, field="meta.build.size")
        assert "out of range" in json.dumps(body)
    # Small and precise numbers are kept as they were sent.
    raw = b'{"component": "api", "version": "v1.10.2", "status": "success", "meta": {"tiny": 1e-300, "exact": 12345678901234567890}}'
    created = post(server, path, None, store.keys["write"], raw=raw)
    assert created.status_code == 201, created.text
    listed = server.get(f"{API}/environments/{environment}/deployments").text
    json.loads(listed, parse_constant=lambda name: (_ for _ in ()).throw(AssertionError(f"{name} in the answer")))
    assert deployments(server, environment, "api")[0]["meta"]["exact"] == 12345678901234567890


def test_a_data_file_with_an_out_of_range_number_exits_65(tmp_path):
    data = tmp_path / "data.json"
    data.write_text('{"page": {"id": "p", "title": "P"}, "components": [{"slug": "a"}], '
                    '"releases": [{"component": "a", "version": "1.0.0", "published_at": "2026-01-01T00:00:00Z"}], '
                    '"environments": [{"name": "prod"}], '
                    '"deployments": [{"component": "a", "version": "1.0.0", "environment": "prod", "status": "success", "meta": {"n": 1e999}}]}',
                    encoding="utf-8")
    result = cli("check", "--data", data, check=False)
    assert result.returncode == 65, result.stderr
    assert "out of range" in result.stderr and "deployments[0].meta.n" in result.stderr, result.stderr
