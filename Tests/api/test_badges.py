"""README badges (SPEC §9): `components/<slug>/badge.svg|json` and
`environments/<env>/<slug>/badge.svg|json`, as files of `shiplog build` and from `shiplog serve`
under `/v1/pages/{page}/…` (answered from the snapshot like the version endpoint: ETag and 304,
`Cache-Control`, CORS, the page's access rule). Stores, keys, servers and helpers are those of
`test_api.py`.

    python3 -m pytest -q Tests/api/test_badges.py
"""
import json
import re
import xml.etree.ElementTree as ElementTree

import pytest

from test_api import API, DATA, DATA_FILE, PAGE, assert_page_error, cli
from test_deployments import deploy

BADGES = f"/v1/pages/{PAGE}"
SVG = "{http://www.w3.org/2000/svg}"
SHIELDS_KEYS = ["schemaVersion", "label", "message", "color"]


def component_badge(component, file="badge.json"):
    return f"{BADGES}/components/{component}/{file}"


def environment_badge(environment, component, file="badge.json"):
    return f"{BADGES}/environments/{environment}/{component}/{file}"


def assert_endpoint_document(raw):
    """shields.io's endpoint document: exactly its four keys, in its order (shields refuses others)."""
    document = json.loads(raw)
    assert list(document) == SHIELDS_KEYS, document
    assert document["schemaVersion"] == 1
    assert all(isinstance(document[key], str) and document[key] for key in ("label", "message", "color"))
    return document


def svg_root(raw):
    root = ElementTree.fromstring(raw)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    # Nothing to fetch: no link, no script, no external font.
    assert not re.search(rb"href|<script|@import|url\((?!#)", raw), raw
    return root


# MARK: - From the server


@pytest.mark.parametrize("path", [component_badge("api"), environment_badge("production", "api")])
def test_a_badge_is_the_endpoint_document_and_an_svg(server, path):
    document = server.get(path)
    assert document.status_code == 200, document.text
    assert document.headers["Content-Type"].startswith("application/json")
    assert document.headers["Cache-Control"] == "no-cache"
    body = assert_endpoint_document(document.content)
    svg = server.get(path.replace("badge.json", "badge.svg"))
    assert svg.status_code == 200
    assert svg.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = svg_root(svg.content)
    assert root.get("aria-label") == f"{body['label']}: {body['message']}"


def test_the_component_badge_shows_the_latest_and_the_environment_badge_what_runs_there(server):
    assert assert_endpoint_document(server.get(component_badge("api")).content) == {
        "schemaVersion": 1, "label": "Nimbus API", "message": "v1.10.2", "color": "blue"}
    production = assert_endpoint_document(server.get(environment_badge("production", "web")).content)
    assert production["label"] == "production" and production["color"] == "blue"
    newest = max((d for d in DATA["deployments"]
                  if d["environment"] == "production" and d["component"] == "web" and d["status"] == "success"),
                 key=lambda d: d.get("finished_at") or d.get("started_at"))
    assert production["message"] == newest["version"]


def test_the_badges_etag_answers_304_until_it_changes(fresh):
    first = fresh.get(component_badge("api"))
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]+"', etag), etag
    again = fresh.get(component_badge("api"), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    svg_etag = fresh.get(component_badge("api", "badge.svg")).headers["ETag"]
    assert svg_etag != etag
    assert fresh.get(component_badge("api", "badge.svg"), headers={"If-None-Match": f"W/{svg_etag}"}).status_code == 304

    # A new latest release changes the badge at once.
    created = fresh.admin("POST", f"{API}/releases", json={
        "component": "api", "version": "v1.11.0", "published_at": "2026-11-01T10:00:00Z"})
    assert created.status_code == 201, created.text
    changed = fresh.get(component_badge("api"), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json()["message"] == "v1.11.0"
    assert "v1.11.0" in fresh.get(component_badge("api", "badge.svg")).text

    # A pre-release alone is orange; a deployment moves the environment's badge.
    fresh.admin("POST", f"{API}/releases", json={
        "component": "cli", "version": "9.0.0-rc.1", "published_at": "2026-11-02T10:00:00Z"})
    before = fresh.get(environment_badge("staging", "cli")).json()
    deploy(fresh, "staging", "cli", "9.0.0-rc.1", finished_at="2026-11-03T10:00:00Z")
    after = fresh.get(environment_badge("staging", "cli")).json()
    assert after != before
    assert after == {"schemaVersion": 1, "label": "staging", "message": "9.0.0-rc.1", "color": "orange"}


def test_a_component_without_a_deployment_there_reads_none(fresh):
    deployed = {(d["environment"], d["component"]) for d in DATA["deployments"] if d["status"] == "success"}
    missing = next((e["name"], c["slug"]) for e in DATA["environments"] for c in DATA["components"]
                   if (e["name"], c["slug"]) not in deployed)
    body = fresh.get(environment_badge(*missing)).json()
    assert body["message"] == "none" and body["color"] == "lightgrey"


def test_badges_answer_cors(server):
    response = server.get(component_badge("api", "badge.svg"), headers={"Origin": "https://app.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "etag" in response.headers.get("Access-Control-Expose-Headers", "").lower()


@pytest.mark.parametrize("path", [
    component_badge("no-such-component"),
    component_badge("no-such-component", "badge.svg"),
    environment_badge("no-such-environment", "api"),
    environment_badge("production", "no-such-component", "badge.svg"),
    "/v1/pages/no-such-page/components/api/badge.json",
    "/v1/pages/no-such-page/environments/production/api/badge.svg",
])
def test_unknown_names_are_404_json(server, path):
    response = server.get(path)
    assert response.headers["Content-Type"].startswith("application/json")
    assert_page_error(response, 404, "not-found")


def test_a_private_page_needs_a_key(server, store):
    for path in ("/v1/pages/secret/components/app/badge.json", "/v1/pages/secret/components/app/badge.svg"):
        assert_page_error(server.get(path), 403, "key-invalid")
        assert_page_error(server.get(path, store.keys["admin"]), 404, "not-found")  # a key of nimbus
        answer = server.get(path, store.keys["secret"])
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "private, no-cache"
    assert server.get("/v1/pages/secret/components/app/badge.json", store.keys["secret"]).json()["message"] == "1.0.0"


# MARK: - From the build


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    data["components"].append({"slug": "long", "name": "A component & a <long> name"})
    data["releases"].append({"component": "long", "version": "10.20.300-beta.12+build.7",
                             "published_at": "2026-01-01T00:00:00Z"})
    source = tmp_path_factory.mktemp("badges") / "data.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = source.parent / "public"
    cli("build", "--data", source, "--out", out)
    return out, data


def test_the_build_writes_a_badge_per_component_and_environment(built):
    out, data = built
    written = {p.relative_to(out).as_posix() for p in out.rglob("badge.*")}
    expected = {f"components/{c['slug']}/badge.{ext}" for c in data["components"] for ext in ("svg", "json")}
    expected |= {f"environments/{e['name']}/{c['slug']}/badge.{ext}"
                 for e in data["environments"] for c in data["components"] for ext in ("svg", "json")}
    assert written == expected


def test_the_built_badges_are_shields_documents_and_svgs_sized_to_their_text(built):
    out, data = built
    widths = {}
    for path in out.rglob("badge.json"):
        document = assert_endpoint_document(path.read_bytes())
        root = svg_root(path.with_suffix(".svg").read_bytes())
        assert root.get("aria-label") == f"{document['label']}: {document['message']}"
        widths[document["label"] + document["message"]] = int(root.get("width"))
    long = json.loads((out / "components/long/badge.json").read_text())
    assert long == {"schemaVersion": 1, "label": "A component & a <long> name", "message": "10.20.300-beta.12+build.7",
                    "color": "orange"}
    # The width grows with the text: the longest texts make the widest badges.
    assert widths[long["label"] + long["message"]] == max(widths.values())
    cli_badge = out / "components/cli/badge.svg"
    assert int(ElementTree.parse(cli_badge).getroot().get("width")) < widths[long["label"] + long["message"]]
    # The label is escaped in the SVG, never raw markup.
    assert b"A component &amp; a &lt;long&gt; name" in (out / "components/long/badge.svg").read_bytes()


def test_the_server_draws_the_same_badge_as_the_build(server, built):
    out, _ = built
    for path in ("components/api/badge.svg", "components/api/badge.json", "environments/production/web/badge.svg"):
        assert server.get(f"{BADGES}/{path}").content == (out / path).read_bytes(), path


def test_the_build_is_reproducible(built, tmp_path):
    out, data = built
    source = tmp_path / "data.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    cli("build", "--data", source, "--out", tmp_path / "again")
    for path in out.rglob("badge.*"):
        assert (tmp_path / "again" / path.relative_to(out)).read_bytes() == path.read_bytes()


def test_an_incremental_build_rewrites_the_badges_a_deployment_moves(tmp_path):
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    source = tmp_path / "data.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "public"
    cli("build", "--data", source, "--out", out)
    staging = out / "environments/staging/cli/badge.json"
    assert json.loads(staging.read_text())["message"] == "none"
    untouched = (out / "components/cli/badge.json").stat().st_mtime_ns

    data["deployments"].append({"component": "cli", "version": "v1.1.0", "environment": "staging",
                                "status": "success", "finished_at": "2026-06-01T00:00:00Z"})
    data["deployments"].append({"component": "cli", "version": "v1.1.0", "environment": "canary",
                                "status": "failure", "finished_at": "2026-06-01T00:00:00Z"})
    source.write_text(json.dumps(data), encoding="utf-8")
    cli("build", "--data", source, "--out", out)
    assert json.loads(staging.read_text()) == {"schemaVersion": 1, "label": "staging", "message": "v1.1.0", "color": "blue"}
    assert "v1.1.0" in (out / "environments/staging/cli/badge.svg").read_text()
    # An environment only a deployment names has badges too; a failed deployment shows nothing.
    assert json.loads((out / "environments/canary/cli/badge.json").read_text())["message"] == "none"
    assert (out / "components/cli/badge.json").stat().st_mtime_ns == untouched


@pytest.mark.parametrize("path", [
    component_badge("api"), component_badge("api", "badge.svg"), environment_badge("production", "web"),
    f"{BADGES}/version", f"{API}/releases",
])
def test_head_answers_what_get_answers_without_the_body(server, path):
    """RFC 9110 §9.3.2: link checkers and image proxies probe badges with HEAD."""
    get = server.get(path)
    head = server.request("HEAD", path)
    assert get.status_code == 200 and head.status_code == 200, (path, head.status_code)
    assert head.content == b""
    for name in ("Content-Type", "ETag", "Cache-Control"):
        assert head.headers.get(name) == get.headers.get(name), (path, name)
    assert head.headers.get("Content-Length") in (None, str(len(get.content)))
    if "ETag" in get.headers:
        assert server.request("HEAD", path, headers={"If-None-Match": get.headers["ETag"]}).status_code == 304
