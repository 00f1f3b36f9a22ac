"""Every kind of page of the example site, in every look a reader can get (light, dark, phone).

Shared by the accessibility tests (Tests/browser/test_accessibility*.py) and the screenshot script
(bench/screenshots): both build the example site (site/data.json) with the debug `shiplog` binary
(or SHIPLOG_BIN), serve it on loopback and visit one page of each kind in each mode.

The kinds are found in the built site, not listed by hand, so a page added to the theme is covered
without touching this file: every `.html` file the build wrote is a page, and pages with the same
path shape (the first folder kept, the folders below it as `*`) and the same set of element classes
are one kind. The data is the example site's with a few additions, so that every part of the
theme shows up somewhere: drafts (`--drafts`), a frozen environment, the e-mail subscription form
(`page.server_url`), downloads with checksums and signatures, and a component with more releases
than any list shows on one page.
"""
import functools
import html.parser
import http.server
import json
import pathlib
import subprocess
import threading

import browsing
from browsing import BINARY, ROOT
EXAMPLE = ROOT / "site" / "data.json"
# The theme under test is this checkout's, whatever default the binary has.
THEME = ROOT / "templates"

# The ways a reader sees a page: (name, prefers-color-scheme, viewport width or None for desktop).
MODES = [("light", "light", None), ("dark", "dark", None), ("phone", "light", 390)]
DESKTOP = (1280, 900)
PHONE_HEIGHT = 844
MANY_RELEASES = 320  # GRDB has 315: more than any list page shows at once


def example_data(server_url=None, many=True):
    """The example site's data with the additions described above (`many`: the long component)."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    if server_url:
        data["page"]["server_url"] = server_url
    if data.get("environments"):
        data["environments"][-1]["frozen"] = True
    # Every part of a download: a bundle platform, each checksum, a signature.
    checksums = [{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
                 {"sha512": "7iaw3Ur350mqGo7jwQrpkj9hiYB3Lkc/iBml1JQODbJ6wYX4oOHV+E+IvIh/1nsUNzLDBMxfqa2Ob1f1ACio/w=="},
                 {"sha1": "da39a3ee5e6b4b0d3255bfef95601890afd80709", "signature": "dW50cnVzdGVkIGNvbW1lbnQ6IHNpZ25hdHVyZQ=="}]
    for release in data["releases"]:
        for asset, extra in zip(release.get("assets", []), checksums):
            asset.update(extra)
            if asset.get("platform") == "linux-x86_64":
                asset["platform"] = "linux-x86_64-appimage"
    if not many:
        return data
    data["components"].append({"slug": "sdk", "name": "Nimbus SDK", "repo": "nimbus/sdk",
                               "description": "Client library with a long release history."})
    for index in range(MANY_RELEASES):
        major, minor, patch = index // 100, (index // 10) % 10, index % 10
        day = 1 + index % 28
        month = 1 + (index // 28) % 12
        data["releases"].append({
            "component": "sdk", "version": f"{major}.{minor}.{patch}",
            "published_at": f"{2018 + index // 336}-{month:02d}-{day:02d}T09:00:00Z",
            "notes": f"- Fixed issue {index + 1}"})
    return data


def build(work, server_url=None, binary=BINARY):
    """Builds the example site into `work`/public and returns that folder."""
    work = pathlib.Path(work)
    work.mkdir(parents=True, exist_ok=True)
    source = work / "data.json"
    source.write_text(json.dumps(example_data(server_url)), encoding="utf-8")
    out = work / "public"
    subprocess.run([binary, "build", "--drafts", "--data", str(source), "--out", str(out), "--templates", str(THEME)],
                   check=True, capture_output=True)
    return out


class StaticServer:
    """The built folder over HTTP on 127.0.0.1 (a free port), in a thread of this process."""

    def __init__(self, directory):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _Classes(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.classes = set()

    def handle_starttag(self, tag, attrs):
        self.classes.add(tag)
        for name, value in attrs:
            if name == "class" and value:
                self.classes.update(f"{tag}.{word}" for word in value.split())


def shape(relative):
    """`components/api/v1.2.0/index.html` → `components/*/*/index.html`."""
    parts = relative.split("/")
    return "/".join(parts[:1] + ["*"] * (len(parts) - 2) + parts[-1:]) if len(parts) > 2 else relative


def page_kinds(out):
    """One page of each kind the build wrote: {kind name: site path}, in a stable order.

    A kind is a path shape plus the set of tags and classes of the page; of the pages of one
    kind the first in path order stands for all. The name is the shape, with a number when a
    shape has several kinds (`components/*/*/index.html#2`)."""
    out = pathlib.Path(out)
    found = {}
    for page in sorted(out.rglob("*.html"), key=lambda p: p.relative_to(out).as_posix()):
        relative = page.relative_to(out).as_posix()
        parser = _Classes()
        parser.feed(page.read_text(encoding="utf-8"))
        key = (shape(relative), frozenset(parser.classes))
        found.setdefault(key, relative)
    kinds, counts = {}, {}
    for (kind_shape, _), relative in sorted(found.items(), key=lambda item: (item[0][0], item[1])):
        counts[kind_shape] = counts.get(kind_shape, 0) + 1
        name = kind_shape if counts[kind_shape] == 1 else f"{kind_shape}#{counts[kind_shape]}"
        kinds[name] = relative.removesuffix("index.html")
    return kinds


def chrome(width=DESKTOP[0], height=DESKTOP[1]):
    """The browser of Tests/browser/browsing.py, without scrollbars and in sRGB, as the pictures want."""
    return browsing.chrome(width=width, height=height, arguments=("--hide-scrollbars", "--force-color-profile=srgb"))


def set_mode(driver, scheme, width):
    """Emulates the colour scheme and, for a phone, a 390 px wide touch screen."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    if width:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": PHONE_HEIGHT, "deviceScaleFactor": 2, "mobile": True})
    else:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def reset_mode(driver):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


AXE_INSTALL = "python3 -m pip install --ignore-requires-python 'axe-selenium-python==3.0.0'"


def axe_violations(driver):
    """axe-core's violations on the page in `driver` (every rule axe runs by default)."""
    try:
        from axe_selenium_python import Axe
    except ImportError:
        raise AssertionError(f"axe-selenium-python is not installed: {AXE_INSTALL}") from None
    axe = Axe(driver)
    axe.inject()
    version = driver.execute_script("return axe.version")
    # axe-core 3 (axe-selenium-python 2.x) reports <div> groups in <dl>, valid HTML, as errors.
    assert int(version.split(".")[0]) >= 4, f"axe-core {version} is too old: {AXE_INSTALL}"
    return axe.run()["violations"]


def report(where, violations):
    """A readable account of `violations` found at `where`: rule, impact, help and each element."""
    lines = []
    for violation in violations:
        lines.append(f"{where}: {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {' '.join(node['html'].split())[:160]}")
            lines.append(f"        {summary[:400]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


FOCUS_STATE = """
const e = document.activeElement;
if (!e || e === document.body || e === document.documentElement) return null;
window.__walk = window.__walk || [];
const seen = window.__walk.indexOf(e) >= 0;
window.__walk.push(e);
const s = getComputedStyle(e), r = e.getBoundingClientRect();
return {seen: seen, what: e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' "' +
          (e.textContent || e.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40) + '"',
        outline: [s.outlineStyle, s.outlineWidth, s.outlineColor].join(' '), width: parseFloat(s.outlineWidth),
        style: s.outlineStyle, color: s.outlineColor, shadow: s.boxShadow,
        onScreen: r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth};
"""

UNFOCUSED_STATES = """
document.activeElement.blur();
return window.__walk.map(e => { const s = getComputedStyle(e);
  return {outline: [s.outlineStyle, s.outlineWidth, s.outlineColor].join(' '), shadow: s.boxShadow}; });
"""


def focus_walk(driver, limit=500):
    """Presses Tab until focus leaves the page or comes back round; the state of each stop."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    stops = []
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        state = driver.execute_script(FOCUS_STATE)
        if state is None or state["seen"]:
            return stops
        stops.append(state)
    raise AssertionError(f"focus did not leave the page after {limit} Tab presses")


def focus_problems(driver, where):
    """Tabs through the loaded page: (the stops, a line for each stop without a visible focus
    indicator). Visible: on screen, and an outline of 2 px or more in a colour other than the
    page's, or a box shadow, that the element does not have unfocused."""
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    stops = focus_walk(driver)
    unfocused = driver.execute_script(UNFOCUSED_STATES)
    problems = []
    for stop, rest in zip(stops, unfocused):
        ring = stop["style"] != "none" and stop["width"] >= 2 and stop["color"] != background
        changed = (stop["outline"], stop["shadow"]) != (rest["outline"], rest["shadow"])
        if not (stop["onScreen"] and changed and (ring or stop["shadow"] != "none")):
            problems.append(f"{where} {stop['what']}: focused outline {stop['outline']!r} shadow {stop['shadow']!r}, "
                            f"unfocused outline {rest['outline']!r} shadow {rest['shadow']!r}, on screen {stop['onScreen']}")
    return stops, problems
