"""The app-releases document's own examples (seed `004_…`), sent as it shows them: its eight
`curl` requests with only the base URL (`https://loading/v1/orgs/string/workspaces/string/apps/string`
→ this server's page and app) and a key added, in an order that lets each one succeed, each answer
checked for the documented status, members and their types.

    python3 -m pytest -q Tests/api/test_dialect_apps_seed.py
"""
from test_api import PAGE  # noqa: F401
from test_dialect_apps import FULL, SUMMARY

# The document's base, with org "string" as it shows it and the example's page and app.
BASE = f"/apps/v1/orgs/string/workspaces/{PAGE}/apps/api/releases"


def send(server, method, path="", **kwargs):
    """One request of the document: `curl -X METHOD "…/releases{path}"` (with its body, if any)."""
    return server.request(method, BASE + path, server.store.keys["write"], **kwargs)


def assert_types(body, **types):
    for name, kind in types.items():
        assert isinstance(body[name], kind), (name, body)


def test_the_documents_eight_requests(fresh):
    # Create a new release: -d '{ "release_tag": "string" }' → the full release object.
    created = send(fresh, "POST", json={"release_tag": "string"})
    assert created.status_code == 201, created.text
    release = created.json()
    assert set(release) == FULL and release["org_id"] == "string"
    assert release["status"] == "draft" and release["release_tag"] == "string"
    assert_types(release, release_id=str, release_number=int, endpoints=list, augmentations=list)
    identifier = release["release_id"]

    # List releases → {total, has_more, next_cursor, releases: [summary…], active_release_id}.
    listed = send(fresh, "GET")
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert set(body) == {"total", "has_more", "next_cursor", "releases", "active_release_id"}
    assert_types(body, total=int, has_more=bool, releases=list, active_release_id=str)
    assert all(set(item) == SUMMARY for item in body["releases"])
    assert identifier in [item["release_id"] for item in body["releases"]], "drafts are listed (not archived)"

    # Get release details.
    details = send(fresh, "GET", f"/{identifier}")
    assert details.status_code == 200 and details.json() == release

    # Activate a release → {message, release, previous_active_release_id}.
    activated = send(fresh, "POST", f"/{identifier}/activate")
    assert activated.status_code == 200, activated.text
    answer = activated.json()
    assert set(answer) == {"message", "release", "previous_active_release_id"}
    assert_types(answer, message=str, previous_active_release_id=str)
    assert answer["release"]["release_id"] == identifier and answer["release"]["status"] == "active"
    previous = answer["previous_active_release_id"]

    # Get active release → the full object of what was just activated.
    active = send(fresh, "GET", "/active")
    assert active.status_code == 200, active.text
    assert set(active.json()) == FULL and active.json()["release_id"] == identifier
    assert active.json()["status"] == "active" and isinstance(active.json()["activated_at"], str)

    # Archive a release → the release, archived.
    archived = send(fresh, "POST", f"/{identifier}/archive")
    assert archived.status_code == 200, archived.text
    assert archived.json()["status"] == "archived" and set(archived.json()) >= SUMMARY

    # Rollback to a release: one older than the active one (the automatic latest again).
    everything = send(fresh, "GET", params={"include_archived": "true", "limit": 200}).json()["releases"]
    older = [item for item in everything if item["release_tag"] == "v1.9.1"][0]
    rolled = send(fresh, "POST", f"/{older['release_id']}/rollback")
    assert rolled.status_code == 200, rolled.text
    assert set(rolled.json()) == {"message", "release", "previous_active_release_id"}
    assert rolled.json()["release"]["release_tag"] == "v1.9.1" and rolled.json()["previous_active_release_id"] == previous

    # Delete a release → {}.
    deleted = send(fresh, "DELETE", f"/{identifier}")
    assert deleted.status_code == 200 and deleted.json() == {}
    assert send(fresh, "GET", f"/{identifier}").status_code == 404
