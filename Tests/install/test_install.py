"""The built binary, copied alone into an empty folder with the checkout out of reach, starts a
page (`init`), builds the example site and serves it: the default theme and openapi.yaml travel
inside it (docs/install.md).

The copy runs with only PATH and HOME (elsewhere) in its environment, so no SHIPLOG_TEMPLATES or
SHIPLOG_OPENAPI. When `strace` is installed, every file operation of every run is traced and no
path of the checkout may appear. The binary is that of Tests/support/harness.py: SHIPLOG_BIN, else
`.build/debug/shiplog`.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from harness import BINARY, ROOT, first_line  # noqa: E402

STRACE = shutil.which("strace")


@pytest.fixture
def alone():
    """An empty folder outside the checkout holding a copy of the binary, and the environment to run it in."""
    assert BINARY.is_file(), f"no binary at {BINARY}; run `swift build` first"
    folder = Path(tempfile.mkdtemp(prefix="shiplog-alone-")).resolve()
    assert ROOT not in folder.parents, "the temporary folder must be outside the checkout"
    try:
        (folder / "bin").mkdir()
        (folder / "home").mkdir()
        (folder / "work").mkdir()
        shutil.copy2(BINARY, folder / "bin" / "shiplog")
        env = {"PATH": f"{folder / 'bin'}:/usr/bin:/bin", "HOME": str(folder / "home"), "LANG": "C.UTF-8"}
        yield folder, env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def traced(command, folder, name):
    """`command` under strace (file operations, every thread and child) when strace exists."""
    if not STRACE:
        return command
    return [STRACE, "-f", "-qq", "-e", "trace=%file", "-o", str(folder / f"trace-{name}.txt"), *command]


def assert_checkout_untouched(folder):
    """No traced file operation named a path of the checkout."""
    for trace in sorted(folder.glob("trace-*.txt")):
        hits = [line for line in trace.read_text(errors="replace").splitlines() if str(ROOT) in line]
        assert not hits, f"{trace.name}: the copied binary reached into the checkout:\n" + "\n".join(hits[:10])


def run(folder, env, name, *arguments):
    result = subprocess.run(
        traced(["shiplog", *arguments], folder, name),
        cwd=folder / "work",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"shiplog {' '.join(arguments)}: exit {result.returncode}\n{result.stderr}"
    return result


def test_a_copied_binary_starts_builds_and_serves_a_page_alone(alone):
    folder, env = alone
    work = folder / "work"
    run(folder, env, "init", "init", ".")
    assert (work / ".github" / "workflows" / "release-page.yml").is_file()
    run(folder, env, "build-init", "build", "--data", "releases.json", "--out", "starter")
    assert "v0.1.0" in (work / "starter" / "version.json").read_text()

    shutil.copy(ROOT / "site" / "data.json", work / "data.json")
    run(folder, env, "build", "build", "--data", "data.json", "--out", "public")
    index = (work / "public" / "index.html").read_text()
    assert "Nimbus releases" in index
    assert (work / "public" / "assets" / "style.css").read_bytes() == (ROOT / "templates" / "assets" / "style.css").read_bytes()

    run(folder, env, "theme", "theme", "export", "mytheme")
    assert (work / "mytheme" / "layout.mustache").read_bytes() == (ROOT / "templates" / "layout.mustache").read_bytes()

    run(folder, env, "import", "import", "--db", "shiplog.db", "data.json")
    server = subprocess.Popen(
        traced(["shiplog", "serve", "--db", "shiplog.db", "--port", "0", "--site", "served"], folder, "serve"),
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        match = re.fullmatch(r"shiplog serving on http://[^:]+:(\d+)", first_line(server, 60))
        assert match
        base = f"http://127.0.0.1:{match.group(1)}"
        home = requests.get(base + "/", timeout=30)
        assert home.status_code == 200 and "Nimbus releases" in home.text
        version = requests.get(base + "/v1/pages/nimbus/version", timeout=30)
        assert version.status_code == 200
        assert any(entry["version"] == "v1.10.2" for entry in version.json()["latest"])
        # A server page of the theme (server/invalid-link.mustache), rendered from the built-in copy.
        invalid = requests.get(base + "/v1/pages/nimbus/unsubscribe", params={"token": "nonsense"}, timeout=30)
        assert invalid.status_code == 404 and "<html" in invalid.text
        openapi = requests.get(base + "/openapi.json", timeout=30)
        assert openapi.status_code == 200 and openapi.json()["openapi"].startswith("3.")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert_checkout_untouched(folder)
