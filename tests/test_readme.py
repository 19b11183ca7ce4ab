"""Every command the README shows is run here, so the README cannot drift from what kg does.

Shell lines starting with ``.venv/bin/kg`` or ``kg`` are run through the CLI with outputs redirected to a temporary
folder; ``python`` blocks are executed the same way. ``make`` lines are what this suite itself runs under.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, flags=re.S)
KG_LINES = [
    line.strip()
    for lang, body in BLOCKS
    if lang in ("", "sh", "bash", "console")
    for line in body.splitlines()
    if re.match(r"\s*(\.venv/bin/)?kg\s", line)
]
PYTHON_BLOCKS = [body for lang, body in BLOCKS if lang == "python"]


def _redirect(text: str, tmp: Path) -> str:
    """Point output folders at ``tmp`` so tests never touch the committed output/."""
    return re.sub(r"(?<![\w/])output/", f"{tmp}/output/", text)


def test_readme_shows_the_two_setup_commands_first() -> None:
    first_block = BLOCKS[0][1]
    assert "make run" in first_block and "make test" in first_block


def test_readme_has_kg_commands() -> None:
    assert len(KG_LINES) >= 2


@pytest.mark.parametrize("line", KG_LINES)
def test_readme_command_runs(line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if " serve " in f" {line} ":
        pytest.skip("kg serve runs until stopped; tested over HTTP in the store tests")
    monkeypatch.chdir(ROOT)
    args = shlex.split(_redirect(line, tmp_path))[1:]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, f"{line}\n{result.output}"


@pytest.mark.parametrize("block", PYTHON_BLOCKS)
def test_readme_python_runs(block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(_redirect(block, tmp_path), "README.md", "exec"), {"__name__": "readme"})  # noqa: S102
    assert os.listdir(tmp_path / "output")
