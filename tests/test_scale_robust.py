"""Robustness: whatever the files hold — random Unicode, random slices of real articles, very long paragraphs,
random bytes — a build either writes a graph that conforms to the kg shapes or stops with a clear error; no
traceback escapes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

import kg
from kg.cli import main
from kg.store.validate import validate

from .conftest import SAMPLE

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def build_files(contents: list[bytes], *extra: str) -> tuple[Result, Path]:
    """Write ``contents`` as files of a fresh folder, run ``kg build`` on it and return the result and output."""
    folder = Path(tempfile.mkdtemp(prefix="kg-robust-"))
    for number, data in enumerate(contents):
        (folder / f"in{number}.txt").write_bytes(data)
    out = folder / "out"
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out), "--workers", "1", "--no-cache", *extra])
    return result, out


def assert_clean_outcome(result: Result, out: Path) -> None:
    """Exit 0 with a graph that parses, or exit 1 with a one-line message; never an escaped exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 0:
        Graph().parse(out / "graph.ttl", format="turtle")  # may be empty: a file can hold no article at all
        report = validate(out)
        assert report.conforms, report.text()
        assert (out / "graph.html").stat().st_size > 0
    else:
        assert result.output.startswith("Error: "), result.output
        assert not (out / "graph.ttl").exists()


@SETTINGS
@given(st.lists(st.text(min_size=0, max_size=600), min_size=1, max_size=3))
def test_random_unicode_files(texts: list[str]) -> None:
    result, out = build_files([text.encode("utf-8", "surrogatepass") for text in texts])
    assert_clean_outcome(result, out)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, len(SAMPLE_TEXT)), st.integers(1, 3000)), min_size=1, max_size=3))
def test_random_slices_of_a_real_page(slices: list[tuple[int, int]]) -> None:
    texts = [SAMPLE_TEXT[start : start + length] for start, length in slices]
    result, out = build_files([text.encode("utf-8") for text in texts], "--keep-going")
    assert_clean_outcome(result, out)
    if any(text.strip() for text in texts):
        assert result.exit_code == 0


@SETTINGS
@given(st.lists(st.binary(min_size=0, max_size=2000), min_size=1, max_size=3))
def test_random_bytes_as_files(blobs: list[bytes]) -> None:
    result, out = build_files(blobs)
    assert_clean_outcome(result, out)
    kept, _ = build_files(blobs, "--keep-going")
    assert kept.exit_code in (0, 1) and "Traceback" not in kept.output


@pytest.mark.slow
def test_very_long_paragraph() -> None:
    # One paragraph of 30,000 characters without a line break: the tagger must cut it, offsets must stay right.
    sentence = "本报乌海2月21日电 乌海市海勃湾区人民政府与内蒙古自治区科技厅签署合作协议，推动氢能产业发展。"
    paragraph = sentence * (30_000 // len(sentence))
    result, out = build_files([paragraph.encode("utf-8")])
    assert_clean_outcome(result, out)
    assert result.exit_code == 0
    assert "乌海市" in (out / "graph.ttl").read_text(encoding="utf-8")


def test_an_article_in_two_files_is_kept_once_with_one_headline(tmp_path: Path) -> None:
    # Found by test_random_slices_of_a_real_page: two slices share an article's text but not its headline.
    files = []
    for number, (start, length) in enumerate([(0, 3000), (1095, 2294)]):
        files.append(tmp_path / f"slice{number}.txt")
        files[-1].write_text(SAMPLE_TEXT[start : start + length], encoding="utf-8")
    out = tmp_path / "out"
    kg.build(files, out, keep_going=True)
    report = validate(out)
    assert report.conforms, report.text()
