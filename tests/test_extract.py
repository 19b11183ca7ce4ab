"""`kg extract`: JSON lines of mentions with exact offsets, from files or standard input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main

from .conftest import SAMPLE


def test_lines_offsets_refer_to_each_line_as_given() -> None:
    lines = ["本报乌海2月21日电 乌海市建成3座加氢站，王刚说。", "  内蒙古日报记者在 呼和浩特 采访。"]
    result = CliRunner().invoke(main, ["extract", "-", "--lines"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["document"] for r in records] == ["<stdin>:1", "<stdin>:2"]
    for record, line in zip(records, lines, strict=True):
        assert record["mentions"], line
        for mention in record["mentions"]:
            assert line[mention["start"] : mention["end"]] == mention["text"]
            assert mention["type"].startswith("kg:")
            assert mention["entity"].startswith("https://")
    texts = {m["text"] for r in records for m in r["mentions"]}
    assert {"乌海市", "王刚", "呼和浩特"} <= texts


def test_file_offsets_refer_to_the_cleaned_text(tmp_path: Path) -> None:
    import kg
    from kg.api import mention_records

    corpus = kg.extract([SAMPLE])
    record = mention_records(corpus, "http://example.org/")[0]
    clean = corpus.documents[0].clean
    assert len(record["mentions"]) > 50
    for mention in record["mentions"]:
        assert clean[mention["start"] : mention["end"]] == mention["text"]
    result = CliRunner().invoke(main, ["extract", str(SAMPLE)])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 1


def test_extract_missing_file_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "missing.txt")])
    assert result.exit_code == 1 and "missing.txt" in result.output
