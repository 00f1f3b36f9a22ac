"""Names, titles and versions through the real `shiplog serve` (SPEC §6.2): control characters
(which break mail headers) and bidi controls (which make text read in another order than it is
stored) are refused with a 400 naming the field. Servers and helpers are those of `test_api.py`.

    python3 -m pytest -q Tests/api/test_text_rules.py
"""
import re

import pytest

from test_api import API, ROOT, assert_error, unique

BAD = ["\u0007", "\u001b[31m", "line\nbreak", "tab\there", "\u007f", "\u0085", "\u202a", "\u202e", "\u2066", "\u2069"]


def release(**fields):
    return {"component": "cli", "version": f"0.0.{unique()}", "status": "draft", **fields}


@pytest.mark.parametrize("text", BAD)
@pytest.mark.parametrize("field", ["title", "author", "tag", "code_name"])
def test_release_names_refuse_control_and_bidi_characters(server, field, text):
    response = server.admin("POST", f"{API}/releases", json=release(**{field: f"Evil {text} name"}))
    body = assert_error(response, 400, "invalid_request", field)
    assert any(("control character" in cause["error"]) for cause in body["causes"]), body


@pytest.mark.parametrize("text", ["\u202e", "\u2066", "\u202a"])
def test_versions_refuse_bidi_controls(server, text):
    body = release()
    body["version"] = f"1.0.0{text}"
    assert_error(server.admin("POST", f"{API}/releases", json=body), 400, "invalid_request", "version")


def test_asset_names_refuse_them(server):
    body = release(assets=[{"name": "app\u202egpj.exe"}])
    assert_error(server.admin("POST", f"{API}/releases", json=body), 400, "invalid_request", "assets[0].name")


@pytest.mark.parametrize("text", ["\u0007", "Api\r\nBcc: x@y.example", "\u202e"])
def test_component_names_refuse_them(server, text):
    response = server.admin("PUT", f"{API}/components/cli", json={"name": text})
    assert_error(response, 400, "invalid_request", "name")
    # Nothing changed.
    components = server.admin("GET", API).json()["components"]
    assert all(component.get("name") != text for component in components)


def test_group_titles_refuse_them(server):
    body = {"version": f"9{unique()}.0", "title": "Spring \u202eevil", "members": {}}
    assert_error(server.admin("POST", f"{API}/groups", json=body), 400, "invalid_request", "title")


def test_site_names_refuse_them(server):
    assert_error(server.admin("PUT", f"{API}/sites/evil-{unique()}", json={"name": "Globex\u0007"}), 400, "invalid_request", "name")
    assert_error(server.admin("PUT", f"{API}/sites/evil-{unique()}", json={"name": "Globex\u202e"}), 400, "invalid_request", "name")
    slug = f"evil-{unique()}"
    assert_error(server.admin("POST", f"{API}/sites", json={"slug": slug, "name": "Globex\u2066"}), 400, "invalid_request", "name")
    assert server.admin("POST", f"{API}/sites", json={"slug": slug, "name": "Globex"}).status_code == 201
    assert_error(server.admin("PATCH", f"{API}/sites/{slug}", json={"name": "Globex\u001b"}), 400, "invalid_request", "name")


def test_deployment_actors_refuse_them(server):
    server.admin("POST", f"{API}/environments", json={"name": "textrules"})
    body = {"component": "api", "version": "v1.10.2", "status": "success", "actor": "ci\u001b[2J"}
    assert_error(server.admin("POST", f"{API}/environments/textrules/deployments", json=body), 400, "invalid_request", "actor")


def test_other_text_is_kept(server):
    title = "Café ✨ שלום — «ok»"
    response = server.admin("POST", f"{API}/releases", json=release(title=title, notes="U+FFFE \ufffe is notes' business"))
    assert response.status_code == 201, response.text
    assert response.json()["title"] == title


@pytest.mark.parametrize("name", ["index.html", "latest.json", "feed.json", "atom.xml", "search.json", "appcast.xml",
                                  "badge.svg", "badge.json"])
def test_a_version_named_as_a_site_file_is_refused_and_openapi_says_so(server, name):
    # A version folder beside the component's own files (SPEC §9): the server refuses it, so the
    # OpenAPI pattern must not promise it (schemathesis sends what the pattern allows).
    yaml = pytest.importorskip("yaml")
    assert_error(server.admin("POST", f"{API}/releases", json=release(version=name)), 400, "invalid_request", "version")
    document = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    assert not re.match(document["components"]["schemas"]["Version"]["pattern"], name), name


@pytest.mark.parametrize("first,second", [
    ("caf\u00e9", "cafe\u0301"),  # é as one scalar, then as e + combining acute
    ("cafe\u0301", "caf\u00e9"),
    ("\u212a", "K"),  # KELVIN SIGN is canonically K
])
def test_a_canonically_equivalent_version_is_the_same_version(server, first, second):
    """Two spellings of one version (Unicode canonical equivalence) are one version: the second is the
    conflict a repeated version is, so each release stays reachable at its own URL."""
    n = unique()
    created = server.admin("POST", f"{API}/releases", json={"component": "cli", "version": f"0.0.{n}-{first}", "status": "draft"})
    assert created.status_code == 201, created.text
    again = server.admin("POST", f"{API}/releases", json={"component": "cli", "version": f"0.0.{n}-{second}", "status": "draft"})
    assert_error(again, 409, "conflict")
    found = server.admin("GET", f"{API}/components/cli/releases/0.0.{n}-{first}")
    assert found.status_code == 200 and found.json()["id"] == created.json()["id"], found.text


def test_a_canonically_equivalent_group_version_is_the_same_group(server):
    n = unique()
    group = {"title": "t", "published_at": "2026-01-01T00:00:00Z", "members": {}}
    created = server.admin("POST", f"{API}/groups", json={**group, "version": f"g{n}-caf\u00e9"})
    assert created.status_code == 201, created.text
    assert_error(server.admin("POST", f"{API}/groups", json={**group, "version": f"g{n}-cafe\u0301"}), 409, "conflict")
