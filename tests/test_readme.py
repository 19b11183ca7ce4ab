"""Every command the README shows is run here, so the README cannot drift from what kg does.

Shell lines starting with ``.venv/bin/kg`` or ``kg`` are run through the CLI with outputs redirected to a temporary
folder; ``python`` blocks are executed the same way. ``make`` lines are what this suite itself runs under.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

from kg.rdf.serve import free_port

from .conftest import ROOT, SAMPLE, SAMPLE_DATE
from .stores.servers import oxigraph_server, sparql_select, stop, wait_http

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


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose output/ holds the sample's build, as after the README's build command."""
    import kg

    folder = tmp_path_factory.mktemp("readme")
    kg.build([SAMPLE], folder / "output", date=SAMPLE_DATE)
    return folder


@pytest.mark.parametrize("line", KG_LINES)
def test_readme_command_runs(line: str, built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = shlex.split(_redirect(line, built), comments=True)[1:]
    if args[0] == "serve":
        _check_serve(args, tmp_path)
        return
    if args[0] == "load":
        with oxigraph_server(tmp_path) as url:
            args = [re.sub(r"http://127\.0\.0\.1:\d+", url, arg) for arg in args]
            result = CliRunner().invoke(main, args, catch_exceptions=False)
            assert result.exit_code == 0, f"{line}\n{result.output}"
            assert sparql_select(f"{url}/query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, f"{line}\n{result.output}"


def _check_serve(args: list[str], tmp_path: Path) -> None:
    """`kg serve` runs until stopped: start it on a free port, ask it a query, stop it."""
    port = str(free_port())
    args = [port if previous == "--port" else arg for previous, arg in zip(["", *args[:-1]], args, strict=True)]
    process = subprocess.Popen([sys.executable, "-m", "kg", *args], cwd=ROOT)
    try:
        url = f"http://127.0.0.1:{port}/query"
        wait_http(f"{url}?query=ASK%7B%7D", process, 30)
        rows = sparql_select(url, "PREFIX kg: <https://w3id.org/kgnews/ontology#> "
                             "SELECT ?code WHERE { ?place kg:divisionCode ?code }")
        assert rows
    finally:
        stop(process)


@pytest.mark.parametrize("block", PYTHON_BLOCKS)
def test_readme_python_runs(block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(_redirect(block, tmp_path), "README.md", "exec"), {"__name__": "readme"})  # noqa: S102
    assert os.listdir(tmp_path / "output")
