"""The news_dev scorer (bench/news_dev.py): matching rules on made-up articles, and the real set when present."""

from __future__ import annotations

import datetime as dt

import pytest

import kg
from bench.news_dev import (
    KINDS,
    GoldIndex,
    evaluate,
    family,
    load_gold,
    score_entities,
    score_events,
    score_quantities,
    score_relations,
    totals,
)

from .conftest import SHARED_DATA

TEXT = "本报讯 昨日，市长王建国在呼和浩特市调研。呼和浩特市投资3.5亿元建设体育馆。"


def gold(**parts: object) -> dict:
    record: dict = {"file": "a00.txt", "entities": [], "acceptable": [], "posts": [], "relations": [],
                    "quantities": [], "events": []}
    record.update(parts)
    return record


def test_classes_fall_into_gold_families() -> None:
    assert family("Person") == "PER"
    assert family("City") == "LOC" and family("Banner") == "LOC"
    assert family("Company") == "ORG" and family("GovernmentBody") == "ORG"
    assert family("Facility") == "FAC" and family("Project") == "FAC"
    assert family("Post") is None


def test_entities_match_by_any_form_in_either_script() -> None:
    corpus = kg.api.extract_texts([("t.txt", TEXT)])
    record = gold(entities=[{"name": "呼和浩特市", "type": "LOC", "aliases": ["呼市"]},
                            {"name": "王建國", "type": "PER", "aliases": []},
                            {"name": "不存在的公司", "type": "ORG", "aliases": []}])
    score = score_entities(corpus, record, GoldIndex(record))
    assert score.gold == 3
    assert score.found == 2  # 王建國 found as 王建国 and 呼和浩特市; the made-up company is a miss
    assert "不存在的公司 [ORG]" in score.misses


def test_quantities_match_values_within_one_percent() -> None:
    corpus = kg.api.extract_texts([("t.txt", TEXT)])
    record = gold(quantities=[{"text": "3.5亿元", "value": 350000000, "unit": "CNY"},
                              {"text": "9吨", "value": 9, "unit": "tonne"}])
    score = score_quantities(corpus, record)
    assert (score.gold, score.found) == (2, 1)
    assert score.misses == ["9吨 = 9 tonne"]


def test_relations_with_an_acceptable_entity_are_neither_right_nor_wrong() -> None:
    text = "西河县委、县政府召开会议。位于西河县的东方纸业有限公司投产。"
    corpus = kg.api.extract_texts([("t.txt", text)])
    stated = {(corpus.entities[r.subject].label, r.predicate) for r in corpus.relations if r.subject in corpus.entities}
    assert ("县政府", "locatedIn") in stated and ("东方纸业有限公司", "locatedIn") in stated
    entities = [{"name": "西河县", "type": "LOC", "aliases": []},
                {"name": "东方纸业有限公司", "type": "ORG", "aliases": []}]
    record = gold(entities=entities, relations=[{"s": "东方纸业有限公司", "p": "located_in", "o": "西河县"}])
    score = score_relations(corpus, record, GoldIndex(record))
    assert (score.found, score.right) == (1, 1) and score.predicted == 2  # 县政府 in 西河县: not in the gold
    assert score.classes["located_in"] == [1, 1, 2, 1]
    record["acceptable"] = ["县政府"]  # a bare body the gold allows: its relation counts neither way
    score = score_relations(corpus, record, GoldIndex(record))
    assert (score.predicted, score.right) == (1, 1)


def test_events_match_on_any_sentence_that_tells_of_them_and_arguments_are_scored() -> None:
    text = "3月9日，东岭县举行重点项目集中开工仪式。县长赵明出席开工仪式并宣布项目开工。"
    corpus = kg.api.extract_texts([("t.txt", text)], kg.Settings(date=dt.date(2021, 3, 10)))
    assert len(corpus.events) == 1 and len(corpus.events[0].more_evidence) == 1  # one happening, told twice
    record = gold(entities=[{"name": "东岭县", "type": "LOC", "aliases": []},
                            {"name": "赵明", "type": "PER", "aliases": []}],
                  events=[{"type": "开工", "trigger": "宣布项目开工", "participants": ["赵明", "不存在的公司"],
                           "place": "东岭县", "date": "2021-03-09"}])
    score = score_events(corpus, record, GoldIndex(record))
    assert (score.found, score.right, score.predicted) == (1, 1, 1)  # the trigger is in the further sentence
    assert score.classes["participants"][:2] == [2, 1]  # 赵明 found, the made-up company not
    assert score.classes["date"][:2] == [1, 1]


@pytest.mark.data
@pytest.mark.slow
def test_news_dev_is_scored_whole() -> None:
    data = SHARED_DATA / "news_dev"
    if not data.is_dir():
        pytest.skip("../shared/data/news_dev is not present")
    records = load_gold(data)
    assert len(records) == 60
    results = evaluate(data)
    sums = totals(results)
    assert {kind: sums[kind].gold for kind in KINDS} == {
        "entities": 1092, "posts": 206, "relations": 535, "quantities": 426, "events": 129}
    for score in sums.values():
        assert 0 <= score.found <= score.gold and 0 <= score.right <= score.predicted


def test_acceptable_is_judged_on_the_mention_as_printed_and_part_b_bare_bodies_are_neutral() -> None:
    text = "本报讯 来自辽宁的企业家参加了会议。县委召开会议，研究部署招商工作。"
    corpus = kg.api.extract_texts([("t.txt", text)])
    printed = {m.text: e for e in corpus.entities.values() for m in e.mentions}
    assert printed["辽宁"].label == "辽宁省"  # kg's label is the full name; the article prints 辽宁
    part_a = gold(acceptable=["辽宁"])
    score = score_entities(corpus, part_a, GoldIndex(part_a))
    assert not any(w.startswith("辽宁省") for w in score.wrong)
    assert any(w.startswith("县委") for w in score.wrong)  # part A annotates bare bodies: not neutral there
    part_b = gold(file="b00.txt", acceptable=["辽宁"])
    score = score_entities(corpus, part_b, GoldIndex(part_b))
    assert score.predicted == 0 and score.wrong == []
