"""Publishing is atomic as a set (kg.cache.publish): a build killed at any moment leaves every output file from the
old build or every one from the new, never some of each.

The test publishes a new set in a forked process that kills itself (SIGKILL) just before its N-th change to the file
system, for every N until publishing completes, and reads the folder after each kill as a user would.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
from pathlib import Path

import pytest

import kg
from kg.cache import CURRENT_LINK, VERSIONS_DIR, publish

from .conftest import SAMPLE, SAMPLE_DATE

OLD = {"graph.ttl": b"old turtle", "graph.nt": b"old n-triples", "graph.html": b"old view"}
NEW = {"graph.ttl": b"new turtle", "graph.nq": b"new n-quads", "graph.html": b"new view"}  # nt dropped, nq added
CHANGES = ("replace", "symlink", "link", "unlink", "rmdir", "mkdir", "rename")


def stage(out: Path, files: dict[str, bytes]) -> list[Path]:
    folder = out / ".kg-staging"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


def visible(out: Path) -> dict[str, bytes]:
    """The output files as a reader sees them (a dangling link is no file)."""
    return {path.name: path.read_bytes() for path in out.iterdir() if path.name.startswith("graph.") and path.is_file()}


def publish_and_die(out: Path, staged: list[Path], kill_at: int) -> None:
    """Publish, killing this process just before its ``kill_at``-th change to the file system."""
    count = [0]
    for name in CHANGES:
        real = getattr(os, name)

        def change(*args: object, _real=real, **kwargs: object) -> object:
            count[0] += 1
            if count[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return _real(*args, **kwargs)

        setattr(os, name, change)
    publish(staged, out)


@pytest.mark.parametrize("old_layout", ["versioned", "plain files of an older kg"])
def test_a_kill_at_any_moment_leaves_the_old_set_or_the_new(tmp_path: Path, old_layout: str) -> None:
    context = multiprocessing.get_context("fork")
    kills = 0
    for kill_at in range(1, 200):
        out = tmp_path / f"out{kill_at}"
        out.mkdir()
        if old_layout == "versioned":
            publish(stage(out, OLD), out)
        else:
            for name, data in OLD.items():
                (out / name).write_bytes(data)
        assert visible(out) == OLD
        child = context.Process(target=publish_and_die, args=(out, stage(out, NEW), kill_at))
        child.start()
        child.join()
        if child.exitcode == 0:
            break  # publishing finished before its kill_at-th change
        assert child.exitcode == -signal.SIGKILL
        kills += 1
        assert visible(out) in (OLD, NEW), f"killed before change {kill_at}"
        # the next build publishes over whatever the killed one left, and nothing of it remains
        publish(stage(out, NEW), out)
        assert visible(out) == NEW
        assert sorted(path.name for path in out.iterdir()) == sorted(
            [".kg-staging", CURRENT_LINK, VERSIONS_DIR, *NEW]), f"killed before change {kill_at}"
        assert len(list((out / VERSIONS_DIR).iterdir())) == 1
    else:
        pytest.fail("publishing never finished")
    assert kills >= 8, "the kills reached every step of publishing"
    assert visible(out) == NEW


def test_a_build_publishes_links_into_one_version(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = kg.build([SAMPLE], out, date=SAMPLE_DATE, formats=["ttl", "nq"])
    assert [path.name for path in result.files] == ["graph.ttl", "graph.nq", "graph.html"]
    for path in result.files:
        assert path.is_symlink() and os.readlink(path) == f"{CURRENT_LINK}/{path.name}"
    (version,) = (out / VERSIONS_DIR).iterdir()
    assert os.readlink(out / CURRENT_LINK) == f"{VERSIONS_DIR}/{version.name}"
    # the same outputs again: the same version folder, nothing moved
    kg.build([SAMPLE], out, date=SAMPLE_DATE, formats=["ttl", "nq"])
    assert [path.name for path in (out / VERSIONS_DIR).iterdir()] == [version.name]
    # another set of formats: the files of the old set that the new one lacks are gone with it
    kg.build([SAMPLE], out, date=SAMPLE_DATE, formats=["nt"])
    assert sorted(path.name for path in out.iterdir() if path.name.startswith("graph.")) == ["graph.html", "graph.nt"]
