"""Quantities in any script and of any length, on sentences written for these tests: traditional units, counts with
classifiers, areas, power, ranges, coordinates and ordinals that are no quantities, and bad numbers."""

from __future__ import annotations

from decimal import Decimal

from kg.ingest.segment import split_sentences
from kg.nlp.frames import build_view
from kg.nlp.quantities import quantities_view
from tests.test_relations_units import extraction


def rows(text: str) -> list[tuple[str, Decimal | None, str | None]]:
    return [(q.text, q.value, q.unit) for q in quantities_view(build_view(extraction(text)))]


def test_traditional_units_keep_their_text_and_get_values() -> None:
    assert rows("全年完成投資65.2億元，新建項目122個，產量34萬噸。") == [
        ("65.2億元", Decimal("6520000000"), "CNY"), ("122個", Decimal(122), "C62"), ("34萬噸", Decimal(340000), "TNE")]


def test_counts_areas_power_and_multipliers_without_digits() -> None:
    found = {text: (value, unit) for text, value, unit in rows(
        "两省三市县共建高标准农田百万亩，新增一名医生、3000公顷林地和500平方米厂房，风电装机49.5兆瓦，是去年的3.8倍。")}
    assert found["两省"] == (Decimal(2), "C62")
    assert found["三市县"] == (Decimal(3), "C62")
    assert found["百万亩"] == (Decimal(1000000), None)
    assert found["一名"] == (Decimal(1), "C62")
    assert found["3000公顷"] == (Decimal(3000), "HAR")
    assert found["500平方米"] == (Decimal(500), "MTK")
    assert found["49.5兆瓦"] == (Decimal(49500), "KWT")  # power in kilowatts
    assert found["3.8倍"] == (Decimal("3.8"), "TIMES")


def test_ranges_have_both_ends() -> None:
    (quantity,) = quantities_view(build_view(extraction("单个项目投资5-10亿元。")))
    assert (quantity.value, quantity.value_min, quantity.value_max) == (None, Decimal(500000000), Decimal(1000000000))


def test_coordinates_ordinals_and_articles_are_no_quantities() -> None:
    assert rows("电站位于北纬40度，第6000列班列和第3届博览会，举办一场活动。") == []


def test_numbers_of_any_length_never_abort() -> None:
    found = rows("账户余额为1234567890123456789012345678元。")
    assert found == [("1234567890123456789012345678元", Decimal("1234567890123456789012345678"), "CNY")]
    (huge,) = rows("共" + "9" * 200 + "元。")
    assert huge[1] == Decimal("9" * 200)  # exact, however long


def test_a_line_break_between_a_number_and_its_unit_ends_no_sentence() -> None:
    text = "今年新增减税降费8.08\n亿元。全年完成。"
    sentences = split_sentences(text)
    assert [text[s.span.start : s.span.end] for s in sentences] == ["今年新增减税降费8.08\n亿元。", "全年完成。"]


def test_terms_sessions_phases_and_a_lone_zero_are_no_quantities() -> None:
    assert rows("十三屆全國人大四次會議審議通過。") == []
    assert rows("青山水厂（二期）扩建项目和三期工程同时推进，汽车零部件产业集聚。") == []
    # counts of the same words stay counts
    assert [(t, v) for t, v, _ in rows("全年举办三期培训班，召开会议3次。")] == [("三期", Decimal(3)), ("3次", Decimal(3))]
