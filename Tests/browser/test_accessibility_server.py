"""Accessibility of the pages `shiplog serve` answers itself (templates/server/), in a real browser.

A reader subscribes through the form on the served site, follows the confirmation and the
unsubscribe links of the mail (an aiosmtpd server on loopback receives it), opens a link that is
not valid and sends an address that is not one. Each page the server answers is checked by
axe-core in light mode, dark mode and on a 390 px phone (the mode changes on the loaded page:
a POST's answer is not fetched again) and must have no violation; and each element that Tab
reaches there must show a visible focus indicator, in light and dark.

    python3 -m pytest -q Tests/browser/test_accessibility_server.py
"""
import email
import email.policy
import json
import re
import socket
import subprocess
import threading
import time
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

import sitekinds

try:
    from aiosmtpd.controller import Controller
except ImportError:  # a failure, not a skip
    pytest.exit("aiosmtpd is not installed: run `python3 -m pip install aiosmtpd`", returncode=1)

PAGE = "nimbus"
READER = "reader@example.com"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Every mail an SMTP server on 127.0.0.1 accepts, parsed."""

    def __init__(self):
        self.messages, self.lock = [], threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 2.0.0 accepted"

    def wait(self, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.messages:
                    return self.messages[0]
            time.sleep(0.1)
        raise AssertionError("no mail arrived")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    work = tmp_path_factory.mktemp("a11y-server")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    data = work / "data.json"
    data.write_text(json.dumps(sitekinds.example_data(server_url=base, many=False)), encoding="utf-8")
    store = str(work / "store.sqlite")
    subprocess.run([sitekinds.BINARY, "import", "--db", store, str(data)], check=True, capture_output=True)
    sink = Sink()
    sink.controller.start()
    log = open(work / "serve.log", "wb")
    process = subprocess.Popen(
        [sitekinds.BINARY, "serve", "--db", store, "--port", str(port), "--site", str(work / "site"), "--rate-limit", "0",
         "--smtp", f"smtp://127.0.0.1:{sink.controller.port}", "--mail-from", "releases@x.example", "--public-url", base],
        stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "health", timeout=2):
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, (work / "serve.log").read_text()
                time.sleep(0.2)
        yield {"url": base, "sink": sink}
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        sink.controller.stop()


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


def link(message, pattern):
    text = message.get_body(("plain",)).get_content()
    found = re.findall(pattern, text + "\n" + str(message.get("List-Unsubscribe", "")))
    assert found, f"no {pattern} in:\n{text}"
    return found[0]


def heading(driver):
    return driver.find_element(By.TAG_NAME, "h1").text


def submit(driver, action):
    """Runs `action` (a click, a script) and waits for the page the form's POST answers with."""
    old = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(old))
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def press(driver, selector):
    submit(driver, driver.find_element(By.CSS_SELECTOR, selector).click)


def test_every_server_page_has_no_violation(served, browser):
    failures, seen = [], {}
    browser.get(served["url"])
    browser.find_element(By.ID, "subscribe-email").send_keys(READER)
    press(browser, ".subscribe__form button[type=submit]")
    seen["subscribed"] = heading(browser)
    check_in_every_mode(browser, "subscribed", failures)

    mail = served["sink"].wait()
    browser.get(link(mail, r"https?://\S+/subscribers/confirm\?token=[A-Za-z0-9]+"))
    seen["confirm"] = heading(browser)
    check_in_every_mode(browser, "confirm", failures)
    press(browser, "form button[type=submit]")
    seen["confirmed"] = heading(browser)
    check_in_every_mode(browser, "confirmed", failures)

    browser.get(link(mail, r"https?://[^\s<>]+/unsubscribe\?token=[A-Za-z0-9]+"))
    seen["unsubscribe"] = heading(browser)
    check_in_every_mode(browser, "unsubscribe", failures)
    press(browser, "form button[type=submit]")
    seen["unsubscribed"] = heading(browser)
    check_in_every_mode(browser, "unsubscribed", failures)

    browser.get(served["url"] + f"v1/pages/{PAGE}/subscribers/confirm?token=not-a-token")
    seen["invalid-link"] = heading(browser)
    check_in_every_mode(browser, "invalid-link", failures)

    browser.get(served["url"])
    submit(browser, lambda: browser.execute_script(
        "const input = document.getElementById('subscribe-email');"
        "input.type = 'text'; input.value = 'not an address'; input.form.submit();"))
    seen["subscribed (problem)"] = heading(browser)
    check_in_every_mode(browser, "subscribed with a problem", failures)

    # Each page got there, and every template of templates/server/ was among them.
    assert len(set(seen.values())) == len(seen), seen
    templates = {path.stem for path in (sitekinds.ROOT / "templates" / "server").glob("*.mustache")}
    assert templates <= {name.split(" ")[0] for name in seen}, f"server pages not visited: {templates - set(seen)}"
    assert not failures, "axe-core found accessibility violations:\n" + "\n\n".join(failures)
