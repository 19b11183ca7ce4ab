"""The README's commands are run here as written and in their order, so the README cannot drift from what kg does.

They run in a scratch folder laid out like a checkout after ``make run`` (``kg/`` with the sample, ``.venv/bin/kg``),
each shell line through bash; a line ending in ``&`` starts a server that the test waits for (besides the README's
own ``sleep``) and that the README's ``kill $!`` stops. The only change to the text is the port numbers (free ones
instead of 7878 and 7879, so parallel runs do not collide). Everything the commands write must be a path git ignores.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


from tests.stores.servers import free_port

from .conftest import ROOT
from .stores.servers import stop, wait_http

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, flags=re.S)
SHELL_START = (".venv/bin/", "curl ", "kill ", "sleep ")


def command_blocks() -> list[tuple[str, list[str]]]:
    """The README's command blocks in order: ("sh", lines) for shell commands, ("python", [source])."""
    blocks = []
    for lang, body in BLOCKS:
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        if lang == "python":
            blocks.append(("python", [body]))
        elif lang in ("", "sh", "bash", "console") and lines and all(line.startswith(SHELL_START) for line in lines):
            blocks.append(("sh", lines))
    return blocks


def test_readme_shows_the_two_setup_commands_first() -> None:
    first_block = BLOCKS[0][1]
    assert "make run" in first_block and "make test" in first_block


def test_readme_commands_are_all_run_here() -> None:
    """Every line that calls kg is in a block this test runs (a bare ``kg`` line would not work after make run)."""
    run = {line for kind, lines in command_blocks() if kind == "sh" for line in lines}
    for lang, body in BLOCKS:
        for line in body.splitlines():
            if re.match(r"\s*(\.venv/bin/)?kg\s", line):
                assert line.strip() in run, f"README line not run by this test (or not .venv/bin/kg): {line}"
    assert sum(line.startswith(".venv/bin/kg ") for line in run) >= 10


def _checkout(folder: Path) -> None:
    """A folder like the top of a checkout after ``make run``: the package (with the sample) and .venv/bin."""
    (folder / "kg").symlink_to(ROOT / "kg")
    (folder / "ontology").symlink_to(ROOT / "ontology")
    bin_dir = folder / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    kg = bin_dir / "kg"
    kg.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m kg "$@"\n', encoding="utf-8")
    kg.chmod(0o755)


def _port(line: str) -> int:
    match = re.search(r"(?:--port |127\.0\.0\.1:)(\d+)", line)
    assert match, f"a server line names no port: {line}"
    return int(match.group(1))


def test_readme_commands_run_in_order_and_write_only_ignored_paths(tmp_path: Path) -> None:
    work = tmp_path / "checkout"
    work.mkdir()
    _checkout(work)
    before = set(work.iterdir())
    ports = {old: str(free_port()) for old in ("7878", "7879")}
    job: subprocess.Popen[bytes] | None = None
    counts: list[int] = []
    try:
        for kind, lines in command_blocks():
            if kind == "python":
                code = compile(lines[0], "README.md", "exec")
                previous = Path.cwd()
                try:
                    os.chdir(work)
                    exec(code, {"__name__": "readme"})  # noqa: S102
                finally:
                    os.chdir(previous)
                continue
            for written in lines:
                line = written
                for old, new in ports.items():
                    line = line.replace(old, new)
                if line.endswith("&"):
                    assert job is None, "the README starts a second server before stopping the first"
                    job = subprocess.Popen(["bash", "-c", line[:-1]], cwd=work, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL)
                    wait_http(f"http://127.0.0.1:{_port(line)}/query?query=ASK%7B%7D", job, 60)
                elif line == "kill $!":
                    assert job is not None, "kill $! without a server started"
                    stop(job)
                    job = None
                else:
                    result = subprocess.run(["bash", "-c", line], cwd=work, capture_output=True, text=True,
                                            timeout=600)
                    assert result.returncode == 0, f"{written}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
                    if line.startswith("curl "):
                        counts.append(int(result.stdout.splitlines()[1]))  # the triples served
                    if line.startswith(".venv/bin/kg load"):
                        assert "loaded" in result.stderr
        assert job is None, "the README leaves a server running"
        # the read-only endpoint over out/ and the writable store after kg load serve the same triples, as it says
        assert len(counts) >= 2 and counts[0] > 1000 and len(set(counts)) == 1, counts
    finally:
        if job is not None:
            stop(job)
    created = sorted(path.name for path in set(work.iterdir()) - before)
    assert created == ["out"]
    assert (work / "out" / "wuhai.html").is_file()
    assert (work / "out" / "store").is_dir(), "the README's writable endpoint keeps its store in out/store"
    for name in created:
        ignored = subprocess.run(["git", "check-ignore", "-q", f"{name}/graph.ttl"], cwd=ROOT)
        assert ignored.returncode == 0, f"the README writes into {name}/, which git does not ignore"
