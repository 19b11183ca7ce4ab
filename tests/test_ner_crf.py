"""The shipped character CRF (nlp.tag.crf) and the training-data conversion (no retraining here)."""

from __future__ import annotations

import json

import pytest

from kg.nlp.tag import crf
from kg.nlp.tag.train import bioes, pfr_example, split_example

from .entities_helpers import TAGGER_SENTENCES, tagged


def _mentions(text: str) -> set[tuple[str, str]]:
    return tagged("crf", text)


SENTENCES = [
    *TAGGER_SENTENCES,
    ("内蒙古自治区乌海市公安局海勃湾区分局民警张伟介绍了案件情况。",
     {("张伟", "Person")}),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_crf_tags_real_news_sentences(text: str, expected: set[tuple[str, str]]) -> None:
    found = _mentions(text)
    assert expected <= found, found - expected


def test_offsets_hold_across_paragraphs_and_full_width_input() -> None:
    text = "据新华社报道，\n外交部发言人华春莹１２日在北京表示。\n\n王毅会见了来访的法国外长。"
    found = _mentions(text)
    assert ("华春莹", "Person") in found
    assert ("王毅", "Person") in found
    assert ("北京", "Place") in found
    assert not any("\n" in name for name, _ in found)


def test_empty_and_blank_text() -> None:
    assert _mentions("") == set()
    assert _mentions("\n \n") == set()


def test_features_are_one_row_per_character() -> None:
    rows = crf.features("江泽民在北京。")
    assert len(rows) == 7
    assert "c民" in rows[2] and "b泽" in rows[2] and "g泽民" in rows[2]
    assert crf.features("１") == crf.features("1")  # full-width digits read as half-width


def test_generic_endings_are_marked() -> None:
    text = "某某有限公司和某某自治区"
    ends, before = crf._ending_marks(text)
    assert ends[5] == "G" and before[1] == "G"
    assert ends[11] == "L" and before[8] == "L"


def test_spans_from_labels() -> None:
    labels = ["B-PER", "E-PER", "O", "S-LOC", "B-ORG", "I-ORG", "E-ORG", "I-LOC"]
    assert crf.spans_from_labels(labels) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 7, "ORG"), (7, 8, "LOC")]


def test_pfr_paragraph_conversion() -> None:
    line = ("19980101-01-001-004/m  １２月/t  ３１日/t  ，/w  [中央/n  人民/n  广播/vn  电台/n]nt  记者/n  "
            "江/nr  泽民/nr  在/p  [香港/ns  特别/a  行政区/n]ns  会见/v  李/nr  鹏/nr  、/w  "
            "[中国/ns  银行/n]nz  代表/n  。/w  他/r  说/v  。/w  ")
    example = pfr_example(line)
    assert example.text.startswith("12月31日，中央人民广播电台")
    found = [(example.text[s:e], c) for s, e, c in example.spans]
    assert found == [("中央人民广播电台", "Organization"), ("江泽民", "Person"), ("香港特别行政区", "Place"),
                     ("李鹏", "Person"), ("中国", "Place")]
    first, second = split_example(example)
    assert first.text.endswith("代表。") and second.text == "他说。"
    assert bioes(4, [(0, 2, "Person"), (3, 4, "Place")]) == ["B-PER", "E-PER", "O", "S-LOC"]


def test_shipped_model_metadata_records_data_settings_scores() -> None:
    meta = json.loads((crf.MODEL_DIR / crf.METADATA_NAME).read_text(encoding="utf-8"))
    assert crf.model_path().stat().st_size == meta["model_bytes"] < 20_000_000
    assert "msra_ner_train" in meta["training_data"]["sentences"]
    assert "licence" in meta and meta["settings"]["c1"] > 0
    assert meta["scores"]["peoples_daily_ner_test"]["scores"]["micro"]["f1"] > 0.8


def test_place_marks_cover_the_longest_known_place_name() -> None:
    text = "他从内蒙古自治区赤峰市去了俄罗斯。"
    marks = crf.place_marks(text)
    assert len(marks) == len(text)
    assert "".join(m or "." for m in marks) == "..BMMMMEBME..BME."
    assert crf.place_marks("ＡＢ赤峰市") == ["", "", "B", "M", "E"]  # full-width input keeps one mark per character
