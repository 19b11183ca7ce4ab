"""Abbreviations across the articles of a run: a short form joins the one full name it abbreviates."""

from __future__ import annotations

import pytest

from kg.graph.resolve import abbreviates

from .entities_helpers import extract, resolve


def entity_of(extraction, text: str) -> str:  # type: ignore[no-untyped-def]
    return next(m.entity for m in extraction.mentions if m.text == text)


def test_short_forms_in_one_article_join_full_names_in_another() -> None:
    articles = [
        extract("十三届全国人民代表大会第四次会议在北京人民大会堂开幕。"),
        extract("全国人大代表们认真审议政府工作报告，提出意见建议。"),
        extract("呼和浩特市加快建设区域中心城市，推进城市更新。"),
        extract("记者从呼市交通部门获悉，春运期间客流平稳有序。"),
        extract("“液氢工厂运行良好。”鸿达兴业股份有限公司总经理王刚表示。"),
        extract("鸿达兴业公司将继续扩大液氢产能。"),
    ]
    corpus = resolve(*articles)
    npc = entity_of(articles[0], "全国人民代表大会")
    assert entity_of(articles[1], "全国人大") == npc
    assert entity_of(articles[3], "呼市") == entity_of(articles[2], "呼和浩特市") == "place/150100"
    company = entity_of(articles[4], "鸿达兴业股份有限公司")
    assert entity_of(articles[5], "鸿达兴业公司") == company
    assert {"全国人大"} <= corpus.entities[npc].alt_labels
    assert {"鸿达兴业公司"} <= corpus.entities[company].alt_labels
    assert "Organization/鸿达兴业公司" not in corpus.entities


def test_an_abbreviation_with_two_possible_full_names_stays_apart() -> None:
    first = extract("北京大学举行开学典礼。")
    third = extract("北大学生志愿者参加服务。")
    resolve(first, third)
    assert entity_of(third, "北大") == entity_of(first, "北京大学")
    first, third = extract("北京大学举行开学典礼。"), extract("北大学生志愿者参加服务。")
    second = extract("北方大学举行开学典礼。")
    resolve(first, second, third)
    assert entity_of(second, "北方大学") != entity_of(first, "北京大学")
    assert entity_of(third, "北大") not in {entity_of(first, "北京大学"), entity_of(second, "北方大学")}


def test_different_bodies_are_not_abbreviations_of_each_other() -> None:
    first = extract("内蒙古农业大学召开科研工作会议。")
    second = extract("内蒙古大学召开科研工作会议。")
    resolve(first, second)
    assert entity_of(first, "内蒙古农业大学") != entity_of(second, "内蒙古大学")


@pytest.mark.parametrize(("short", "full"), [
    ("中共", "中国共产党"), ("全国人大", "全国人民代表大会"), ("北大", "北京大学"), ("世行", "世界银行"),
    ("中国美协", "中国美术家协会"), ("广电部", "广播电影电视部"), ("华为公司", "华为技术有限公司"),
    ("鸿达兴业公司", "鸿达兴业股份有限公司"), ("市政府", "市人民政府"),
])
def test_usual_abbreviations(short: str, full: str) -> None:
    assert abbreviates(short, full)


@pytest.mark.parametrize(("short", "full", "place"), [
    ("中国", "中国共产党", False), ("内蒙古大学", "内蒙古农业大学", False), ("中国银行", "中国农业银行", False),
    ("全国人大", "全国人民代表大会常务委员会", False), ("省委", "省纪委", False), ("北京科技", "北京市政协倾心科技", False),
    ("红军", "红四军", False), ("北京队", "北京首钢队", False), ("香港公司", "香港新鸿基地产发展有限公司", False),
    ("公汽一公司", "公汽一公司第一运营分公司", False), ("大港", "大连港", True), ("五市", "五地市", True),
])
def test_not_abbreviations(short: str, full: str, place: bool) -> None:
    assert not abbreviates(short, full, place=place)


def test_places_abbreviate_only_by_their_division_word() -> None:
    assert abbreviates("呼市", "呼和浩特市", place=True)
    assert abbreviates("伊盟", "伊克昭盟", place=True)
    assert not abbreviates("南部", "南海北部", place=True)
