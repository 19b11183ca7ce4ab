"""Bad input through the entity stages: no Chinese, huge lines, mixed scripts, emoji, control characters."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.run import Settings

from .entities_helpers import extract, resolve

PIECES = ["乌海市", "海南区", "赤峰", "首府", "副总经理王刚", "《条例》", "“鹰巡”警航队", "、", "该公司", "有限公司",
          "記者", "內蒙古自治區", "😀", "\x00", "\u200b", "\r\n", "abc", "١٢٣", "二连站", "本报记者"]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=30).map("".join)


def check(text: str, tagger: bool) -> None:
    extraction = extract(text, tagger=tagger)
    for mention in extraction.mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
    corpus = resolve(extraction)
    for mention in extraction.mentions:
        assert mention.entity in corpus.entities


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_random_text_without_tagger(text: str) -> None:
    check(text, tagger=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_random_text_with_tagger(text: str) -> None:
    check(text, tagger=True)


def test_text_without_chinese() -> None:
    extraction = extract("The quick brown fox jumps over the lazy dog. 12345 !!!")
    assert extraction.mentions == []


def test_one_megabyte_line() -> None:
    line = ("乌海市海南区鸿达兴业股份有限公司副总经理王刚说，真金白银，合作社。" * 30000)[:1_000_000]
    extraction = extract(line, tagger=False)
    assert len({m.attrs.get("code") for m in extraction.mentions if m.attrs.get("code")}) == 2
    assert all(line[m.start : m.end] == m.text for m in extraction.mentions)


def test_user_dictionary_with_odd_names(tmp_path) -> None:
    path = tmp_path / "d.tsv"
    path.write_text("😀站\tStation\nabc\tCompany\n", encoding="utf-8")
    extraction = extract("去😀站看abc公司", settings=Settings(user_dictionary=path), tagger=False)
    assert {(m.text, m.type) for m in extraction.mentions} >= {("😀站", "Station"), ("abc", "Company")}
