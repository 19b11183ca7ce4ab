"""Dates, quantities, relation patterns and events on single sentences, including bad input."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.model import Article, ArticleExtraction, Mention, Sentence, Span, Token
from kg.nlp.events import events_view
from kg.nlp.frames import build_view
from kg.nlp.quantities import parse_number, quantities_view
from kg.nlp.relate import iter_pairs, relate_view
from kg.nlp.tag.lac import analyse
from kg.nlp.timex import find_times

REF = dt.date(2021, 2, 21)


def extraction(text: str, mentions: dict[str, str] | None = None, tagged: bool = True) -> ArticleExtraction:
    """An article of ``text`` split at 。；, with every occurrence of each (surface → class) mention marked and, when
    ``tagged``, the LAC words and parts of speech the pipeline's tagger gives."""
    sentences = []
    for match in re.finditer(r"[^。；！？]+[。；！？]?", text):
        sentences.append(Sentence(len(sentences), Span(match.start(), match.end())))
    article = Article(id="a1", document_id="d1", index=0, text=text, date=REF, sentences=sentences)
    tokens = [Token.at(offset, word, pos) for offset, word, pos in analyse(text)] if tagged else []
    found = []
    for surface, cls in (mentions or {}).items():
        for match in re.finditer(re.escape(surface), text):
            found.append(Mention("a1", match.start(), match.end(), surface, cls, 0.9, "test"))
    return ArticleExtraction(article=article, mentions=found, tokens=tokens)


def relations(text: str, mentions: dict[str, str]) -> set[tuple[str, str, str]]:
    return set(iter_pairs(relate_view(build_view(extraction(text, mentions)))))


def times(text: str) -> list[tuple[str, str | None]]:
    return [(t.text, t.value) for t in find_times(text, REF)]


def test_dates_resolve_against_the_article_date() -> None:
    assert times("该工厂于去年投入运营") == [("去年", "2020")]
    assert times("1月27日，班列驶入") == [("1月27日", "2021-01-27")]
    assert times("12月25日公布") == [("12月25日", "2020-12-25")]  # a December day in a February article is last year's


def test_yearly_output_after_completion_is_no_year_after_next() -> None:
    assert times("项目建成后年产值可达5亿元") == []  # 后 closes 建成后, 年产值 is yearly output
    assert times("该线路后年通车") == [("后年", "2023")]
    assert times("2014年以来") == [("2014年以来", "2014/..")]
    assert times("“十三五”期间") == [("“十三五”期间", "2016/2020")]
    assert times("截至2020年12月底") == [("2020年12月底", "2020-12-31")]
    assert times("二〇一九年三月五日") == [("二〇一九年三月五日", "2019-03-05")]


def test_a_day_alone_takes_the_reference_month_or_the_one_before() -> None:
    day = REF.day
    assert times(f"{day}日在东岭县召开") == [(f"{day}日", REF.isoformat())]
    assert times("3日上午举行")[0][1] == REF.replace(day=3).isoformat()
    assert times("30日举行") == [("30日", "2021-01-30")]  # well after the reference day: last month's
    assert times("5日内完成") == []  # a span of days, not a day
    assert times("第3日") == []
    assert times("1218日") == []  # part of a longer number


def test_malformed_and_vague_dates_keep_their_text_without_value() -> None:
    assert times("2月30日召开") == [("2月30日", None)]
    assert times("2021年13月5日") == [("2021年13月5日", None)]
    assert times("近日召开") == [("近日", None)]


def quantity_rows(text: str, mentions: dict[str, str] | None = None) -> list[tuple]:
    return [
        (q.measured, q.value, q.unit, q.unit_text, q.approximate, q.qualifier, q.time, q.text)
        for q in quantities_view(build_view(extraction(text, mentions)))
    ]


def test_money_percent_and_chinese_numerals_are_normalised() -> None:
    found = quantity_rows("2020年，全市累计新增减税降费8.08亿元，占税费总收入的6.4%。", {"巴彦淖尔市": "City"})
    assert found[0][:4] == ("新增减税降费", Decimal("808000000"), "CNY", "亿元")
    assert found[0][6] == "2020"
    assert found[1][1:3] == (Decimal("6.4"), "P1")
    assert parse_number("三十一") == Decimal(31)
    assert parse_number("1,520") == Decimal(1520)
    assert parse_number("三点五") == Decimal("3.5")
    chapters = quantity_rows("《条例》共五章三十一条。", {"条例": "Law"})
    assert [(row[1], row[2], row[3]) for row in chapters] == [(Decimal(5), "C62", "章"), (Decimal(31), "C62", "条")]


def test_approximation_and_bounds_are_marked() -> None:
    found = quantity_rows("满载1520余吨木材，覆盖经营主体2380余个，全市65%以上农牧户，不足20%。")
    by_text = {row[7]: row for row in found}
    assert by_text["1520余吨"][1:3] == (Decimal(1520), "TNE") and by_text["1520余吨"][4] is True
    assert by_text["1520余吨"][0] == "木材"
    assert by_text["65%以上"][5] == "more-than"
    assert by_text["不足20%"][5] == "less-than"


def test_range_keeps_its_text_and_has_no_value() -> None:
    found = quantity_rows("每户补贴3-5万元。")
    assert len(found) == 1
    measured, value, unit, _unit_text, _approx, qualifier, _time, text = found[0]
    assert (value, unit, qualifier, text) == (None, "CNY", "range", "3-5万元")


def test_measured_phrase_without_tagger_words() -> None:
    found = quantities_view(build_view(extraction("2020年，全市累计新增减税降费8.08亿元。", {}, tagged=False)))
    assert [(q.measured, q.value) for q in found] == [("新增减税降费", Decimal("808000000"))]


def test_numbers_without_units_ordinals_and_dates_are_not_quantities() -> None:
    assert quantity_rows("打造形成“2021优化升级”版本，这是第6000趟班列，B2驾驶证，2020年12月31日。") == []


def test_change_over_time_gives_two_dated_values() -> None:
    found = quantity_rows("同时，乌海市非煤产业占工业增加值比重由2010年的47.7%提高到80%以上。", {"乌海市": "City"})
    assert [(row[0], row[1], row[6], row[5]) for row in found] == [
        ("非煤产业占工业增加值比重", Decimal("47.7"), "2010", None),
        ("非煤产业占工业增加值比重", Decimal("80"), "2021-02-21", "more-than"),
    ]


def test_post_relations_with_coordinated_titles_and_anaphora() -> None:
    text = "某某科技有限公司今年投产。公司副总经理张三说，明年扩产。某市委常委、宣传部长李四出席。"
    found = relations(text, {"某某科技有限公司": "Company", "张三": "Person", "某市委": "PartyBody", "李四": "Person"})
    assert ("张三", "holdsPost", "某某科技有限公司") in found
    assert ("李四", "holdsPost", "某市委") in found
    state = relate_view(build_view(extraction("中共中央总书记、国家主席王五发表讲话。", {"中共中央": "PartyBody", "王五": "Person"})))
    # 国家主席 is not a post in 中共中央: it is stated as a post whose body the text does not name as a mention
    assert [(r.attrs["title"], r.literal) for r in state] == [("总书记", False), ("国家主席", True)]
    posts = relate_view(build_view(extraction(text, {"某市委": "PartyBody", "李四": "Person"})))
    assert sorted(r.attrs["title"] for r in posts if r.predicate == "holdsPost") == ["宣传部长", "常委"]


def test_building_investing_and_location() -> None:
    found = relations(
        "在城北区，由甲集团投资建设的乙电站去年并网。",
        {"城北区": "District", "甲集团": "Company", "乙电站": "Facility"},
    )
    assert {("甲集团", "builds", "乙电站"), ("甲集团", "investsIn", "乙电站"), ("乙电站", "locatedIn", "城北区")} <= found
    located = relations("位于滨海新区的丙物流园开园。", {"滨海新区": "District", "丙物流园": "IndustrialPark"})
    assert located == {("丙物流园", "locatedIn", "滨海新区")}


def test_cooperation_training_and_issuing() -> None:
    found = relations(
        "甲支队与乙大学、丙学院联合举办3期培训班。",
        {"甲支队": "PoliceUnit", "乙大学": "University", "丙学院": "University"},
    )
    assert ("甲支队", "cooperatesWith", "乙大学") in found
    assert ("乙大学", "trains", "甲支队") in found and ("丙学院", "trains", "甲支队") in found
    issued = relations(
        "2021年3月2日，某市教育局印发《某市校园安全管理办法》，自2021年5月1日起施行。",
        {"某市教育局": "GovernmentBody", "某市校园安全管理办法": "Law"},
    )
    assert ("某市校园安全管理办法", "issuedBy", "某市教育局") in issued
    assert ("某市校园安全管理办法", "publicationDate", "2021-03-02") in issued
    assert ("某市校园安全管理办法", "effectiveDate", "2021-05-01") in issued


def test_co_occurrence_alone_gives_no_relation() -> None:
    assert relations("甲公司和乙公司的代表参观了展会。", {"甲公司": "Company", "乙公司": "Company"}) == set()


def test_designation_needs_a_stated_title() -> None:
    found = relations("近年来，某市大力发展旅游，被评为全国文明城市。", {"某市": "City"})
    assert found == {("某市", "designatedAs", "全国文明城市")}


def test_journey_event_with_origin_destination_and_date() -> None:
    view = build_view(extraction("3月5日，从甲站始发的列车驶入乙站。这趟列车是今年的第100趟。", {"甲站": "Station", "乙站": "Station"}))
    (event,) = events_view(view)
    assert event.type == "TrainArrival"
    assert (event.origin_mention.text, event.destination_mention.text, event.date) == ("甲站", "乙站", "2021-03-05")
    assert event.description == "这趟列车是今年的第100趟。"


def test_coordinated_places_share_their_head() -> None:
    view = build_view(
        extraction("甲支队分别在全盟边境线中段和距离边境最近的乌兰、白音边境派出所进行试飞。", {"甲支队": "PoliceUnit"})
    )
    (event,) = events_view(view)
    names = [m.attrs.get("name", m.text) for m in event.place_mentions]
    assert names == ["乌兰边境派出所", "白音边境派出所"]
    assert [m.text for m in event.participant_mentions] == ["甲支队"]


def test_long_sentence_and_nested_quotes_do_not_crash() -> None:
    long = "，".join(["某市“十四五”期间“‘双碳’目标”下新增投资约3至5亿元"] * 40) + "。"
    view = build_view(extraction(long, {"某市": "City"}))
    assert len(quantities_view(view)) == 40
    relate_view(view)
    events_view(view)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="某市公司亿万元%年月日第余多以上至一二三四五十0123456789.、，。“”《》的在由与位于投资建设发布", max_size=80))
def test_arbitrary_text_never_crashes(text: str) -> None:
    view = build_view(extraction(text, {"某市": "City", "公司": "Company"}, tagged=False))
    for quantity in quantities_view(view):
        assert quantity.text and quantity.text in text
    relate_view(view)
    events_view(view)


def test_a_unit_in_quotation_marks_belongs_to_the_body_named_before_it() -> None:
    found = relations("青山市公安局“雷霆”突击队昨日成立。", {"青山市公安局": "PoliceUnit", "“雷霆”突击队": "PoliceUnit"})
    assert ("“雷霆”突击队", "subOrganizationOf", "青山市公安局") in found
    # two bodies side by side without quotation marks are not read as one inside the other
    found = relations("青山市公安局青山市消防救援支队联合检查。", {
        "青山市公安局": "PoliceUnit", "青山市消防救援支队": "Organization"})
    assert not any(p == "subOrganizationOf" for _, p, _ in found)


def test_a_station_written_after_a_country_stands_in_it() -> None:
    found = relations("班列从哈萨克斯坦多斯特克站始发。", {"哈萨克斯坦": "Country", "多斯特克站": "Station"})
    assert ("多斯特克站", "locatedIn", "哈萨克斯坦") in found


def test_a_view_is_made_again_only_when_the_article_changed() -> None:
    # no candidate phrase here: the stages after the first are given the same view while the mentions stay as they were
    article = extraction("孙海任白河县县长。周平在白河县工作。", {"白河县": "County", "孙海": "Person", "周平": "Person"})
    view = build_view(article)
    assert not any(slot.fresh for frame in view.frames for slot in frame.slots.values())
    assert build_view(article) is view
    article.mentions[0].type = "City"  # a class changed in place
    changed = build_view(article)
    assert changed is not view and build_view(article) is changed
    article.mentions.append(Mention("a1", 0, 2, "孙海", "Person", 0.9, "test"))  # an equal mention added
    assert build_view(article) is not changed
    other = extraction("孙海任白河县县长。周平在白河县工作。", {"白河县": "County", "孙海": "Person", "周平": "Person"})
    assert build_view(other) is not build_view(article)  # another article's view is its own
    # a view offering a candidate phrase (…电站) is always made anew: a stage may have taken the phrase
    park = extraction("某某集团投资建设的白河光伏电站开工。", {})
    first = build_view(park)
    assert any(slot.fresh for frame in first.frames for slot in frame.slots.values())
    assert build_view(park) is not first
