"""Accessibility of the pages `shiplog serve` answers itself (templates/server/), in a real browser.

A reader subscribes through the form on the served site, follows the confirmation and the
unsubscribe links of the mail (an aiosmtpd server on loopback receives it), opens a link that is
not valid and sends an address that is not one (Tests/browser/serverpages.py). Each page the
server answers is checked by axe-core in light mode, dark mode and on a 390 px phone (the mode
changes on the loaded page: a POST's answer is not fetched again) and must have no violation;
and each element that Tab reaches there must show a visible focus indicator, in light and dark.

    python3 -m pytest -q Tests/browser/test_accessibility_server.py
"""
import pytest
from selenium.webdriver.common.by import By

import serverpages
import sitekinds

try:
    import aiosmtpd  # noqa: F401
except ImportError:  # a failure, not a skip
    pytest.exit("aiosmtpd is not installed: run `python3 -m pip install aiosmtpd`", returncode=1)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with serverpages.ServedSite(tmp_path_factory.mktemp("a11y-server")) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    driver = sitekinds.chrome()
    yield driver
    driver.quit()


def check_in_every_mode(driver, name, failures):
    """axe on the loaded page in each mode (the page is not loaded again), then the keyboard's
    focus in light and dark."""
    for mode, scheme, width in sitekinds.MODES:
        sitekinds.set_mode(driver, scheme, width)
        violations = sitekinds.axe_violations(driver)
        if violations:
            failures.append(sitekinds.report(f"{mode} {name} ({driver.current_url})", violations))
    for scheme in ("light", "dark"):
        sitekinds.set_mode(driver, scheme, None)
        failures += sitekinds.focus_problems(driver, f"{scheme} {name}: focus not visible:")[1]
    sitekinds.reset_mode(driver)


def test_every_server_page_has_no_violation(served, browser):
    failures, headings = [], {}
    for name in serverpages.visit(browser, served):
        headings[name] = browser.find_element(By.TAG_NAME, "h1").text
        check_in_every_mode(browser, name, failures)
    # Each step reached a page of its own, and every template of templates/server/ was among them.
    assert len(set(headings.values())) == len(headings), headings
    templates = {path.stem for path in (sitekinds.ROOT / "templates" / "server").glob("*.mustache")}
    assert templates <= set(headings), f"server pages not visited: {templates - set(headings)}"
    assert not failures, "axe-core found accessibility violations:\n" + "\n\n".join(failures)
