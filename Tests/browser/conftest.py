"""Fixtures every browser test module may use; a module that needs another browser defines its own."""
import pytest

from browsing import chrome


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the module's tests, scripts on."""
    driver = chrome()
    yield driver
    driver.quit()
