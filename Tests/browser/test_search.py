"""Client-side search (templates/assets/search.js over search.json) in headless Chromium.

Builds a small site with the debug `shiplog` binary (or SHIPLOG_BIN), serves it on loopback and
checks that a version, a title word and a notes word each find their release, that the result
links work, that nothing is requested from another origin, and that without JavaScript the page
works and shows no search UI at all.
"""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browsing import acme_data, chrome, served_site

DATA = acme_data(
    "Acme releases",
    [
        {"component": "api", "version": "v1.0.0", "published_at": "2024-01-02T10:00:00Z",
         "notes": "### Added\n- First release of the [gateway](https://elsewhere.example/gw)"},
        {"component": "api", "version": "v1.1.0", "published_at": "2024-02-02T10:00:00Z",
         "title": "<img src=x onerror=\"window.__pwned = 1\"> Quokka edition", "notes": "Faster retries."},
        {"component": "web", "version": "3.0.0+build.7", "published_at": "2024-02-10T10:00:00Z",
         "notes": "A brand new zeppelin look."},
        {"component": "web", "version": "3.1.0", "published_at": "2024-03-10T10:00:00Z", "status": "draft",
         "notes": "Secret zeppelin plans."},
    ],
)


site = served_site(DATA, "search")


def search(driver, query):
    """Types `query` in the search box; returns (the status text, [(link text, href, item text)])."""
    box = driver.find_element(By.ID, "site-search-input")
    box.clear()
    box.send_keys(query)
    status = driver.find_element(By.CSS_SELECTOR, ".site-search__status")
    results = driver.find_element(By.CSS_SELECTOR, ".site-search__results")
    WebDriverWait(driver, 10).until(lambda d: results.get_attribute("data-query") == query)
    items = driver.find_elements(By.CSS_SELECTOR, ".site-search__results li")
    return status.text, [(i.find_element(By.TAG_NAME, "a").text, i.find_element(By.TAG_NAME, "a").get_attribute("href"),
                          i.text) for i in items]


def test_the_box_is_labelled_and_announces_its_count(site, browser):
    browser.get(site["url"])
    box = browser.find_element(By.ID, "site-search-input")
    assert box.is_displayed()
    label = browser.find_element(By.CSS_SELECTOR, "label[for='site-search-input']")
    assert label.text == "Search releases"
    status = browser.find_element(By.CSS_SELECTOR, ".site-search__status")
    assert status.get_attribute("aria-live") == "polite" and status.get_attribute("role") == "status"
    text, results = search(browser, "quokka")
    assert text == "1 release found"
    assert browser.find_element(By.CSS_SELECTOR, ".site-search__results").tag_name == "ul"


def test_a_version_a_title_word_and_a_notes_word_find_their_release(site, browser):
    browser.get(site["url"])
    _, results = search(browser, "v1.1")
    assert [r[0] for r in results] == ["Public API v1.1.0"]
    _, results = search(browser, "quok")  # a title word, by its start
    assert [r[0] for r in results] == ["Public API v1.1.0"]
    assert "Quokka edition" in results[0][2]
    assert browser.execute_script("return window.__pwned === undefined")  # the title is text, not markup
    _, results = search(browser, "zeppelin")  # a notes word; the draft is not in the index
    assert [r[0] for r in results] == ["Web app 3.0.0+build.7"]
    text, results = search(browser, "elsewhere")  # a link target is not a word of the notes
    assert text == "0 releases found" and results == []
    text, results = search(browser, "first release")
    assert [r[0] for r in results] == ["Public API v1.0.0"]


def test_a_result_link_opens_the_release_page_from_any_depth(site, browser):
    browser.get(site["url"] + "components/api/v1.0.0/")
    search(browser, "zeppelin")
    browser.find_element(By.LINK_TEXT, "Web app 3.0.0+build.7").click()
    WebDriverWait(browser, 10).until(lambda d: "zeppelin" in d.find_element(By.TAG_NAME, "main").text)
    assert "/components/web/3.0.0" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text.endswith("3.0.0+build.7")
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_no_request_leaves_the_origin(site, browser):
    browser.get(site["url"])
    search(browser, "retries")
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert any(u.endswith("/search.json") for u in urls)
    assert urls and all(u.startswith(site["url"]) for u in urls), urls
    script = (site["out"] / "assets" / "search.js").read_text(encoding="utf-8")
    assert "http:" not in script and "https:" not in script and "//" + "cdn" not in script


def test_without_javascript_the_page_works_and_shows_no_search(site):
    driver = chrome(javascript=False)
    try:
        driver.get(site["url"])
        assert driver.find_elements(By.ID, "site-search-input") == []
        mount = driver.find_element(By.CSS_SELECTOR, "[data-shiplog-search]")
        assert not mount.is_displayed()
        assert "v1.1.0" in driver.find_element(By.TAG_NAME, "body").text
        driver.find_element(By.CSS_SELECTOR, "nav a[href$='components/web/']").click()
        assert driver.current_url.endswith("/components/web/")
        assert "3.0.0+build.7" in driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.quit()
