"""Values of Chinese numerals (``三十一``, ``两千``, ``一万二千``, ``二〇二〇``, ``零点五``) for later stages.

The cleaned text keeps numerals as printed (rewriting them would shift offsets and confuse the tagger); quantity and
date extraction call :func:`chinese_number` on the span they are interested in, or :func:`find_chinese_numbers` to
locate candidates. Conversion is done by cn2an.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

from kg.model import Span

_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点"
_RUN = re.compile(rf"[{_NUMERAL_CHARS}]+")
_DIGIT_MAP = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)})


@dataclass(frozen=True)
class NumeralMatch:
    """A run of Chinese numeral characters in a text and its value."""

    span: Span
    text: str
    value: int | Decimal


def chinese_number(text: str) -> int | Decimal | None:
    """The value of a numeral written in Chinese characters, Arabic digits or a mix (``3.5万``); None if it is not one.

    Integers come back as ``int``, fractions as ``Decimal`` (never float, so values stay exact).
    """
    text = text.strip().translate(_DIGIT_MAP)
    if not text or text.startswith("点") or text.endswith("点"):
        return None
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() and "点" not in text and "." not in text else number


def find_chinese_numbers(text: str) -> list[NumeralMatch]:
    """Every run of Chinese numeral characters in ``text`` that has a value, left to right.

    Runs inside words and idioms (``一带一路``, ``万马奔腾``) are found too: the caller decides from the context (a
    measure word or unit after the run) whether a run is a quantity.
    """
    matches = []
    for match in _RUN.finditer(text):
        value = chinese_number(match.group())
        if value is not None:
            matches.append(NumeralMatch(Span(match.start(), match.end()), match.group(), value))
    return matches
