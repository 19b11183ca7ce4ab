"""Character taggers' spans keep the brackets and quotes they open or close (kg.nlp.tag.crf.balance_brackets)."""

from __future__ import annotations

import pytest

from kg.nlp.tag import crf

ORG = "Organization"


def _balanced(text: str, *spans: str) -> list[str]:
    found = []
    for surface in spans:
        start = text.index(surface)
        found.append((start, start + len(surface), ORG, 0.9))
    return [text[start:end] for start, end, _, _ in crf.balance_brackets(text, found)]


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        # an opener inside the span: completed by the closer that follows
        ("原晋冀鲁豫区《人民日报》和华北《人民日报》合并。", "华北《人民日报", "华北《人民日报》"),
        ("据美国《新英格兰医学杂志》报道，", "美国《新英格兰医学杂志", "美国《新英格兰医学杂志》"),
        # a closer inside the span: completed by the opener before it
        ("本报记者翟启运《时代潮》杂志记者张平福", "时代潮》杂志", "《时代潮》杂志"),
        ("“世昌”号综合训练舰昨天抵达。", "世昌”号综合训练舰", "“世昌”号综合训练舰"),
        # an unmatched opener that starts the span, or closer that ends it: dropped
        ("他在《生活时报》上撰文。", "《生活时报", "生活时报"),
        ("日本电器公司（索尼）今天宣布", "索尼）", "索尼"),
        # half-width brackets, as normalised text has them
        ("中国国际航空公司(国航)今天", "国航)", "国航"),
        # balanced spans are left alone
        ("《人民日报》社论", "《人民日报》社", "《人民日报》社"),
        ("华北人民日报", "华北人民日报", "华北人民日报"),
    ],
)
def test_brackets_are_balanced(text: str, predicted: str, expected: str) -> None:
    assert _balanced(text, predicted) == [expected]


def test_a_span_never_grows_into_its_neighbour() -> None:
    text = "华北《人民日报》社"
    found = [(0, 7, ORG, 0.9), (7, 9, ORG, 0.8)]  # 华北《人民日报 | 》社
    assert crf.balance_brackets(text, found) == [(0, 7, ORG, 0.9), (8, 9, ORG, 0.8)]


def test_offsets_stay_inside_the_text() -> None:
    assert crf.balance_brackets("《", [(0, 1, ORG, 0.5)]) == [(0, 1, ORG, 0.5)]
    assert crf.balance_brackets("人民日报《", [(2, 5, ORG, 0.5)]) == [(2, 4, ORG, 0.5)]  # 日报《 → 日报
    assert crf.balance_brackets("”", [(0, 1, ORG, 0.5)]) == [(0, 1, ORG, 0.5)]
