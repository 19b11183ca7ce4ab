"""Readers, label mapping and exact span-and-type scoring of kg.nlp.evaluate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.nlp.evaluate import (
    LABEL_MAP,
    NerScores,
    bio_spans,
    eval_ner,
    normalise,
    read_bio,
    read_cluener,
    read_examples,
    sentence_key,
)
from kg.errors import InputError

from .conftest import SHARED_DATA as DATA


def test_scorer_counts_exact_span_and_type_only() -> None:
    scores = NerScores(data="toy", tagger="none")
    gold = [(0, 3, "Person"), (4, 6, "Place"), (8, 12, "Organization")]
    predicted = [(0, 3, "Person"), (4, 7, "Place"), (8, 12, "Place")]  # right, wrong span, wrong type
    scores.add(gold, predicted)
    person, place, org = (scores.per_type[c] for c in ("Person", "Place", "Organization"))
    assert (person.tp, person.fp, person.fn) == (1, 0, 0)
    assert (place.tp, place.fp, place.fn) == (0, 2, 1)
    assert (org.tp, org.fp, org.fn) == (0, 0, 1)
    micro = scores.micro
    assert (micro.tp, micro.fp, micro.fn) == (1, 2, 2)
    assert micro.precision == pytest.approx(1 / 3)
    assert micro.recall == pytest.approx(1 / 3)
    assert micro.f1 == pytest.approx(1 / 3)
    assert person.f1 == 1.0 and org.precision == 0.0 and org.f1 == 0.0


def test_scores_table_lists_classes_and_micro() -> None:
    scores = NerScores(data="toy", tagger="crf")
    scores.add([(0, 2, "Person"), (3, 5, "Place")], [(0, 2, "Person")])
    table = scores.table()
    assert "micro" in table and "Person" in table
    micro_row = next(line for line in table.splitlines() if line.startswith("micro"))
    assert micro_row.split()[1:] == ["2", "1", "1.0000", "0.5000", "0.6667"]


def test_bio_spans_handles_bio_and_bioes() -> None:
    assert bio_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC"]) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 6, "LOC")]
    assert bio_spans(["S-ORG", "B-PER", "E-PER", "I-LOC"]) == [(0, 1, "ORG"), (1, 3, "PER"), (3, 4, "LOC")]


def test_read_bio_file_and_directory(tmp_path: Path) -> None:
    bio = tmp_path / "data.bio"
    bio.write_text("张 B-PER\n三 I-PER\n在 O\n北 B-LOC\n京 I-LOC\n\n１ O\n号 O\n", encoding="utf-8")
    first, second = read_bio(bio)
    assert first.text == "张三在北京"
    assert first.spans == [(0, 2, "Person"), (3, 5, "Place")]
    assert second.text == "1号"  # full-width digits normalised like kg's cleaner
    folder = tmp_path / "slice"
    folder.mkdir()
    (folder / "sentences.txt").write_text("新 华 社 报 道\n", encoding="utf-8")
    (folder / "tags.txt").write_text("B-ORG I-ORG I-ORG O O\n", encoding="utf-8")
    (only,) = read_examples(folder, "bio")
    assert (only.text, only.spans) == ("新华社报道", [(0, 3, "Organization")])


def test_read_cluener_maps_labels_in_one_place(tmp_path: Path) -> None:
    record = {"text": "浙商银行叶老桂博士在杭州看《三体》", "label": {
        "company": {"浙商银行": [[0, 3]]}, "name": {"叶老桂": [[4, 6]]}, "address": {"杭州": [[10, 11]]},
        "book": {"三体": [[14, 15]]}, "position": {"博士": [[7, 8]]}}}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    (example,) = read_cluener(path)
    assert example.spans == [(0, 4, "Organization"), (4, 7, "Person"), (10, 12, "Place")]
    assert dict(example.unmapped) == {"book": 1, "position": 1}
    assert LABEL_MAP["cluener"]["government"] == "Organization"


def test_read_cluener_rejects_misplaced_span(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"text": "北京", "label": {"address": {"北京": [[1, 2]]}}}) + "\n", encoding="utf-8")
    with pytest.raises(InputError):
        list(read_cluener(path))


def test_unknown_format_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_examples(tmp_path, "conll")


def test_sentence_key_ignores_width_and_spaces() -> None:
    assert sentence_key("１９９７年 中国") == sentence_key("1997年中国")
    assert normalise("ＡＢＣ，") == "ABC，"


@pytest.mark.data
@pytest.mark.parametrize(("ner", "least_f1"), [("crf", 0.8), ("lac", 0.4)])
def test_eval_ner_on_a_slice_of_peoples_daily(ner: str, least_f1: float) -> None:
    path = DATA / "peoples_daily_ner" / "example.test"
    if not path.is_file():
        pytest.skip("../shared/data not present")
    scores = eval_ner(path, "bio", ner=ner, limit=200)
    assert scores.sentences == 200 and scores.chars > 5000
    assert scores.micro.tp + scores.micro.fn == 143  # gold entities of these sentences, all read
    assert scores.micro.f1 > least_f1  # the same scorer ranks both taggers; LAC's conventions differ from MSRA's


@pytest.mark.data
def test_eval_ner_on_cluener_slice_reports_unmapped_labels() -> None:
    path = DATA / "cluener2020" / "train.json"
    if not path.is_file():
        pytest.skip("../shared/data not present")
    scores = eval_ner(path, "cluener", ner="crf", limit=40)
    assert scores.sentences == 40
    assert scores.unmapped  # game / movie / position … are counted, not scored
    assert set(scores.per_type) >= {"Person", "Place", "Organization"}
