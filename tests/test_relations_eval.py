"""The FinRE relation benchmark runs on the real data and its figures stay where they were measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.nlp.relation_eval import _gold_key, _key, evaluate_finre, read_finre


def test_label_mapping_reads_passive_labels_backwards() -> None:
    assert _gold_key("拥有", "甲集团", "乙公司") == ("owns", "甲集团", "乙公司")
    assert _gold_key("被拥有", "乙公司", "甲集团") == ("owns", "甲集团", "乙公司")
    assert _key("subOrganizationOf", "乙公司", "甲集团") == ("owns", "甲集团", "乙公司")
    assert _gold_key("合作", "乙", "甲") == _key("cooperatesWith", "甲", "乙")
    assert _gold_key("竞争", "甲", "乙") is None


@pytest.mark.data
def test_finre_validation_precision_and_recall(shared_data: Path) -> None:
    path = shared_data / "finre" / "valid.txt"
    records = read_finre(path)
    assert len(records) > 600
    report = evaluate_finre(path, tagged=False)
    assert report["gold_relations"] > 200
    # measured 0.86 / 0.17 with these patterns; a regression in either direction should be noticed
    assert report["precision"] >= 0.75
    assert report["recall"] >= 0.12
    assert "自己" in report["unmapped_labels"]
