"""An interrupted build (Ctrl-C or killed) keeps the previous outputs, releases its lock, and the next run resumes
from the files it had already extracted."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from kg.cache import CACHE_DIR

from .scale_helpers import kg_command, kg_env, run_kg, write_archive


def cached(out: Path) -> int:
    return len(list((out / CACHE_DIR).glob("*/*.spool")))


def interrupt_midway(archive: Path, out: Path, signum: int, extra: int) -> subprocess.CompletedProcess[str]:
    """Start a build of ``archive`` into ``out`` and send it ``signum`` once ``extra`` more files are cached."""
    start = cached(out)
    process = subprocess.Popen(kg_command("build", str(archive), "-o", str(out), "--workers", "2"),
                               env=kg_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while cached(out) < start + extra and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the build ended before it could be interrupted"
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture()
def previous(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """An archive of 40 files and an output folder holding the build of its first 5 files."""
    files = write_archive(tmp_path / "archive", copies=8)
    first = tmp_path / "first"
    first.mkdir()
    for path in files[:5]:
        (first / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    assert run_kg("build", str(first), "-o", str(out), "--quiet").returncode == 0
    outputs = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert {"graph.ttl", "graph.nq", "graph.html"} <= set(outputs)
    return tmp_path / "archive", out, outputs


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["SIGINT", "SIGTERM", "SIGKILL"])
def test_interrupted_build_keeps_outputs_and_resumes(previous: tuple[Path, Path, dict[str, bytes]],
                                                     signum: int, tmp_path: Path) -> None:
    archive, out, outputs = previous
    stopped = interrupt_midway(archive, out, signum, extra=6)
    if signum in (signal.SIGINT, signal.SIGTERM):
        assert stopped.returncode == 130
        assert "interrupted" in stopped.stderr and "Traceback" not in stopped.stderr
    else:
        assert stopped.returncode == -signal.SIGKILL
    # The previous outputs are untouched, no half-written file is left, and the lock went with the process.
    # (A killed build leaves its .kg-lock file behind: it holds no lock once the process is gone.)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != ".kg-lock"} == outputs
    done = cached(out)
    assert 5 + 6 <= done < 40
    resumed = run_kg("build", str(archive), "-o", str(out), "--workers", "2")
    assert resumed.returncode == 0, resumed.stderr
    reused = int(resumed.stderr.split(" reused from the cache")[0].rsplit("(", 1)[1])
    assert reused >= done - 2  # at most the entries of the batches in flight are redone
    assert cached(out) == 40
    assert not list(out.rglob("*.tmp"))
    if signum == signal.SIGKILL:
        clean = run_kg("build", str(archive), "-o", str(tmp_path / "clean"), "--no-cache", "--quiet")
        assert clean.returncode == 0
        assert (out / "graph.ttl").read_bytes() == (tmp_path / "clean" / "graph.ttl").read_bytes()
