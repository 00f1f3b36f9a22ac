"""The home page leads with what changed, long components stay navigable, and every page has
its favicon, cards, feed links, print styles and visible keyboard focus (issue 15, "The page").

Builds a fixture site with the debug `shiplog` binary (or SHIPLOG_BIN), serves it on
loopback and reads it in headless Chromium, with and without JavaScript.
"""
import functools
import html.parser
import http.server
import os
import subprocess
import threading
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

os.environ.setdefault("SE_AVOID_STATS", "true")

from browsing import BINARY, ROOT, served_site
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}

NOTES = ("### Fixed\n- Sync no longer drops **edits** made offline ([#41](https://github.com/acme/sync/issues/41))\n"
         "- Faster start on large libraries\n\n### Added\n- Export to Markdown\n")


def many_releases():
    """315 releases of `sync` over majors 0 to 5, a release candidate above the latest."""
    releases = []
    for n in range(315):
        major, minor, patch = n // 60, (n // 10) % 6, n % 10
        releases.append({"component": "sync", "version": f"{major}.{minor}.{patch}",
                         "published_at": f"20{10 + n // 30:02d}-{n % 12 + 1:02d}-{n % 28 + 1:02d}T10:00:00Z",
                         "notes": f"Release {major}.{minor}.{patch}."})
    releases.append({"component": "sync", "version": "6.0.0-rc.1", "published_at": "2026-01-01T10:00:00Z",
                     "notes": "Candidate."})
    return releases


DATA = {
    "page": {"id": "acme", "title": "Acme releases", "base_url": "https://releases.acme.example/",
             "description": "What's new in Acme: the sync service, the web app, the desktop app and the CLI."},
    "components": [
        {"slug": "sync", "name": "Sync service", "repo": "acme/sync", "url": "https://github.com/acme/sync"},
        {"slug": "web", "name": "Web app"},
        {"slug": "desktop", "name": "Desktop app"},
        {"slug": "cli", "name": "Command line"},
        {"slug": "docs", "name": "Documentation"},
    ],
    "releases": many_releases() + [
        {"component": "web", "version": "3.0.0", "published_at": "2026-02-10T10:00:00Z", "title": "A new look",
         "notes": NOTES},
        {"component": "desktop", "version": "3.0.0", "published_at": "2026-02-09T10:00:00Z", "notes": NOTES},
        {"component": "cli", "version": "1.4.0", "published_at": "2026-02-08T10:00:00Z", "notes": NOTES},
    ],
    "groups": [{"version": "2026.2", "title": "Acme 2026.2", "notes": "Everything for the February launch.",
                "members": {"web": "3.0.0", "desktop": "3.0.0", "cli": "1.4.0"}}],
    "environments": [{"name": "production"}],
    "deployments": [{"component": "web", "version": "3.0.0", "environment": "production", "status": "success",
                     "started_at": "2026-02-11T10:00:00Z"}],
}


site = served_site(DATA, "page")


def top(driver, selector):
    return driver.execute_script("return document.querySelector(arguments[0]).getBoundingClientRect().top", selector)


def test_home_page_leads_with_what_changed(site, browser):
    browser.get(site["url"])
    changed = top(browser, "#changed-heading")
    assert changed < top(browser, "#components-heading") < top(browser, "#environments-heading")
    assert changed < top(browser, "#recent-heading")
    items = browser.find_elements(By.CSS_SELECTOR, ".latest-item")
    assert 1 <= len(items) <= 5
    first = items[0]
    assert first.find_element(By.CSS_SELECTOR, "h3 a").text == "A new look"
    excerpt = first.find_element(By.CSS_SELECTOR, ".excerpt").text
    assert excerpt.startswith("Fixed · Sync no longer drops edits made offline (#41)")
    assert "**" not in excerpt and "](" not in excerpt
    group = browser.find_element(By.CSS_SELECTOR, ".section--first .group--featured")
    assert "Acme 2026.2" in group.text and "Everything for the February launch." in group.text


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example site of the repository (site/data.json), as the README shows it."""
    out = tmp_path_factory.mktemp("example") / "public"
    subprocess.run([BINARY, "build", "--data", str(ROOT / "site" / "data.json"), "--out", str(out)], check=True,
                   capture_output=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/", "out": out}
    server.shutdown()


@pytest.mark.parametrize("which", ["site", "example"])
def test_a_release_s_notes_are_on_a_phone_s_first_screen(which, request, browser):
    site = request.getfixturevalue(which)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        browser.get(site["url"])
        assert browser.execute_script("return window.innerWidth") == 390
        bottom = browser.execute_script("return document.querySelector('.latest-item .excerpt').getBoundingClientRect().bottom")
        height = browser.execute_script("return window.innerHeight")
        assert 0 < bottom <= height, f"the first release's notes end at {bottom}px, below the first screen ({height}px)"
        overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_component_page_states_the_latest_version_and_lists_newest_first(site, browser):
    browser.get(site["url"] + "components/sync/")
    head = browser.find_element(By.CSS_SELECTOR, ".page-head").text
    assert "Latest version: 5.1.4" in head and "Pre-release: 6.0.0-rc.1" in head
    # SPEC §4: every release newest first; the pre-release above the latest stays above it.
    cards = browser.find_elements(By.CSS_SELECTOR, ".stack > .release .card__title a")
    assert [card.text for card in cards[:2]] == ["Sync service 6.0.0-rc.1", "Sync service 5.1.4"]


def test_every_release_of_a_long_component_is_a_link_away(site, browser):
    browser.get(site["url"] + "components/sync/")
    links = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "main a[href]")}
    versions = [release["version"] for release in DATA["releases"] if release["component"] == "sync"]
    missing = [v for v in versions if site["url"] + f"components/sync/{v}/" not in links]
    assert missing == []
    majors = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".major-nav a")]
    assert majors == ["5.x", "4.x", "3.x", "2.x", "1.x", "0.x"]
    # Full cards only for the newest few: the long tail is one line each.
    assert len(browser.find_elements(By.CSS_SELECTOR, ".stack > .release")) == 10


def test_the_long_component_works_without_javascript(site, no_script_browser):
    driver = no_script_browser
    driver.get("data:text/html,<title>off</title><script>document.title = 'on'</script>")
    assert driver.title == "off", "JavaScript is disabled in this browser"
    driver.get(site["url"])
    driver.find_element(By.CSS_SELECTOR, ".site-nav a[href$='components/sync/']").click()
    driver.find_element(By.LINK_TEXT, "0.x").click()
    assert driver.current_url.endswith("/components/sync/#major-0")
    driver.find_element(By.CSS_SELECTOR, "#major-0 ~ .rows a[href$='0.0.0/']").click()
    assert driver.current_url.endswith("/components/sync/0.0.0/")
    assert "Release 0.0.0." in driver.find_element(By.TAG_NAME, "main").text


class HeadParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.meta = [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta" and "property" in attrs:
            self.meta[attrs["property"]] = attrs.get("content")


def test_every_page_has_a_favicon_cards_and_feed_links(site):
    pages = sorted(site["out"].rglob("*.html"))
    assert len(pages) > 320
    for page in pages:
        parser = HeadParser()
        parser.feed(page.read_text(encoding="utf-8"))
        rels = {(link.get("rel"), link.get("type")) for link in parser.links}
        assert ("icon", "image/svg+xml") in rels, page
        assert ("alternate", "application/feed+json") in rels and ("alternate", "application/atom+xml") in rels, page
        assert parser.meta.get("og:title") and parser.meta.get("og:type") in ("website", "article"), page
        if page.name != "404.html":
            assert parser.meta.get("og:description"), page
            assert parser.meta.get("og:url", "").startswith("https://releases.acme.example/"), page


def test_favicon_and_feeds_are_served(site, browser):
    browser.get(site["url"] + "components/web/3.0.0/")
    for selector in ("link[rel=icon]", "link[rel=alternate][type='application/feed+json']",
                     "link[rel=alternate][type='application/atom+xml']"):
        href = browser.find_element(By.CSS_SELECTOR, selector).get_attribute("href")
        with urllib.request.urlopen(href) as response:
            assert response.status == 200
            body = response.read()
        if selector == "link[rel=icon]":
            assert body.lstrip().startswith(b"<svg")
    description = browser.find_element(By.CSS_SELECTOR, "meta[property='og:description']").get_attribute("content")
    assert description.startswith("Fixed · Sync no longer drops edits")
    assert browser.find_element(By.CSS_SELECTOR, "meta[property='og:type']").get_attribute("content") == "article"


def test_print_hides_the_chrome_and_shows_link_targets(site, browser):
    browser.get(site["url"] + "components/web/3.0.0/")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        display = browser.execute_script("return getComputedStyle(document.querySelector('.site-header')).display")
        assert display == "none"
        assert browser.execute_script("return getComputedStyle(document.querySelector('.site-footer')).display") == "none"
        after = browser.execute_script(
            "return getComputedStyle(document.querySelector('.prose a[href^=\"http\"]'), '::after').content")
        assert "github.com/acme/sync/issues/41" in after
        notes = browser.find_element(By.CSS_SELECTOR, ".prose")
        assert notes.is_displayed() and "Export to Markdown" in notes.text
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_keyboard_focus_is_visible(site, browser):
    browser.get(site["url"])
    body = browser.find_element(By.TAG_NAME, "body")
    for _ in range(4):
        body.send_keys(Keys.TAB)
        style = browser.execute_script(
            "const s = getComputedStyle(document.activeElement);"
            "return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth, document.activeElement.matches(':focus-visible')]")
        tag, outline, width, visible = style
        assert tag == "A" and visible, style
        assert outline != "none" and width != "0px", style
        body = browser.switch_to.active_element
