"""`kg eval ner` on a small annotated file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli import main


def test_eval_ner_prints_the_table(tmp_path: Path) -> None:
    data = tmp_path / "news.bio"
    lines = [f"{ch} {tag}" for ch, tag in zip("外交部发言人华春莹在北京表示。",
                                            ["B-ORG", "I-ORG", "I-ORG", "O", "O", "O", "B-PER", "I-PER", "I-PER",
                                             "O", "B-LOC", "I-LOC", "O", "O", "O"], strict=True)]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "ner", str(data), "--format", "bio", "--ner", "crf"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines() if line.split()}
    assert rows["micro"][0] == "3"  # three gold entities
    assert rows["Person"][:2] == ["1", "1"] and rows["Person"][-1] == "1.0000"


def test_eval_ner_rejects_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bio"
    bad.write_text("这不是 一个 标注\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "ner", str(bad)])
    assert result.exit_code == 1 and "not 'character tag'" in result.output
