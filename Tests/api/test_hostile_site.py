"""Hostile requests against the static site of `shiplog serve --site` (SPEC §6.2): a private page's
site answers nothing without its key, a path never redirects to another host, the site folder never
leads out of itself and may not hold the store, and a missing file answers the theme's 404 page.

    python3 -m pytest -q Tests/api/test_hostile_site.py
"""
import os
import subprocess

import pytest

from test_api import API, BINARY, PAGE, ROOT, Server, Store, cli, raw_request
from stores import POSTGRES


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return Store(tmp_path_factory.mktemp("hostile-site"))


# MARK: - A private page's static site


@pytest.fixture(scope="module")
def private_site(store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("private") / "public"
    running = Server(store, "--site", folder, "--page", "secret", "--rate-limit", "0")
    running.folder = folder
    yield running
    assert running.stop() == 0


def site_paths(folder):
    """Every file of the built site as a request path, directories' index.html as `dir/`."""
    paths = []
    for directory, _, files in os.walk(folder):
        for name in files:
            relative = os.path.relpath(os.path.join(directory, name), folder).replace(os.sep, "/")
            paths.append("/" + relative)
            if name == "index.html":
                paths.append("/" + relative[: -len("index.html")])
    return sorted(paths)


def test_private_site_answers_nothing_without_its_key(private_site, store):
    paths = site_paths(private_site.folder)
    for needed in ("/index.html", "/version.json", "/feed.json", "/atom.xml", "/components/app/latest.json", "/"):
        assert needed in paths, paths
    for path in paths + ["/nope", "/components/app", "//components", "/components/app/9.9.9/"]:
        for method in ("GET", "HEAD"):
            for key in (None, store.keys["wrong"]):
                response = private_site.request(method, path, key, allow_redirects=False)
                assert response.status_code == 401, (method, path, key, response.status_code)
                assert "Secret" not in response.text and "1.0.0" not in response.text
            response = private_site.request(method, path, store.keys["read"], allow_redirects=False)
            assert response.status_code == 404, (method, path, "another page's key")


@pytest.mark.parametrize("how", ["bearer", "bare", "query"])
def test_private_site_is_served_with_a_key_of_the_page(private_site, store, how):
    key = store.keys["secret"]
    for path in ("/", "/index.html", "/version.json", "/feed.json", "/components/app/latest.json"):
        response = private_site.request("GET", path, key, how=how)
        assert response.status_code == 200, (path, response.status_code)
        assert response.headers["Cache-Control"].startswith("private"), "never in shared caches"
    assert private_site.request("GET", "/version.json", key, how=how).json()["latest"][0]["version"] == "1.0.0"


# MARK: - Redirects, symlinks, 404


@pytest.fixture(scope="module")
def public_site(store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("public") / "public"
    running = Server(store, "--site", folder, "--page", PAGE, "--rate-limit", "0")
    running.folder = folder
    yield running
    assert running.stop() == 0


@pytest.mark.parametrize("path", [
    "//components", "///components", "//components/api", "/components//api", "//%5Ccomponents", "/%5C/components",
    "//127.0.0.2/components", "//example.com/../components",
])
def test_a_path_never_redirects_to_another_host(public_site, path):
    status, head, _ = raw_request(public_site, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert status is not None and status < 500, (path, status)
    for line in head.split("\r\n"):
        if line.lower().startswith("location:"):
            location = line.split(":", 1)[1].strip()
            assert location.startswith("/") and not location.startswith("//") and not location.startswith("/\\"), location


def test_a_directory_without_its_slash_redirects_on_this_host(public_site):
    status, head, _ = raw_request(public_site, b"GET //components HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 301 and "\r\nLocation: /components/\r\n" in head + "\r\n", head


def test_symlinks_out_of_the_site_are_not_followed(public_site, store):
    folder = public_site.folder
    outside = folder.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "index.html").write_text("outside the site")
    links = {"passwd": "/etc/passwd", "elsewhere": outside}
    if not POSTGRES:  # links to the SQLite file of the store
        links.update({"store.db": store.db, "up.db": os.path.relpath(store.db, folder)})
    for name, target in links.items():
        os.symlink(target, folder / name)
    os.symlink("version.json", folder / "inside.json")
    try:
        for path in ("/store.db", "/passwd", "/elsewhere/", "/elsewhere/index.html", "/up.db"):
            response = public_site.get(path)
            assert response.status_code == 404, path
            assert b"SQLite format 3" not in response.content and b"root:" not in response.content
            assert b"outside the site" not in response.content
        assert public_site.get("/inside.json").json() == public_site.get("/version.json").json()
        # The store still takes writes (the link did not hand its file to a reader).
        assert public_site.admin("POST", f"{API}/releases", json={"component": "cli", "version": "0.0.9002", "status": "draft"}).status_code == 201
    finally:
        for name in [*links, "inside.json"]:
            (folder / name).unlink(missing_ok=True)


def test_a_site_folder_that_holds_the_store_is_refused(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    cli("import", "--db", site / "store.db", ROOT / "site" / "data.json")
    os.symlink(site, tmp_path / "linked")
    for arguments in (["--db", site / "store.db", "--site", site],
                      ["--db", site / "store.db", "--site", tmp_path / "linked"],
                      ["--db", tmp_path / "linked" / "store.db", "--site", site / "." ],
                      ["--db", site / "store.db", "--site", tmp_path]):
        result = subprocess.run([str(BINARY), "serve", "--port", "0", "--page", PAGE, *map(str, arguments)],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 64, (arguments, result.returncode, result.stderr)
        assert "holds the store" in result.stderr and "--site" in result.stderr
    assert not (site / "index.html").exists(), "nothing was built into a folder holding the store"


def test_a_missing_static_file_answers_the_themes_404_page(public_site):
    response = public_site.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text == (public_site.folder / "404.html").read_text()
    head = public_site.request("HEAD", "/no/such/page")
    assert head.status_code == 404 and head.content == b""
    # API paths keep their JSON errors.
    assert public_site.get(f"{API}/nope").headers["Content-Type"].startswith("application/json")


def test_site_files_are_served_with_their_media_types(public_site):
    types = {"/": "text/html", "/atom.xml": "application/atom+xml", "/components/api/atom.xml": "application/atom+xml",
             "/feed.json": "application/json", "/version.json": "application/json",
             "/components/api/latest.json": "application/json", "/sitemap.xml": "application/xml",
             "/components/api/badge.svg": "image/svg+xml"}
    for path, media_type in types.items():
        response = public_site.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"].split(";")[0] == media_type, (path, response.headers["Content-Type"])


def test_a_site_folder_that_cannot_be_built_stops_serve_as_build_would(store, tmp_path):
    """SPEC §5: 74 for I/O, 65 for bad data (a broken template override), as `shiplog build` exits."""
    a_file = tmp_path / "site.txt"
    a_file.write_text("not a folder")
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "index.mustache").write_text("{{#never-closed}}")
    for arguments, status, message in (
        (["--site", a_file], 74, "exists and is not a directory"),
        (["--site", tmp_path / "public", "--templates", broken], 65, "is never closed"),
    ):
        result = subprocess.run(
            [str(BINARY), "serve", "--db", str(store.db), "--port", "0", "--page", PAGE, *map(str, arguments)],
            capture_output=True, text=True, timeout=30,
        )
        assert result.returncode == status, (arguments, result.returncode, result.stderr)
        assert message in result.stderr, result.stderr
    assert a_file.read_text() == "not a folder"


# MARK: - The dialects beside the site


@pytest.mark.parametrize("path", [
    "/releasepilot/api/v1/projects/nimbus/products/cli/releases",
    "/aviator/api/releases/api/environments/production/deployments",
    "/releasebits/components/cli/deployments/",
    f"/apps/v1/orgs/acme/workspaces/{PAGE}/apps/cli/releases",
])
def test_the_dialects_gets_are_answered_beside_the_site(public_site, store, path):
    """`serve --site` answers the site's files, but a dialect's GET (SPEC §7) is its route, not a missing file."""
    response = public_site.get(path, store.keys["read"])
    assert response.status_code == 200, (path, response.status_code, response.text[:200])
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
