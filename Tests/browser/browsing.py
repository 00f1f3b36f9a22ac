"""What the browser tests share: the binary under test (SHIPLOG_BIN, else the debug build), a site built from a data document and
served on loopback, and a headless Chromium (Debian's chromium and chromedriver; selenium-manager
is never asked: SE_AVOID_STATS=true and the driver's path are given)."""
import contextlib
import functools
import http.server
import json
import os
import pathlib
import subprocess
import threading

import pytest

os.environ.setdefault("SE_AVOID_STATS", "true")  # before selenium is loaded: it asks nothing of the network
from selenium import webdriver  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("SHIPLOG_BIN") or str(ROOT / ".build" / "debug" / "shiplog")


def acme_data(title, releases, **more):
    """The data document of page `acme` at https://releases.acme.example/ with the components `api`
    (with a repository and URL) and `web`, titled `title`, with `releases` and `more` (groups, …)."""
    return {
        "page": {"id": "acme", "title": title, "base_url": "https://releases.acme.example/"},
        "components": [
            {"slug": "api", "name": "Public API", "repo": "acme/api", "url": "https://github.com/acme/api"},
            {"slug": "web", "name": "Web app"},
        ],
        "releases": releases,
        **more,
    }


@contextlib.contextmanager
def built_site(work, data):
    """`shiplog build` of `data` into `work/public`, served over HTTP: {"url", "out"}."""
    (work / "data.json").write_text(json.dumps(data), encoding="utf-8")
    out = work / "public"
    subprocess.run([BINARY, "build", "--data", str(work / "data.json"), "--out", str(out)], check=True,
                   capture_output=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield {"url": f"http://127.0.0.1:{server.server_address[1]}/", "out": out}
    finally:
        server.shutdown()


def served_site(data, name):
    """A module fixture (assign it to `site`): `data` built into a temporary folder `name…` and
    served as `built_site` does, for the module's tests."""
    @pytest.fixture(scope="module")
    def site(tmp_path_factory):
        with built_site(tmp_path_factory.mktemp(name), data) as served:
            yield served
    return site


def chrome(javascript=True, console=False, width=1280, height=900, arguments=()):
    """A headless Chromium at `width`×`height` through the system chromedriver (CHROMEDRIVER overrides
    its path), with `arguments` besides; `javascript=False` turns scripts off, `console=True` keeps the
    browser's console messages for `driver.get_log("browser")`."""
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
                     *arguments):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    if console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(options=options, service=service)
