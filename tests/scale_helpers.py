"""Inputs and helpers shared by the tests of the runner (parallel, incremental, interrupted and sharded builds)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, SAMPLE

# The sample page's articles start at these lines (datelines 本报乌海…电, 本报巴彦淖尔…电 …).
ARTICLE_STARTS = (0, 95, 165, 213, 257)


def sample_articles() -> list[str]:
    """The sample page cut at its datelines into five texts, each a plausible single-article file."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    bounds = [*ARTICLE_STARTS, len(lines)]
    return ["".join(lines[a:b]) for a, b in zip(bounds, bounds[1:])]


def write_archive(folder: Path, copies: int = 1) -> list[Path]:
    """Write the sample's articles as files ``folder/NN_k.txt``; each copy gets its own first line so that every
    file has different content."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for copy in range(copies):
        for number, text in enumerate(sample_articles()):
            path = folder / f"{copy:02d}_{number}.txt"
            path.write_text(f"第{copy + 1}版\n{text}", encoding="utf-8")
            files.append(path)
    return files


def kg_command(*args: str) -> list[str]:
    """The argv that runs this checkout's kg in a fresh interpreter."""
    return [sys.executable, "-m", "kg", *args]


def kg_env() -> dict[str, str]:
    """Environment for a kg subprocess: this checkout first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_kg(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run kg in a subprocess and return its result (output captured as text)."""
    return subprocess.run(kg_command(*args), env=kg_env(), capture_output=True, text=True, timeout=timeout,
                          check=False)
