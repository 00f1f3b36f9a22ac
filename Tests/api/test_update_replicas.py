"""The dynamic update endpoints (SPEC §9) on two replicas of one PostgreSQL store (SPEC §8): a
release written through one changes the other's update answers within a second. Needs
SHIPLOG_TEST_POSTGRES_URL, as test_replicas.py (SHIPLOG_TEST_POSTGRES=skip leaves it out).

    bash Tests/support/postgres.sh python3 -m pytest -q Tests/api/test_update_replicas.py
"""
from test_replicas import API as REPLICA_API, release as replica_release, replicas, until  # noqa: F401  (fixtures are used by name)


def test_a_release_posted_to_one_replica_changes_the_others_update_answer_within_a_second(replicas):
    a, b = replicas
    path = "/v1/pages/acme/components/api/update/darwin/aarch64/1.0.0"
    squirrel = "/v1/pages/acme/components/api/squirrel/darwin/1.0.0"
    assert b.get(path).status_code == 204
    for version in ("1.1.0", "1.2.0"):
        body = replica_release(version, assets=[
            {"name": "a.tar.gz", "url": f"https://dl.acme.example/{version}/a.tar.gz", "platform": "darwin-aarch64", "signature": "s"},
            {"name": "a.zip", "url": f"https://dl.acme.example/{version}/a.zip", "platform": "darwin-aarch64"}])
        assert a.admin("POST", f"{REPLICA_API}/releases", json=body).status_code == 201
        until(lambda: b.get(path).status_code == 200 and b.get(path).json()["version"] == version, timeout=1)
        assert b.get(squirrel).json()["url"] == f"https://dl.acme.example/{version}/a.zip"
    assert a.admin("POST", f"{REPLICA_API}/components/api/releases/1.2.0/yank").status_code == 200
    until(lambda: b.get(path).json()["version"] == "1.1.0", timeout=1)
