"""A very large input file is read in parts cut between articles, in memory bounded by the part size."""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.model import ArticleExtraction
from kg.run import Settings, Timings, extract_file, stage
from kg.ingest.parts import iter_parts

from .conftest import SAMPLE

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")


@stage("nlp.tag.test-none")
def no_tagger(extraction: ArticleExtraction, settings: object = None) -> ArticleExtraction:
    """A tagger that finds nothing, so that these tests measure reading, cleaning and segmenting only."""
    return extraction


def big_file(path: Path, articles: int) -> Path:
    """A plain-text archive of ``articles`` dateline articles made of the sample page's sentences; every paragraph
    is numbered so that no line repeats (a repeated line would look like page furniture to the cleaner)."""
    sentences = [s + "。" for s in re.split(r"[。\n]", SAMPLE_TEXT.replace(" ", "")) if len(s) > 8]
    with path.open("w", encoding="utf-8") as handle:
        for number in range(articles):
            handle.write(f"本报呼和浩特{number % 12 + 1}月{number % 28 + 1}日电（记者王伟）第{number}篇。\n")
            for paragraph in range(3):
                start = (number * 7 + paragraph * 5) % (len(sentences) - 4)
                handle.write(f"第{number}篇第{paragraph}段：" + "".join(sentences[start : start + 4]) + "\n")
            handle.write("\n")
    return path


def test_parts_are_cut_before_datelines(tmp_path: Path) -> None:
    path = big_file(tmp_path / "big.txt", 400)
    text = path.read_text(encoding="utf-8")
    parts = list(iter_parts(path, part_chars=10_000))
    assert "".join(parts) == text
    assert len(parts) > 5
    assert all(part.startswith("本报") for part in parts)
    assert all(len(part) <= 2 * 10_000 for part in parts)


def test_a_line_without_end_is_cut_after_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "one-line.txt"
    path.write_text("乌海市建成加氢站。" * 5000, encoding="utf-8")
    parts = list(iter_parts(path, part_chars=4_000))
    assert "".join(parts) == path.read_text(encoding="utf-8")
    assert all(part.endswith("。") for part in parts) and max(map(len, parts)) <= 8_000


def test_binary_large_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(bytes(range(256)) * 1000)
    with pytest.raises(InputError, match="binary"):
        list(iter_parts(path))


@pytest.mark.slow
def test_large_file_gives_the_same_articles_in_bounded_memory(tmp_path: Path) -> None:
    path = big_file(tmp_path / "big.txt", 3000)  # about 2 MB
    whole = Settings(ner="test-none", steps=(), options={"part_chars": 10**9})
    parts = Settings(ner="test-none", steps=(), options={"part_chars": 50_000})

    def extract(settings: Settings) -> tuple[list[tuple[str, str]], int]:
        tracemalloc.start()
        result = extract_file(0, path, "", settings, Timings())
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert result.error is None, result.error
        return [(e.article.id, e.article.text) for e in result.extractions], peak

    expected, whole_peak = extract(whole)
    found, parts_peak = extract(parts)
    assert len(expected) == 3000
    assert found == expected
    # Reading whole holds the text, its cleaned copy and a per-character offset map at once; in parts only one
    # part's worth of them exists at a time, next to the articles kept.
    assert parts_peak < whole_peak / 2, (parts_peak, whole_peak)
