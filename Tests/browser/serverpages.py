"""The pages `shiplog serve` answers itself (templates/server/), reached as a reader reaches them.

`ServedSite` imports the example data into a SQLite store in a scratch folder, starts an SMTP
server on loopback (aiosmtpd) and `shiplog serve --site` with it; `visit` drives a browser
through the subscription: the form on the served site, the confirmation and unsubscribe links
of the mail, a link that is not valid and an address that is not one. Shared by
Tests/browser/test_accessibility_server.py and bench/screenshots.
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

import sitekinds

PAGE = "nimbus"
READER = "reader@example.com"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Every mail an SMTP server on 127.0.0.1 accepts, parsed."""

    def __init__(self):
        from aiosmtpd.controller import Controller

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


class ServedSite:
    """`shiplog serve --site` on the example data, with mail going to a `Sink`."""

    def __init__(self, work, binary=sitekinds.BINARY):
        self.work, self.binary = work, binary
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"

    def __enter__(self):
        data = self.work / "data.json"
        data.write_text(json.dumps(sitekinds.example_data(server_url=self.url, many=False)), encoding="utf-8")
        store = str(self.work / "store.sqlite")
        subprocess.run([self.binary, "import", "--db", store, str(data)], check=True, capture_output=True)
        self.sink = Sink()
        self.sink.controller.start()
        self.log = open(self.work / "serve.log", "wb")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--db", store, "--port", str(self.port), "--site", str(self.work / "site"),
             "--templates", str(sitekinds.THEME),
             "--rate-limit", "0", "--smtp", f"smtp://127.0.0.1:{self.sink.controller.port}",
             "--mail-from", "releases@x.example", "--public-url", self.url],
            stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "health", timeout=2):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise AssertionError("shiplog serve did not start:\n" + (self.work / "serve.log").read_text())
                time.sleep(0.2)

    def __exit__(self, *_):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()
        self.sink.controller.stop()


def link(message, pattern):
    text = message.get_body(("plain",)).get_content()
    found = re.findall(pattern, text + "\n" + str(message.get("List-Unsubscribe", "")))
    assert found, f"no {pattern} in:\n{text}"
    return found[0]


def submit(driver, action):
    """Runs `action` (a click, a script) and waits for the page the form's POST answers with."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, 20).until(lambda d: left(expected_conditions.staleness_of(old), d))
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def left(is_stale, driver):
    """Whether the page an element belonged to is gone. While the next page replaces it,
    chromedriver may also answer that the element's node "does not belong to the document"
    (an "unhandled inspector error" rather than a stale element): that says the same."""
    from selenium.common.exceptions import WebDriverException

    try:
        return is_stale(driver)
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def press(driver, selector):
    from selenium.webdriver.common.by import By

    submit(driver, driver.find_element(By.CSS_SELECTOR, selector).click)


def visit(driver, served):
    """Opens each server page in turn and yields its name (the template's, `subscribed-problem`
    for the answer to an address that is not one) while it is loaded."""
    from selenium.webdriver.common.by import By

    driver.get(served.url)
    driver.find_element(By.ID, "subscribe-email").send_keys(READER)
    press(driver, ".subscribe__form button[type=submit]")
    yield "subscribed"
    mail = served.sink.wait()
    driver.get(link(mail, r"https?://\S+/subscribers/confirm\?token=[A-Za-z0-9]+"))
    yield "confirm"
    press(driver, "form button[type=submit]")
    yield "confirmed"
    driver.get(link(mail, r"https?://[^\s<>]+/unsubscribe\?token=[A-Za-z0-9]+"))
    yield "unsubscribe"
    press(driver, "form button[type=submit]")
    yield "unsubscribed"
    driver.get(served.url + f"v1/pages/{PAGE}/subscribers/confirm?token=not-a-token")
    yield "invalid-link"
    driver.get(served.url)
    submit(driver, lambda: driver.execute_script(
        "const input = document.getElementById('subscribe-email');"
        "input.type = 'text'; input.value = 'not an address'; input.form.submit();"))
    yield "subscribed-problem"
