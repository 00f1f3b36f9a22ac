"""The dynamic update endpoints (SPEC §9) through the real `shiplog serve`:

    GET /v1/pages/{p}/components/{c}/update/{target}/{arch}/{current_version}?channel=&bundle=   (Tauri)
    GET /v1/pages/{p}/components/{c}/squirrel/{platform}/{current_version}?channel=             (Squirrel.Mac)

200 with the update, 204 without a body when the caller is current (or ahead, or there is no file
for its platform), the version endpoint's ETag/304, CORS, Cache-Control and access rule, and an
answer that follows writes through the API at once. Answers are checked the way the updaters read
them (Tauri's RemoteRelease: SemVer version, RFC 3339 pub_date, url and signature strings).

    python3 -m pytest -q Tests/api/test_update_endpoints.py
"""
import datetime
import http.client
import json
import re
import urllib.parse

import pytest

from test_api import Server, assert_page_error, cli, create_key, new_db, stop_after

PLATFORMS = ["darwin-aarch64", "darwin-x86_64", "windows-x86_64", "windows-x86_64-msi", "windows-x86_64-nsis",
             "linux-x86_64-appimage", "linux-x86_64-deb"]


def assets(version, platforms=PLATFORMS, signed=True):
    made = [{"name": f"desk-{version}-{platform}.bin", "url": f"https://dl.acme.example/{version}/{platform}/desk.bin",
             "platform": platform, **({"signature": f"sig/{version}/{platform}"} if signed else {})}
            for platform in platforms]
    # What Squirrel.Mac installs: a zip per architecture, unsigned (Squirrel checks the app's code signature).
    made += [{"name": f"desk-{version}-{arch}.zip", "url": f"https://dl.acme.example/{version}/{arch}/desk.zip",
              "platform": f"darwin-{arch}"} for arch in ("aarch64", "x86_64") if f"darwin-{arch}" in platforms]
    return made


def release(version, day, channel=None, **extra):
    body = {"component": "desk", "version": version, "published_at": f"2026-03-{day:02d}T10:00:00Z",
            "notes": f"### Changed\n- all of {version}", "assets": assets(version.lstrip("v")), **extra}
    if channel:
        body["channel"] = channel
    return body


# One release per channel, each higher than the more stable ones, so every channel has its own answer.
RELEASES = [
    release("v1.0.0", 1, assets=assets("1.0.0") + assets("1.0.0", ["windows-aarch64", "linux-aarch64"])),
    {**release("v1.0.1", 2), "assets": assets("1.0.1") + assets("1.0.1", ["linux-aarch64"], signed=False)},
    release("v1.1.0-rc.1", 3),
    release("v1.2.0-beta.1", 4),
    release("v1.2.5-nightly.1", 5),
    release("v1.3.0-alpha.1", 6),
    release("v1.4.0-beta.9", 7, status="draft"),
    release("v1.5.0", 8, status="yanked"),
    release("v1.2.6-preview", 9, channel="canary"),
]
LATEST = {"stable": "1.0.1", "rc": "1.1.0-rc.1", "beta": "1.2.0-beta.1", "nightly": "1.2.5-nightly.1",
          "alpha": "1.3.0-alpha.1", "canary": "1.2.6-preview"}

DATA = {"page": {"id": "apps", "title": "Apps"},
        "components": [{"slug": "desk", "name": "Desk"}, {"slug": "bare", "name": "No releases"}],
        "releases": RELEASES}
VAULT = {"page": {"id": "vault", "title": "Vault", "public": False},
         "components": [{"slug": "desk"}], "releases": [release("2.0.0", 1)]}

TAURI = "/v1/pages/apps/components/desk/update"
SQUIRREL = "/v1/pages/apps/components/desk/squirrel"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
                    r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class UpdateStore:
    def __init__(self, directory):
        self.directory = directory
        self.db = new_db(directory)
        for name, data in (("apps", DATA), ("vault", VAULT)):
            path = directory / f"{name}.json"
            path.write_text(json.dumps(data), encoding="utf-8")
            cli("import", "--db", self.db, path)
        self.keys = {"admin": create_key(self.db, "apps", "admin")[0], "vault": create_key(self.db, "vault", "read")[0]}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from stop_after(Server(UpdateStore(tmp_path_factory.mktemp("updates")), "--rate-limit", "0"))


@pytest.fixture
def fresh(tmp_path):
    yield from stop_after(Server(UpdateStore(tmp_path), "--rate-limit", "0"), exit_status=None)


def tauri_release(response):
    """The answer as Tauri 2's RemoteRelease reads it (dynamic format): SemVer version without `v`,
    optional notes, pub_date RFC 3339 when present, url and signature required."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"version", "notes", "pub_date", "url", "signature"}, body
    assert SEMVER.match(body["version"]), body["version"]
    assert RFC3339.match(body["pub_date"]), body["pub_date"]
    datetime.datetime.fromisoformat(body["pub_date"].replace("Z", "+00:00"))
    assert isinstance(body["notes"], str)
    assert urllib.parse.urlsplit(body["url"]).scheme in ("http", "https")
    assert isinstance(body["signature"], str) and body["signature"]
    return body


def no_update(response):
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert "Content-Type" not in response.headers
    return True


# MARK: - Tauri


@pytest.mark.parametrize("channel", list(LATEST))
def test_every_channel_offers_its_newest_release_to_older_callers_only(server, channel):
    newest = LATEST[channel]
    params = {} if channel == "stable" else {"channel": channel}
    body = tauri_release(server.get(f"{TAURI}/darwin/aarch64/0.9.0", params=params))
    assert body["version"] == newest
    assert body["url"] == f"https://dl.acme.example/{newest}/darwin-aarch64/desk.bin"
    assert body["signature"] == f"sig/{newest}/darwin-aarch64"
    assert body["notes"] == f"### Changed\n- all of v{newest}"
    assert tauri_release(server.get(f"{TAURI}/darwin/aarch64/1.0.0", params=params))["version"] == newest
    # Current (with or without `v`), and ahead: no update.
    for current in (newest, f"v{newest}", "9.0.0", "1.4.0"):
        assert no_update(server.get(f"{TAURI}/darwin/aarch64/{current}", params=params))


def test_stable_is_the_default_channel_and_never_offers_drafts_or_yanked(server):
    assert tauri_release(server.get(f"{TAURI}/linux/x86_64/1.0.0"))["version"] == "1.0.1"
    assert tauri_release(server.get(f"{TAURI}/linux/x86_64/1.0.0", params={"channel": "stable"}))["version"] == "1.0.1"
    # A channel nobody publishes on gets what is more stable than it (beside beta: rc and stable).
    assert tauri_release(server.get(f"{TAURI}/linux/x86_64/1.0.0", params={"channel": "edge"}))["version"] == "1.1.0-rc.1"
    assert no_update(server.get(f"{TAURI}/linux/x86_64/1.3.0"))


TARGETS = {
    ("darwin", "aarch64"): "darwin-aarch64",
    ("darwin", "x86_64"): "darwin-x86_64",
    ("windows", "x86_64"): "windows-x86_64",
    ("linux", "x86_64"): "linux-x86_64-appimage",  # no plain linux-x86_64: the first bundle
}


@pytest.mark.parametrize("target,arch", list(TARGETS))
def test_every_target_and_arch(server, target, arch):
    body = tauri_release(server.get(f"{TAURI}/{target}/{arch}/1.0.0"))
    assert body["url"] == f"https://dl.acme.example/1.0.1/{TARGETS[target, arch]}/desk.bin"
    assert no_update(server.get(f"{TAURI}/{target}/{arch}/1.0.1"))


def test_a_platform_only_older_releases_have(server):
    # windows-aarch64 is in 1.0.0 only; linux-aarch64's 1.0.1 file is unsigned, which Tauri cannot verify.
    for target, arch in (("windows", "aarch64"), ("linux", "aarch64")):
        assert tauri_release(server.get(f"{TAURI}/{target}/{arch}/0.9.0"))["version"] == "1.0.0"
        assert no_update(server.get(f"{TAURI}/{target}/{arch}/1.0.0"))
    for arch in ("i686", "armv7"):
        assert no_update(server.get(f"{TAURI}/linux/{arch}/0.1.0"))
        assert no_update(server.get(f"{TAURI}/windows/{arch}/0.1.0"))


def test_bundle_preference(server):
    def url(params, target="windows"):
        return tauri_release(server.get(f"{TAURI}/{target}/x86_64/1.0.0", params=params))["url"]
    assert url({}) == "https://dl.acme.example/1.0.1/windows-x86_64/desk.bin"
    assert url({"bundle": "msi"}) == "https://dl.acme.example/1.0.1/windows-x86_64-msi/desk.bin"
    assert url({"bundle": "nsis"}) == "https://dl.acme.example/1.0.1/windows-x86_64-nsis/desk.bin"
    assert url({"bundle": "zip"}) == "https://dl.acme.example/1.0.1/windows-x86_64/desk.bin"  # else the plain one
    assert url({"bundle": "deb"}, "linux") == "https://dl.acme.example/1.0.1/linux-x86_64-deb/desk.bin"
    # An rpm install is never offered the deb or the AppImage.
    assert no_update(server.get(f"{TAURI}/linux/x86_64/1.0.0", params={"bundle": "rpm"}))


def test_a_percent_encoded_build_suffix(server):
    # Tauri encodes `+` in {{current_version}}: build metadata is ignored for order.
    assert no_update(server.get(f"{TAURI}/darwin/aarch64/1.0.1%2Bbuild.7"))
    assert tauri_release(server.get(f"{TAURI}/darwin/aarch64/1.0.0%2Bbuild.7"))["version"] == "1.0.1"


# MARK: - Squirrel.Mac


@pytest.mark.parametrize("platform,arch", [("darwin-aarch64", "aarch64"), ("darwin-x86_64", "x86_64"), ("darwin", "x86_64"),
                                           ("osx", "x86_64"), ("mac", "x86_64"), ("macos", "x86_64")])
def test_squirrel_gets_the_zip(server, platform, arch):
    response = server.get(f"{SQUIRREL}/{platform}/1.0.0")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {"url": f"https://dl.acme.example/1.0.1/{arch}/desk.zip", "name": "v1.0.1",
                    "notes": "### Changed\n- all of v1.0.1", "pub_date": "2026-03-02T10:00:00Z"}
    # Squirrel.Mac's date format: yyyy-MM-dd'T'HH:mm:ssZZZZZ.
    datetime.datetime.strptime(body["pub_date"], "%Y-%m-%dT%H:%M:%S%z")
    assert no_update(server.get(f"{SQUIRREL}/{platform}/1.0.1"))
    assert no_update(server.get(f"{SQUIRREL}/{platform}/v2.0"))


@pytest.mark.parametrize("channel", list(LATEST))
def test_squirrel_channels(server, channel):
    response = server.get(f"{SQUIRREL}/darwin-aarch64/0.1", params={"channel": channel})
    assert response.status_code == 200 and response.json()["name"] == f"v{LATEST[channel]}"
    assert no_update(server.get(f"{SQUIRREL}/darwin-aarch64/{LATEST[channel]}", params={"channel": channel}))


# MARK: - HTTP: ETag, CORS, caching, access


@pytest.mark.parametrize("path", [f"{TAURI}/darwin/aarch64/1.0.0", f"{SQUIRREL}/darwin-aarch64/1.0.0"])
def test_etag_304_cors_and_cache_control(server, path):
    first = server.get(path, headers={"Origin": "https://app.example"})
    assert first.status_code == 200
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert "etag" in first.headers["Access-Control-Expose-Headers"].lower()
    assert first.headers["Cache-Control"] == "no-cache"
    assert first.headers["X-ReleasePage-Media-Type"] == "releasepage.v1"
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    for condition in (etag, f'"nope", W/{etag}', "*"):
        again = server.get(path, headers={"If-None-Match": condition, "Origin": "https://app.example"})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["ETag"] == etag and again.headers["Access-Control-Allow-Origin"] == "*"
    assert server.get(path, headers={"If-None-Match": '"nope"'}).status_code == 200
    # Another answer has another ETag.
    other = server.get(path.replace("1.0.0", "0.1.0"), params={"channel": "beta"})
    assert other.status_code == 200 and other.headers["ETag"] != etag
    current = server.get(path.replace("1.0.0", "1.0.1"), headers={"Origin": "https://app.example"})
    assert no_update(current) and current.headers["Access-Control-Allow-Origin"] == "*"
    assert current.headers["Cache-Control"] == "no-cache"


def test_private_page_follows_the_version_endpoint_rule(server):
    store = server.store
    for path in ("/v1/pages/vault/components/desk/update/darwin/aarch64/1.0.0",
                 "/v1/pages/vault/components/desk/squirrel/darwin/1.0.0"):
        assert_page_error(server.get(path), 403, "key-invalid")
        assert_page_error(server.get(path, "sk_this_key_does_not_exist_0123456789"), 403, "key-invalid")
        assert_page_error(server.get(path, store.keys["admin"]), 404, "not-found")  # a key of another page
        for how in ("bearer", "bare", "query"):
            answer = server.get(path, store.keys["vault"], how=how)
            assert answer.status_code == 200, answer.text
            assert answer.headers["Cache-Control"] == "private, no-cache"
            assert answer.json()["url"].startswith("https://dl.acme.example/2.0.0/")
        # Nothing of a private page leaks before the key is checked: not even a 400.
        assert_page_error(server.get(path.replace("1.0.0", "1..0")), 403, "key-invalid")
        assert_page_error(server.get(path.replace("/desk/", "/nothing/")), 403, "key-invalid")


def test_a_release_posted_through_the_api_changes_the_answer_at_once(fresh):
    admin = fresh.store.keys["admin"]
    assert no_update(fresh.get(f"{TAURI}/darwin/aarch64/1.0.1"))
    assert no_update(fresh.get(f"{SQUIRREL}/darwin-aarch64/1.0.1"))
    before = fresh.get(f"{TAURI}/darwin/aarch64/1.0.0").headers["ETag"]
    created = fresh.request("POST", "/api/v1/pages/apps/releases", admin, json=release("v1.0.2", 20))
    assert created.status_code == 201, created.text
    assert tauri_release(fresh.get(f"{TAURI}/darwin/aarch64/1.0.1"))["version"] == "1.0.2"
    assert fresh.get(f"{TAURI}/darwin/aarch64/1.0.0", headers={"If-None-Match": before}).status_code == 200
    assert fresh.get(f"{SQUIRREL}/darwin-aarch64/1.0.1").json()["name"] == "v1.0.2"
    # Yanked: offered no more.
    yank = fresh.request("POST", "/api/v1/pages/apps/components/desk/releases/v1.0.2/yank", admin)
    assert yank.status_code == 200, yank.text
    assert no_update(fresh.get(f"{TAURI}/darwin/aarch64/1.0.1"))
    # A draft is never offered; published, it is.
    created = fresh.request("POST", "/api/v1/pages/apps/releases", admin, json=release("v1.0.3", 21, status="draft"))
    assert created.status_code == 201, created.text
    assert no_update(fresh.get(f"{TAURI}/darwin/aarch64/1.0.1"))
    published = fresh.request("POST", "/api/v1/pages/apps/components/desk/releases/v1.0.3/publish", admin)
    assert published.status_code == 200, published.text
    assert tauri_release(fresh.get(f"{TAURI}/darwin/aarch64/1.0.1"))["version"] == "1.0.3"


# MARK: - Bad input


def raw_get(server, path):
    """A GET of `path` exactly as written (no client-side normalisation of `..` or encoding)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path,field", [
    (f"{TAURI}/darwin/aarch64/1..0", "current_version"),
    (f"{TAURI}/darwin/aarch64/%2e%2e", "current_version"),
    (f"{TAURI}/darwin/aarch64/1.0%01", "current_version"),
    (f"{TAURI}/darwin/aarch64/1.0%0a", "current_version"),
    (f"{TAURI}/darwin/aarch64/1.0%E2%80%AE", "current_version"),
    (f"{TAURI}/darwin/aarch64/{'9' * 5000}", "current_version"),
    (f"{TAURI}/darwin/aarch64/%ff", "current_version"),
    (f"{TAURI}/Darwin/aarch64/1.0.0", "target"),
    (f"{TAURI}/%2e%2e/aarch64/1.0.0", "target"),
    (f"{TAURI}/darwin/{'x' * 40}/1.0.0", "arch"),
    (f"{TAURI}/darwin/aarch64/1.0.0?channel=Beta", "channel"),
    (f"{TAURI}/darwin/aarch64/1.0.0?channel=%00", "channel"),
    (f"{TAURI}/darwin/aarch64/1.0.0?channel={'a' * 33}", "channel"),
    (f"{TAURI}/darwin/aarch64/1.0.0?bundle=a/b", "bundle"),
    (f"{SQUIRREL}/windows-x86_64/1.0.0", "platform"),
    (f"{SQUIRREL}/darwin-/1.0.0", "platform"),
    (f"{SQUIRREL}/darwin/1.0.0%00", "current_version"),
    (f"{SQUIRREL}/darwin/1.0.0?channel=-x", "channel"),
])
def test_bad_input_is_a_400_naming_it(server, path, field):
    response = server.get(path)
    assert_page_error(response, 400, "bad-request", field)


@pytest.mark.parametrize("path", [
    f"{TAURI}/darwin/aarch64/..",
    f"{TAURI}/darwin/aarch64/.",
    f"{TAURI}/../aarch64/1.0.0",
    f"{SQUIRREL}/darwin/..",
    f"{TAURI}/darwin/aarch64/1.0.0/..",
    f"{TAURI}/darwin/aarch64/1.0%2F0",
    f"{TAURI}/darwin/aarch64/1.0.0%00",
    f"{TAURI}/darwin/aarch64/{'%01' * 3000}",
])
def test_hostile_paths_are_refused_without_a_crash(server, path):
    status, content_type, body = raw_get(server, path)
    assert status in (400, 404), (status, body[:300])
    assert content_type.startswith("application/json"), content_type
    assert json.loads(body)["error"] in ("bad-request", "not-found")
    assert server.alive()


@pytest.mark.parametrize("path", [
    "/v1/pages/nope/components/desk/update/darwin/aarch64/1.0.0",
    "/v1/pages/NOPE/components/desk/update/darwin/aarch64/1.0.0",
    "/v1/pages/apps/components/nope/update/darwin/aarch64/1.0.0",
    "/v1/pages/apps/components/nope/squirrel/darwin/1.0.0",
    "/v1/pages/apps/components/desk/squirrel/darwin/1.0.0/extra",
])
def test_unknown_page_or_component_is_a_404(server, path):
    assert_page_error(server.get(path), 404, "not-found")


def test_a_component_without_releases_has_no_update(server):
    assert no_update(server.get("/v1/pages/apps/components/bare/update/darwin/aarch64/0.0.1"))
    assert no_update(server.get("/v1/pages/apps/components/bare/squirrel/darwin/0.0.1"))
