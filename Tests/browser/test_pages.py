"""The built release page in a real browser (headless Chromium through Selenium).

Builds a fixture site with the debug `shiplog` binary (or SHIPLOG_BIN), serves it over
HTTP on loopback, and checks what a reader gets: navigation, badges, notes that never run
script, light and dark colours, and a layout that fits a phone.
"""
import re

import pytest
from selenium.webdriver.common.by import By

from browsing import acme_data, chrome, served_site

HOSTILE_NOTES = (
    "### Fixed\n"
    "- Search no longer times out (#12), thanks @octocat\n"
    "- <script>window.__pwned = 'script'</script>\n"
    "- <img src=x onerror=\"window.__pwned = 'img'\">\n"
    "- [click me](javascript:window.__pwned='link')\n"
)

DATA = acme_data(
    "Acme <releases>",
    [
        {"component": "api", "version": "v1.0.0", "published_at": "2024-01-02T10:00:00Z", "author": "ada",
         "notes": "### Added\n- First release"},
        {"component": "api", "version": "v1.1.0", "published_at": "2024-02-02T10:00:00Z", "author": "bob",
         "title": "<b>Bold</b> title", "notes": HOSTILE_NOTES},
        {"component": "api", "version": "v1.2.0", "published_at": "2024-03-02T10:00:00Z", "status": "yanked",
         "notes": "Broken build."},
        {"component": "api", "version": "v2.0.0-rc.1", "published_at": "2024-04-02T10:00:00Z",
         "notes": "Try it."},
        {"component": "web", "version": "3.0.0", "published_at": "2024-02-10T10:00:00Z", "notes": "New look."},
    ],
    groups=[{"version": "2024.1", "members": {"api": "v1.1.0", "web": "3.0.0"}}],
    deployments=[{"component": "api", "version": "v1.1.0", "environment": "production", "status": "success",
                  "started_at": "2024-02-03T10:00:00Z"}],
)


site = served_site(DATA, "browser")


@pytest.fixture(scope="module")
def browser():
    driver = chrome(console=True)
    yield driver
    driver.quit()


def severe_console_messages(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_index_shows_latest_versions_and_navigates_to_a_release(site, browser):
    browser.get(site["url"])
    assert browser.title == "Acme <releases>"
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "v1.1.0" in text and "3.0.0" in text
    browser.find_element(By.CSS_SELECTOR, "nav a[href$='components/api/']").click()
    assert browser.current_url.endswith("/components/api/")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Bold").click()
    assert browser.current_url.endswith("/components/api/v1.1.0/")
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "<b>Bold</b> title"  # shown as text, not markup
    assert severe_console_messages(browser) == []


def test_notes_never_run_script(site, browser):
    browser.get(site["url"] + "components/api/v1.1.0/")
    assert browser.execute_script("return window.__pwned === undefined")
    links = browser.find_elements(By.PARTIAL_LINK_TEXT, "click me")
    assert links, "the link text is kept"
    assert not (links[0].get_attribute("href") or "").lower().startswith("javascript")
    links[0].click()
    assert browser.execute_script("return window.__pwned === undefined")
    issue = browser.find_element(By.LINK_TEXT, "#12")
    assert issue.get_attribute("href") == "https://github.com/acme/api/issues/12"
    # The only script of a page is the theme's search (assets/search.js), never one from the notes.
    search_script = re.compile(r'<script src="[./]*assets/search\.js" defer></script>')
    for page in site["out"].rglob("*.html"):
        assert "<script" not in search_script.sub("", page.read_text(encoding="utf-8")).lower(), page


def test_badges_mark_yanked_and_prerelease(site, browser):
    browser.get(site["url"] + "components/api/v1.2.0/")
    assert "Yanked" in browser.find_element(By.TAG_NAME, "main").text
    browser.get(site["url"] + "components/api/v2.0.0-rc.1/")
    assert "Pre-release" in browser.find_element(By.TAG_NAME, "main").text


def background(driver):
    return driver.execute_script("return getComputedStyle(document.body).backgroundColor")


def test_dark_mode_follows_the_system(site, browser):
    browser.get(site["url"])
    light = background(browser)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    browser.get(site["url"])
    dark = background(browser)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    assert light != dark


def test_fits_a_phone_without_sideways_scrolling(site, browser):
    browser.set_window_size(375, 800)
    try:
        for path in ("", "components/api/", "components/api/v1.1.0/", "groups/2024.1/"):
            browser.get(site["url"] + path)
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path or 'index'} scrolls sideways by {overflow}px"
    finally:
        browser.set_window_size(1280, 900)


def test_not_found_page_links_home(site, browser):
    browser.get(site["url"] + "404.html")
    home = browser.find_element(By.CSS_SELECTOR, "main a[href='/']")
    assert home.is_displayed()
