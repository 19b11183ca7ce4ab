"""The benchmark's own pieces: turning the tagged People's Daily corpus back into articles, and grouping timings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.peoples_daily import articles, detag, write_archive
from bench.run import group_of

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
