"""Every shell example in README.md and docs/*.md, run exactly as written.

Each document is one session: its ```sh blocks run in order in one bash process (variables
carry over, as in a terminal), in a fresh folder holding a copy of the repository's `site/`
(the example data) and the same data as `releases.json` (the name the docs give a team's own
data file), with the built `shiplog` first on PATH. A command that fails fails the
test with the document, the block's line and what the command printed. `curl` fails on an
HTTP error (>= 400), as a reader would notice one. A block that starts `shiplog serve` in the
background is followed by a wait for that port's /health (the harness's only addition) before
the next line; every server is stopped when the document ends.

A block that cannot run here says so on the line before it, with a reason:
`<!-- doc-test: skip (reason) -->`. The binary is that of Tests/support/harness.py: SHIPLOG_BIN, else
`.build/debug/shiplog`.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from harness import BINARY, ROOT  # noqa: E402
DOCUMENTS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
SKIP = re.compile(r"<!--\s*doc-test:\s*skip\s*\((.+?)\)\s*-->")
SERVE_IN_BACKGROUND = re.compile(r"^\s*shiplog serve\b.*?--port (\d+).*&")
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")


def shell_blocks(path):
    """The ```sh blocks of a Markdown file: (line of the fence, text, skip reason or None)."""
    blocks, lines = [], path.read_text().splitlines()
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        start, indent, language = index, len(match.group(1)), match.group(2)
        index += 1
        body = []
        while index < len(lines) and not lines[index].strip().startswith("```"):
            body.append(lines[index][indent:] if lines[index][:indent].isspace() else lines[index].lstrip())
            index += 1
        index += 1
        if language in ("sh", "bash", "shell", "console"):
            before = [line for line in lines[max(0, start - 2) : start] if line.strip()]
            skip = SKIP.search(before[-1]) if before else None
            blocks.append((start + 1, "\n".join(body) + "\n", skip.group(1) if skip else None))
    return blocks


PRELUDE = r"""
set -Eeuo pipefail
trap 'echo "doc-test: command failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
trap 'jobs -p | xargs -r kill 2>/dev/null; wait 2>/dev/null || true' EXIT
curl() { command curl -sS --fail-with-body --max-time 20 "$@"; }
doc_test_wait_for_port() {
    for _ in $(seq 1 300); do
        command curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/health" && return 0
        sleep 0.2
    done
    echo "doc-test: nothing answers on port $1" >&2
    return 1
}
"""


def session_script(path):
    """One bash script that runs every runnable block of `path`, marking where each starts."""
    parts = [PRELUDE]
    for line, text, skip in shell_blocks(path):
        if skip:
            continue
        parts.append(f'echo "doc-test: {path.name}:{line}" >&2\n')
        for command in text.splitlines():
            parts.append(command + "\n")
            serve = SERVE_IN_BACKGROUND.search(command)
            if serve:
                parts.append(f"doc_test_wait_for_port {serve.group(1)}\n")
    return "".join(parts)


def test_every_shell_block_runs_or_says_why_not():
    for path in DOCUMENTS:
        for line, text, skip in shell_blocks(path):
            assert text.strip(), f"{path.name}:{line}: empty block"
            if skip is not None:
                assert len(skip) > 10, f"{path.name}:{line}: say why the block cannot run"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_document_runs_as_written(path):
    if not any(skip is None for _, _, skip in shell_blocks(path)):
        pytest.skip(f"{path.name} has no runnable shell block")
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `swift build` first (or set SHIPLOG_BIN)")
    work = Path(tempfile.mkdtemp(prefix="shiplog-doc-"))
    try:
        shutil.copytree(ROOT / "site", work / "site", ignore=shutil.ignore_patterns("public", ".*"))
        shutil.copy(ROOT / "site" / "data.json", work / "releases.json")
        bin_dir = work / ".bin"
        bin_dir.mkdir()
        (bin_dir / "shiplog").symlink_to(BINARY)
        environment = {key: value for key, value in os.environ.items() if not key.startswith("SHIPLOG_")}
        environment["PATH"] = f"{bin_dir}:{environment.get('PATH', '/usr/bin:/bin')}"
        result = subprocess.run(
            ["bash", "-c", session_script(path)],
            cwd=work,
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{path.name}:\n--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
    finally:
        shutil.rmtree(work, ignore_errors=True)
