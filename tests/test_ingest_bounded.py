"""Inputs of hostile shape: every one ends in a valid graph or a one-line error, and costs work in proportion to its
size. Each test reproduces a defect found by probing (issue 20); the time limits are tens of times what the fixed code
needs and far below what the old code took, so they fail on a relapse without being flaky on a loaded machine."""

from __future__ import annotations

import random
import time
from decimal import Decimal
from pathlib import Path

import pytest

import kg
from kg.nlp.frames import build_view
from kg.nlp.quantities import _QUANTITY, quantities_view
from kg.nlp.rules import split_names
from kg.rdf.validate import validate

from .test_relations_units import extraction


def quantities(text: str) -> list[tuple[Decimal | None, str]]:
    return [(q.value, q.unit_text) for q in quantities_view(build_view(extraction(text, tagged=False)))]


def test_a_number_of_any_length_keeps_its_exact_value() -> None:
    # 28 digits and more overflowed decimal's default precision: InvalidOperation aborted the whole file.
    digits = "1234567890123456789012345678"
    assert quantities(f"全市投资{digits}元。") == [(Decimal(digits + ".0"), "元")]
    assert quantities(f"全市投资{digits * 3}.5亿元。") == [(Decimal(digits * 3 + "50000000.0"), "亿元")]
    # Past Python's 4,300-digit int limit a Chinese numeral is no figure at all (it raised ValueError).
    assert quantities("共" + "一" * 5000 + "个。") == []


def test_a_multiplier_cut_from_its_number_is_no_quantity() -> None:
    # '亿元' alone matched as a Chinese numeral '亿' with no value: the graph then failed SHACL.
    assert quantities("亿元，惠及企业。") == []


def test_a_number_and_its_unit_split_by_a_line_break_make_one_valid_quantity(tmp_path: Path) -> None:
    source = tmp_path / "split.txt"
    source.write_text("本报乌海2月21日电 乌海市今年新增减税降费8.08\n亿元，惠及企业。\n", encoding="utf-8")
    result = kg.build([source], tmp_path / "out", settings=kg.Settings(ner="crf"))
    report = validate(tmp_path / "out")
    assert report.conforms, report.text()
    assert [(q.value, q.unit_text) for q in result.corpus.quantities] == [(Decimal("808000000.0"), "亿元")]


@pytest.mark.parametrize("shape", ["1", "一", "1个", "约3万元", "乌海市投资3亿元"])
def test_quantity_patterns_are_linear_on_a_long_sentence(shape: str) -> None:
    # A run of 20,000 digits took 194 s in the pattern alone (every start in the run was tried again); a sentence of
    # 16,000 characters of figures 31 s (the clause and the subject were searched from the start for every figure).
    text = shape * (40_000 // len(shape))
    mentions = {"乌海市": "City"} if "乌海市" in shape else {}
    started = time.perf_counter()
    view = build_view(extraction(text, mentions, tagged=False))
    quantities_view(view)
    assert time.perf_counter() - started < 20


def test_digits_only_start_a_number_where_their_run_starts() -> None:
    assert [m.group() for m in _QUANTITY.finditer("共12345个，3千瓦，五千米")] == ["12345个", "3千瓦", "五千米"]
    assert list(_QUANTITY.finditer("1" * 100_000)) == []


def test_a_byline_of_a_thousand_names_is_split_without_recursion() -> None:
    # Each name was one nested call (RecursionError at 1,000), and a failed split was tried again (exponential).
    rng = random.Random(7)
    names = [rng.choice("张王李刘陈杨赵黄周吴") + rng.choice("伟芳强洋静磊敏勇杰刚明华") for _ in range(1000)]
    assert split_names("".join(names)) == [*names[:-2], names[-2] + names[-1]]
    assert split_names("王明李强") == ["王明李强"] and split_names("王明李强张伟") == ["王明", "李强张伟"]


@pytest.mark.parametrize("char", ["字", "，", "”", "（", "记"])
def test_cleaning_a_file_of_one_character_lines_is_linear(char: str) -> None:
    # Every line re-examined the whole paragraph it joined (brackets, width, credit): 8,000 lines took 26-39 s.
    from kg.ingest.clean import clean_text

    started = time.perf_counter()
    result = clean_text((char + "\n") * 40_000)
    assert time.perf_counter() - started < 30
    assert clean_text(result.text).text == result.text


def test_a_line_break_between_a_number_and_its_multiplier_is_joined() -> None:
    from kg.ingest.clean import clean_text

    assert clean_text("全市新增减税降费8.08\n亿元，惠及企业。\n").text == "全市新增减税降费8.08亿元，惠及企业。"
    assert clean_text("增长12.5\n%。\n").text == "增长12.5%。"
    assert clean_text("电话：12345678\n地址：乌海市。\n").text == "电话：12345678\n\n地址：乌海市。"
