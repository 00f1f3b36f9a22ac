"""Fixtures every browser test module may use; a module that needs another browser defines its own."""
import pytest

from browsing import chrome


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the module's tests, scripts on."""
    driver = chrome()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def no_script_browser():
    """A headless Chromium with JavaScript off: the pages must work without it."""
    driver = chrome(javascript=False)
    yield driver
    driver.quit()
