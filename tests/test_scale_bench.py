"""The benchmark's own pieces: turning the tagged People's Daily corpus back into articles, and grouping timings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.peoples_daily import articles, detag, write_archive
from bench.run import KEPT_HEADING, MEMORY_ROUND, group_of, kept_section, markdown, peak_pss, summarise, verdicts

from .conftest import SHARED_DATA

CORPUS = SHARED_DATA / "peoples_daily_199801" / "199801.utf8.txt"


def test_detag_strips_tags_and_brackets() -> None:
    line = "19980101-01-001-006/m  在/p  [中央/n  人民/n  广播/vn  电台/n]nt  、/w  香港/ns  同胞/n  ！/w  "
    assert detag(line) == ("19980101-01-001", "在中央人民广播电台、香港同胞！")
    assert detag("\n") is None


def test_timings_are_grouped_into_the_issue_stages() -> None:
    assert group_of("ingest.read") == group_of("ingest.clean") == "read/clean"
    assert group_of("nlp.tag.lac") == group_of("nlp.tag.crf") == group_of("nlp.rules.newspaper") == "recognise"
    assert group_of("nlp.relate.patterns") == group_of("nlp.quantities.patterns") == "relate"
    assert (group_of("rdf"), group_of("serialize"), group_of("view")) == ("RDF", "serialize", "view")


@pytest.mark.data
def test_the_archive_has_its_documented_size(tmp_path: Path) -> None:
    if not CORPUS.is_file():
        pytest.skip("../shared/data is not present")
    found = list(articles(CORPUS))
    assert len(found) == 3148
    assert sum(len("".join(paragraphs)) for _, paragraphs in found) == 1_841_657
    files = write_archive(CORPUS, tmp_path / "a", fraction=0.01)
    assert len(files) == 31
    first = files[0].read_text(encoding="utf-8")
    assert first.startswith("迈向充满希望的新世纪——一九九八年新年讲话") and "/n" not in first


def _run(fraction: float, workers: int, number: int | str, wall: float, pss: int | None) -> dict[str, object]:
    return {"fraction": fraction, "workers": workers, "workers_asked": workers, "round": number,
            "wall_seconds": wall, "peak_pss_tree": pss, "peak_rss_parent": pss or 1, "peak_rss_worker": pss or 1,
            "files": 10, "articles": 10, "characters": 1000 * fraction, "quads": int(1000 * fraction),
            "stage_seconds": {"recognise": wall * 0.8, "serialize": wall * 0.2}, "load_before": "1.00 1.00 1.00",
            "load_after": "1.00 1.00 1.00"}


def test_repeats_are_read_as_the_fastest_with_the_rounds_paired() -> None:
    runs = [_run(0.5, 2, 1, 30.0, None), _run(0.5, 1, 1, 50.0, None), _run(1.0, 2, 1, 52.0, None),
            _run(0.5, 2, 2, 26.0, None), _run(0.5, 1, 2, 48.0, None), _run(1.0, 2, 2, 60.0, None),
            _run(0.5, 2, MEMORY_ROUND, 20.0, 700), _run(0.5, 1, MEMORY_ROUND, 40.0, 600),
            _run(1.0, 2, MEMORY_ROUND, 40.0, 1400)]
    summary = summarise(runs)
    by = {(r["fraction"], r["workers_asked"]): r for r in summary}
    # the memory round's time is not counted; its peak is the configuration's memory
    assert by[(0.5, 2)]["wall_seconds"] == 26.0 and by[(0.5, 2)]["wall_all"] == [30.0, 26.0]
    assert by[(0.5, 2)]["peak_pss_tree"] == 700 and by[(1.0, 2)]["peak_pss_tree"] == 1400
    lines = verdicts(summary, runs)
    speedup = next(line for line in lines if line.startswith("2 workers vs 1"))
    # fastest against fastest, 48 / 26; within the rounds 50 / 30 and 48 / 26
    assert "1.85×" in speedup and "1.67× / 1.85×" in speedup and "target ≥ 1.7×: met" in speedup
    assert any(line.startswith("time 100 % / 50 %: 2.00") for line in lines)
    assert any(line.startswith("peak memory 100 % / 50 %: 2.00") for line in lines)
    text = markdown({"archive": "a", "machine": "m", "commit": "c", "repeat": 2, "summary": summary,
                     "verdicts": lines})
    assert "26.0 s (28.0; 30.0 / 26.0)" in text


def test_peak_memory_of_a_process_tree_is_sampled() -> None:
    code = "import time; block = bytearray(80 * 2**20); block[::4096] = b'x' * len(block[::4096]); time.sleep(1.5)"
    process = subprocess.Popen([sys.executable, "-c", code])
    peak = peak_pss(process, interval=0.1)
    assert process.returncode == 0 and 80 * 2**20 <= peak < 200 * 2**20


def test_one_measured_build_reports_its_figures(tmp_path: Path) -> None:
    """``make bench`` measures each build with ``measure_one``: it must keep working with the library's results."""
    from bench.run import measure_one

    from .conftest import SAMPLE

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    figures = measure_one(folder, 1, tmp_path / "out", ner="crf")
    assert figures["files"] == 1 and figures["articles"] > 1  # the sample is a page of several articles
    assert figures["quads"] == len((tmp_path / "out" / "graph.nq").read_bytes().splitlines())
    assert 0 < figures["relations"] and 0 < figures["facts"] and figures["wall_seconds"] > 0
    assert "recognise" in figures["stage_seconds"]


def test_the_hand_written_section_is_kept(tmp_path: Path) -> None:
    results = tmp_path / "results.md"
    assert kept_section(results) == ""  # no file yet
    results.write_text("# kg benchmark\n\n| table |\n", encoding="utf-8")
    assert kept_section(results) == ""
    section = f"\n{KEPT_HEADING}\n\nA/B figures.\n"
    results.write_text("# kg benchmark\n\n| old table |\n" + section, encoding="utf-8")
    assert kept_section(results) == section
