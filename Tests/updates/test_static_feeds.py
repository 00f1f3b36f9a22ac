"""The static app update files of SPEC §9, each parsed the way its client parses it.

A site is built from releases on every platform and channel; then Sparkle's appcast is read
with ElementTree by namespace URI, Tauri's JSON with a checker as strict as Tauri's updater,
electron-updater's YAML with PyYAML, and Squirrel.Windows' RELEASES with Squirrel's own regex.
The binary is that of Tests/support/harness.py: SHIPLOG_BIN, else `.build/debug/shiplog`.
"""

import base64
import email.utils
import json
import re
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from harness import BINARY, cli  # noqa: E402

SPARKLE = "http://www.andymatuschak.org/xml-namespaces/sparkle"
SHA512 = base64.b64encode(bytes(range(64))).decode()
SHA1 = "0123456789abcdef0123456789ABCDEF01234567"
NOTES = "### Fixed\n- key: value # not a comment\n- \"quoted\" and 'single' ]]> done\n"
# Semantic Versioning 2.0.0's own regular expression.
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SQUIRREL_LINE = re.compile(r"^([0-9a-fA-F]{40})\s+(\S+)\s+(\d+)[\r]*$")
TAURI_TARGET = re.compile(r"^(darwin|linux|windows)-(x86_64|aarch64|i686|armv7)(-(appimage|deb|rpm|app|msi|nsis))?$")

# (version, channel or None, build or None, published_at)
RELEASES = [
    ("v1.0.0", None, "100", "2024-01-01T10:00:00Z"),
    ("v1.1.0", None, None, "2024-02-01T10:00:00Z"),
    ("v1.2.0-beta.1", None, None, "2024-03-01T10:00:00Z"),
    ("v1.2.0-rc.1", None, None, "2024-03-15T10:00:00Z"),
    ("v1.3.0-nightly.5", "nightly", None, "2024-04-01T10:00:00Z"),
    ("v2.0.0-alpha.1", None, None, "2024-05-01T10:00:00Z"),
]


def assets(version):
    url = f"https://dl.example/app/{version}/"
    return [
        {"name": "App.dmg", "url": url + "App.dmg", "platform": "darwin-aarch64", "signature": "ZWQ=" + version,
         "size": 1000, "minimum_system_version": "13.0"},
        {"name": "App-arm64-mac.zip", "url": url + "App-arm64-mac.zip", "platform": "darwin-aarch64-app",
         "signature": "dGF1cmk=" + version, "sha512": SHA512, "size": 1001},
        {"name": "App-mac.zip", "url": url + "App-mac.zip", "platform": "darwin-x86_64", "signature": "ZWQ=" + version,
         "sha512": SHA512, "size": 1002},
        {"name": f"App-{version.lstrip('v')}-full.nupkg", "url": url + f"App-{version.lstrip('v')}-full.nupkg",
         "platform": "windows-x86_64", "sha1": SHA1, "size": 1003},
        {"name": "App Setup.exe", "url": url + "App-Setup.exe", "platform": "windows-x86_64-nsis", "signature": "c2ln",
         "sha512": SHA512, "size": 1004},
        {"name": "App.msi", "url": url + "App.msi", "platform": "windows-aarch64-msi", "signature": "c2ln", "size": 1005},
        {"name": "App.AppImage", "url": url + "App.AppImage", "platform": "linux-x86_64-appimage", "signature": "c2ln",
         "sha512": SHA512, "size": 1006},
        {"name": "App.deb", "url": url + "App.deb", "platform": "linux-aarch64-deb", "signature": "c2ln",
         "sha512": SHA512, "size": 1007},
        {"name": "App.rpm", "url": url + "App.rpm", "platform": "linux-x86_64-rpm", "signature": "c2ln", "size": 1008},
    ]


def data_document():
    releases = []
    for version, channel, build, date in RELEASES:
        release = {"component": "app", "version": version, "published_at": date, "notes": NOTES, "assets": assets(version)}
        if channel:
            release["channel"] = channel
        if build:
            release["build"] = build
        releases.append(release)
    releases.append({"component": "app", "version": "v3.0.0", "published_at": "2024-06-01T10:00:00Z", "status": "draft",
                     "assets": assets("v3.0.0")})
    releases.append({"component": "api", "version": "1.0.0", "published_at": "2024-01-01T10:00:00Z"})
    releases.append({"component": "docs", "version": "1.0.0", "published_at": "2024-01-01T10:00:00Z",
                     "assets": [{"name": "manual.pdf", "url": "https://dl.example/manual.pdf", "size": 5}]})
    return {
        "page": {"id": "acme", "title": "Acme", "base_url": "https://releases.acme.example/", "feed_limit": 50},
        "components": [{"slug": "app", "name": "The App"}, {"slug": "api"}, {"slug": "docs"}],
        "releases": releases,
    }


def run(*args):
    assert BINARY.is_file(), f"no binary at {BINARY}; run `swift build` first"
    return cli(*args, check=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("updates")
    (folder / "data.json").write_text(json.dumps(data_document(), indent=1))
    result = run("build", "--data", str(folder / "data.json"), "--out", str(folder / "out"))
    assert result.returncode == 0, result.stderr
    return folder


def app(site, path):
    return site / "out" / "components" / "app" / path


def published():
    return {version.lstrip("v") for version, _, _, _ in RELEASES}


# Sparkle ----------------------------------------------------------------------------------------


def test_sparkle_reads_the_appcast_by_namespace(site):
    root = ET.parse(app(site, "appcast.xml")).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    # Every published release of every channel, never the draft, highest first.
    shorts = [item.findtext(f"{{{SPARKLE}}}shortVersionString") for item in items]
    assert shorts == ["2.0.0-alpha.1", "1.3.0-nightly.5", "1.2.0-rc.1", "1.2.0-beta.1", "1.1.0", "1.0.0"]
    for item in items:
        version = item.findtext(f"{{{SPARKLE}}}version")
        short = item.findtext(f"{{{SPARKLE}}}shortVersionString")
        assert version and "-" not in version, version
        assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        channel = item.findtext(f"{{{SPARKLE}}}channel")
        if "-" in short:
            assert channel and re.fullmatch(r"[a-zA-Z0-9._-]+", channel), short
        else:
            assert channel is None, short
        assert item.findtext(f"{{{SPARKLE}}}releaseNotesLink") == f"https://releases.acme.example/components/app/v{short}/"
        assert "key: value # not a comment" in item.findtext("description")
        assert item.findtext(f"{{{SPARKLE}}}minimumSystemVersion") == "13.0"
        enclosures = item.findall("enclosure")
        # One per darwin asset, none for Windows or Linux.
        assert [e.get("url").rsplit("/", 1)[1] for e in enclosures] == ["App.dmg", "App-arm64-mac.zip", "App-mac.zip"]
        for enclosure in enclosures:
            assert int(enclosure.get("length")) > 0
            assert enclosure.get(f"{{{SPARKLE}}}edSignature")
        assert enclosures[0].get("type") == "application/x-apple-diskimage"
        assert enclosures[1].get("type") == "application/zip"
    versions = {item.findtext(f"{{{SPARKLE}}}shortVersionString"): item.findtext(f"{{{SPARKLE}}}version") for item in items}
    assert versions["1.0.0"] == "100" and versions["1.2.0-beta.1"] == "1.2.0"
    assert email.utils.parsedate_to_datetime(items[-1].findtext("pubDate")) == datetime.fromisoformat("2024-01-01T10:00:00+00:00")


# Tauri ------------------------------------------------------------------------------------------


def check_tauri(document):
    """Tauri 2's updater: the whole file is refused when any part is wrong."""
    assert isinstance(document, dict)
    assert set(document) <= {"version", "notes", "pub_date", "platforms"} and "version" in document and "platforms" in document
    assert isinstance(document["version"], str) and SEMVER.match(document["version"]), document["version"]
    if "notes" in document:
        assert isinstance(document["notes"], str)
    if "pub_date" in document:
        assert isinstance(document["pub_date"], str) and RFC3339.match(document["pub_date"])
        datetime.fromisoformat(document["pub_date"].replace("Z", "+00:00"))
    platforms = document["platforms"]
    assert isinstance(platforms, dict) and platforms
    for target, entry in platforms.items():
        assert TAURI_TARGET.match(target), target
        assert isinstance(entry, dict) and set(entry) == {"url", "signature"}, entry
        assert isinstance(entry["url"], str) and re.match(r"^https?://\S+$", entry["url"])
        assert isinstance(entry["signature"], str) and entry["signature"]
    return document


def tauri(site, channel):
    return check_tauri(json.loads(app(site, f"tauri/{channel}.json").read_text()))


def test_tauri_files_per_channel(site):
    stable = tauri(site, "stable")
    assert stable["version"] == "1.1.0" and stable["pub_date"] == "2024-02-01T10:00:00Z" and stable["notes"] == NOTES
    assert app(site, "tauri/latest.json").read_bytes() == app(site, "tauri/stable.json").read_bytes()
    # Only signed assets, by their platform keys as given.
    assert set(stable["platforms"]) == {
        "darwin-aarch64", "darwin-aarch64-app", "darwin-x86_64", "windows-x86_64-nsis", "windows-aarch64-msi",
        "linux-x86_64-appimage", "linux-aarch64-deb", "linux-x86_64-rpm",
    }
    assert stable["platforms"]["darwin-aarch64-app"]["url"] == "https://dl.example/app/v1.1.0/App-arm64-mac.zip"
    # A beta app is offered the newer rc; a nightly one its own; alpha everything; stable never a pre-release.
    assert tauri(site, "beta")["version"] == "1.2.0-rc.1"
    assert tauri(site, "rc")["version"] == "1.2.0-rc.1"
    assert tauri(site, "nightly")["version"] == "1.3.0-nightly.5"
    assert tauri(site, "alpha")["version"] == "2.0.0-alpha.1"
    assert sorted(p.name for p in app(site, "tauri").iterdir()) == [
        "alpha.json", "beta.json", "latest.json", "nightly.json", "rc.json", "stable.json",
    ]


# electron-updater -------------------------------------------------------------------------------


def electron(site, name):
    document = yaml.safe_load(app(site, f"electron/{name}.yml").read_text())
    assert isinstance(document["version"], str) and SEMVER.match(document["version"])
    files = document["files"]
    assert files
    for file in files:
        assert isinstance(file["url"], str) and file["url"].startswith("https://")
        assert len(base64.b64decode(file["sha512"], validate=True)) == 64
        assert isinstance(file["size"], int)
    assert document["path"] == files[0]["url"] and document["sha512"] == files[0]["sha512"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", document["releaseDate"])
    assert document["releaseNotes"] == NOTES
    return document


def test_electron_files_per_channel_and_platform(site):
    names = sorted(p.stem for p in app(site, "electron").iterdir())
    expected = []
    for channel in ["alpha", "beta", "latest", "nightly", "rc"]:
        expected += [channel, channel + "-linux", channel + "-linux-arm64", channel + "-mac"]
    assert names == sorted(expected)
    latest = electron(site, "latest")
    assert latest["version"] == "1.1.0" and latest["releaseDate"] == "2024-02-01T10:00:00.000Z"
    assert [f["url"].rsplit("/", 1)[1] for f in latest["files"]] == ["App-Setup.exe"]
    mac = electron(site, "latest-mac")
    assert [f["url"].rsplit("/", 1)[1] for f in mac["files"]] == ["App-arm64-mac.zip", "App-mac.zip"]
    assert electron(site, "latest-linux")["files"][0]["url"].endswith("/App.AppImage")
    assert electron(site, "latest-linux-arm64")["files"][0]["url"].endswith("/App.deb")
    assert electron(site, "beta")["version"] == "1.2.0-rc.1"
    assert electron(site, "nightly-mac")["version"] == "1.3.0-nightly.5"
    for name in expected:
        document = electron(site, name)
        if name.startswith("latest"):
            assert "-" not in document["version"]


# Squirrel.Windows -------------------------------------------------------------------------------


def test_squirrel_releases_match_squirrels_regex(site):
    lines = app(site, "squirrel/RELEASES").read_text().splitlines()
    assert len(lines) == 2
    for line in lines:
        match = SQUIRREL_LINE.match(line)
        assert match, line
        assert match.group(1) == SHA1 and match.group(2).endswith("-full.nupkg") and int(match.group(3)) == 1003
    # Stable releases only, highest first.
    assert [line.split()[1].rsplit("/", 1)[1] for line in lines] == ["App-1.1.0-full.nupkg", "App-1.0.0-full.nupkg"]


# What gets no files -----------------------------------------------------------------------------


def test_components_without_usable_assets_get_no_update_files(site):
    for slug in ["api", "docs"]:
        folder = site / "out" / "components" / slug
        assert folder.is_dir()
        for name in ["appcast.xml", "tauri", "electron", "squirrel"]:
            assert not (folder / name).exists(), f"{slug}/{name}"


def test_rebuilds_are_byte_identical_and_keep_the_files(site, tmp_path):
    data = site / "data.json"
    fresh = run("build", "--data", str(data), "--out", str(tmp_path / "fresh"))
    assert fresh.returncode == 0, fresh.stderr
    # An incremental build reads unchanged releases only in summary: the files must stay.
    again = run("build", "--data", str(data), "--out", str(tmp_path / "fresh"))
    assert again.returncode == 0, again.stderr
    # The same data gives the same bytes, built anew or again.
    for name in ["appcast.xml", "tauri/beta.json", "tauri/latest.json", "electron/latest-mac.yml", "squirrel/RELEASES"]:
        assert (site / "out/components/app" / name).read_bytes() == (tmp_path / "fresh/components/app" / name).read_bytes(), name
    document = data_document()
    document["releases"][1]["notes"] = "Changed notes"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document, indent=1))
    incremental = run("build", "--data", str(changed), "--out", str(tmp_path / "fresh"))
    assert incremental.returncode == 0, incremental.stderr
    full = run("build", "--no-cache", "--data", str(changed), "--out", str(tmp_path / "full"))
    assert full.returncode == 0, full.stderr
    for base in [tmp_path / "fresh", tmp_path / "full"]:
        assert (base / "components/app/tauri/stable.json").is_file()
    for path in sorted((tmp_path / "full" / "components" / "app").rglob("*")):
        if path.is_file() and path.suffix in (".xml", ".json", ".yml", ""):
            relative = path.relative_to(tmp_path / "full")
            assert (tmp_path / "fresh" / relative).read_bytes() == path.read_bytes(), str(relative)
    assert json.loads((tmp_path / "full/components/app/tauri/stable.json").read_text())["notes"] == "Changed notes"


# Checks -----------------------------------------------------------------------------------------


def test_a_bad_platform_exits_65_naming_its_path(tmp_path):
    document = data_document()
    document["releases"][0]["assets"][0]["platform"] = "macos-arm64"
    (tmp_path / "data.json").write_text(json.dumps(document))
    for command in (["check"], ["build", "--out", str(tmp_path / "out")]):
        result = run(*command, "--data", str(tmp_path / "data.json"))
        assert result.returncode == 65, result.stderr
        assert re.search(r"releases\[0\]( \([^)]*\))?\.assets\[0\]\.platform: \"macos-arm64\" is not a known platform", result.stderr), result.stderr
    assert not (tmp_path / "out").exists()


def test_check_warns_of_assets_a_feed_cannot_use(tmp_path):
    document = data_document()
    first = document["releases"][0]["assets"]
    del first[0]["signature"]  # a darwin dmg without Sparkle's signature
    del first[3]["sha1"]  # a nupkg without a SHA-1
    del first[4]["sha512"]  # the NSIS installer without a SHA-512: no Windows file for electron-updater
    (tmp_path / "data.json").write_text(json.dumps(document))
    result = run("check", "--data", str(tmp_path / "data.json"))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "assets[" in line]
    prefix = "warning: " + str(tmp_path / "data.json") + ": releases[0]"
    assert f"{prefix}.assets[0]: no signature" in "\n".join(warnings)
    assert any(line.startswith(f"{prefix}.assets[3]: no sha1") for line in warnings), warnings
    assert any(line.startswith(f"{prefix}.assets[4]: no sha512") for line in warnings), warnings
    # The MSI has no SHA-512 either; the other releases have everything a feed needs.
    assert any(line.startswith(f"{prefix}.assets[5]: no sha512") for line in warnings), warnings
    assert len(warnings) == 4, warnings
    # FILE: JSON.PATH: message, the path a plain JSON path and the release named after the message
    assert all(line.endswith(" (release app v1.0.0)") for line in warnings), warnings


def test_a_rebuild_without_assets_removes_the_update_files(tmp_path):
    document = data_document()
    (tmp_path / "with.json").write_text(json.dumps(document))
    for release in document["releases"]:
        release.pop("assets", None)
    (tmp_path / "without.json").write_text(json.dumps(document))
    for name in ["with.json", "without.json"]:
        result = run("build", "--data", str(tmp_path / name), "--out", str(tmp_path / "out"))
        assert result.returncode == 0, result.stderr
        feeds = ["appcast.xml", "tauri", "electron", "squirrel"]
        present = [feed for feed in feeds if (tmp_path / "out/components/app" / feed).exists()]
        assert present == ([] if name == "without.json" else feeds)
