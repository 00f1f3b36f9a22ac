"""The Downloads section of a release page (issue 16) in headless Chromium without JavaScript:
each asset under a readable platform name, its file linked, its size in human units with the exact
bytes, and its checksum labelled; nothing at all for a release without assets.

    python3 -m pytest -q Tests/browser/test_downloads.py
"""
from selenium.webdriver.common.by import By

from browsing import served_site

SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SHA512 = "7iaw3Ur350mqGo7jwQrpkj9hiYB3Lkc/iBml1JQODbJ6wYX4oOHV+E+IvIh/1nsUNzLDBMxfqa2Ob1f1ACio/w=="
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
BASE = "https://downloads.acme.example/app/2.0.0/"

DATA = {
    "page": {"id": "acme", "title": "Acme"},
    "components": [{"slug": "app", "name": "Acme App"}],
    "releases": [
        {"component": "app", "version": "1.0.0", "published_at": "2026-01-01T00:00:00Z", "notes": "First."},
        {"component": "app", "version": "2.0.0", "published_at": "2026-02-01T00:00:00Z", "notes": "Second.",
         "assets": [
             {"name": "Acme-2.0.0-arm64.dmg", "url": BASE + "Acme-2.0.0-arm64.dmg", "platform": "darwin-aarch64",
              "size": 84_213_456, "sha256": SHA256, "sha512": SHA512},
             {"name": "Acme-2.0.0-x64.msi", "url": BASE + "Acme-2.0.0-x64.msi", "platform": "windows-x86_64-msi",
              "size": 61_000_000, "sha512": SHA512},
             {"name": "Acme-2.0.0.AppImage", "url": BASE + "Acme-2.0.0.AppImage", "platform": "linux-x86_64-appimage",
              "size": 999, "sha1": SHA1},
         ]},
    ],
}


site = served_site(DATA, "downloads")


def test_each_download_shows_its_platform_size_and_checksum_without_javascript(site, no_script_browser):
    driver = no_script_browser
    driver.get("data:text/html,<title>off</title><script>document.title = 'on'</script>")
    assert driver.title == "off", "JavaScript is disabled in this browser"
    driver.get(site["url"] + "components/app/2.0.0/")
    section = driver.find_element(By.ID, "assets")
    assert section.find_element(By.TAG_NAME, "h2").text == "Downloads"
    rows = section.find_elements(By.CSS_SELECTOR, "li.asset")
    seen = []
    for row in rows:
        platform = row.find_element(By.CSS_SELECTOR, ".asset__platform").text
        link = row.find_element(By.CSS_SELECTOR, ".asset__name a")
        size = row.find_element(By.CSS_SELECTOR, ".asset__size")
        # The label reads "SHA-256", and "SHA-256 checksum of FILE" to a screen reader.
        label = " ".join(row.find_element(By.CSS_SELECTOR, ".asset__checksum dt").get_attribute("textContent").split())
        assert label.endswith(" checksum of " + link.text)
        label = label.removesuffix(" checksum of " + link.text)
        value = row.find_element(By.CSS_SELECTOR, ".asset__checksum dd code").text
        assert row.is_displayed() and size.is_displayed() and link.is_displayed()
        seen.append((platform, link.text, link.get_attribute("href"), size.text, size.get_attribute("data-bytes"),
                     size.get_attribute("title"), label, value))
    assert seen == [
        ("macOS (Apple silicon)", "Acme-2.0.0-arm64.dmg", BASE + "Acme-2.0.0-arm64.dmg", "84.2 MB", "84213456",
         "84213456 bytes", "SHA-256", SHA256),
        ("Windows (x64, MSI installer)", "Acme-2.0.0-x64.msi", BASE + "Acme-2.0.0-x64.msi", "61.0 MB", "61000000",
         "61000000 bytes", "SHA-512", SHA512),
        ("Linux (x64, AppImage)", "Acme-2.0.0.AppImage", BASE + "Acme-2.0.0.AppImage", "999 B", "999", "999 bytes",
         "SHA-1", SHA1),
    ]


def test_a_long_checksum_wraps_inside_a_phone_screen(site, no_script_browser):
    driver = no_script_browser
    driver.set_window_size(390, 844)
    try:
        driver.get(site["url"] + "components/app/2.0.0/")
        width = driver.execute_script("return document.documentElement.clientWidth")
        for code in driver.find_elements(By.CSS_SELECTOR, ".asset__checksum code"):
            right = driver.execute_script("return arguments[0].getBoundingClientRect().right", code)
            assert right <= width, f"a checksum overflows the page: {right} > {width}"
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    finally:
        driver.set_window_size(1280, 900)


def test_a_release_without_assets_has_no_downloads_section(site, no_script_browser):
    no_script_browser.get(site["url"] + "components/app/1.0.0/")
    assert no_script_browser.find_elements(By.ID, "assets") == []
    assert "Downloads" not in no_script_browser.find_element(By.TAG_NAME, "main").text


def test_the_component_page_names_the_platforms_of_a_release_with_downloads(site, no_script_browser):
    no_script_browser.get(site["url"] + "components/app/")
    hints = no_script_browser.find_elements(By.CSS_SELECTOR, ".card__more")
    assert [" ".join(hint.get_attribute("textContent").split()) for hint in hints] == [
        "Downloads and details for Acme App 2.0.0 · macOS (Apple silicon), Windows (x64, MSI installer), Linux (x64, AppImage)"]
    hints[0].find_element(By.TAG_NAME, "a").click()
    assert no_script_browser.current_url.endswith("/components/app/2.0.0/#assets")
