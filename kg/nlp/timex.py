"""Dates and times in Chinese news text, normalised against the article's date.

``find_times`` scans a text once with precompiled patterns and returns :class:`Timex` spans whose ``value`` is ISO 8601:
``2021-01-27`` (xsd:date), ``2021-01`` (xsd:gYearMonth), ``2020`` (xsd:gYear) or an interval ``2016/2020`` for periods
(a five-year plan, ``2014年以来`` → ``2014/..``). Relative expressions (去年, 今年, 目前, 昨天) are resolved against the
reference date; a month and day without a year take the reference year, or the year before when that would put the
day well after the reference date (a February article speaking of 12月25日 means last December); a day alone (25日)
takes the reference month, or the month before when it lies more than a week ahead. An expression that cannot be
normalised (2月30日, 近日, 建市初期) keeps its text with ``value`` None: nothing is invented.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

import cn2an

# A month-day without a year further than this after the reference date is read as last year's.
FUTURE_SLACK_DAYS = 62
# A day written alone further than this after the reference day is read as last month's.
DAY_SLACK_DAYS = 7

_CN_DIGITS = "〇零一二三四五六七八九"
_DIGIT = f"[0-9０-９{_CN_DIGITS}]"
_SMALL = r"(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})"


def _year(name: str) -> str:
    return rf"(?P<{name}>{_DIGIT}{{4}})年"


def _mon(name: str) -> str:
    return rf"(?P<{name}>{_SMALL})月"


def _day(name: str) -> str:
    return rf"(?P<{name}>{_SMALL})[日号]"


# One alternation, longest forms first, so a scan finds the longest expression at each position.
_PATTERN = re.compile(
    "|".join(
        [
            rf"(?P<full>{_year('y')}{_mon('m')}{_day('d')})",
            rf"(?P<ym>{_year('y2')}{_mon('m2')}(?P<part2>底|末|初|中旬|上旬|下旬)?)",
            rf"(?P<md>{_mon('m3')}{_day('d3')})",
            # a day alone (25日在某地举行): Arabic digits only, not a span of days (5日内) nor part of a longer number
            r"(?<![0-9０-９.第])(?P<dd>[0-9０-９]{1,2})日(?!内|以内|起|均|后|前)",
            r"(?P<plan>[“\"]?十(?P<plan_n>[一二三四五六七八九])五[”\"]?(?:期间|时期|以来|规划期)?)",
            rf"(?P<since>(?:自|从)?{_year('y4')}(?:以来|来)|自{_year('y6')}(?=[^，。；]{{0,24}}以来))",
            rf"(?P<year>{_year('y5')})",
            # 建成后年产值: 后 closes the clause before and 年产值 is a yearly output, not the year after next
            r"(?P<rel_year>前年|去年|今年|明年|(?<![成产后])后年(?![产均收销])|上年|本年|当年)",
            r"(?P<rel_month>上个?月|本月|这个月|下个?月)",
            r"(?P<rel_day>前天|昨天|昨日|今天|今日|明天|明日)",
            r"(?P<now>目前|当前|现在|眼下|时下|如今)",
            r"(?P<vague>近日|近期|日前|近年来|近年|近些年|今后|未来|此前|以前|以往|初期|期间)",
        ]
    )
)
_REL_YEAR = {"前年": -2, "去年": -1, "上年": -1, "今年": 0, "本年": 0, "当年": 0, "明年": 1, "后年": 2}
_REL_DAY = {"前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "明天": 1, "明日": 1}


@dataclass(frozen=True)
class Timex:
    """A time expression: span in the scanned text, the text itself, its ISO value (or None) and its kind.

    ``kind`` is one of date, month, year, period, since, now, vague. ``value`` is None when the expression is vague or
    malformed; the text is always kept.
    """

    start: int
    end: int
    text: str
    value: str | None
    kind: str


def to_int(text: str) -> int | None:
    """An integer from Arabic, full-width or Chinese digits (``三十一`` → 31, ``二〇二〇`` → 2020), or None."""
    text = text.translate(_FULLWIDTH)
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:
        # digit by digit (二〇二〇), the way years are written
        return int("".join(str(max(_CN_DIGITS.index(ch) - 1, 0)) for ch in text))
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if float(value).is_integer() else None


_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month(year: int, month: int, part: str | None) -> str | None:
    if not 1 <= month <= 12:
        return None
    if part in ("底", "末"):
        return _date(year, month, calendar.monthrange(year, month)[1])
    return f"{year:04d}-{month:02d}"


def _infer_year(month: int, day: int, ref: dt.date) -> int:
    try:
        candidate = dt.date(ref.year, month, day)
    except ValueError:
        return ref.year
    return ref.year - 1 if (candidate - ref).days > FUTURE_SLACK_DAYS else ref.year


def _day_in_month(day: int, ref: dt.date) -> str | None:
    """A day of the month written alone: in the reference month, or the month before when that day would lie more
    than a week after the reference date."""
    month_index = ref.year * 12 + ref.month - 1 - (day > ref.day + DAY_SLACK_DAYS)
    return _date(month_index // 12, month_index % 12 + 1, day)


def _normalise(match: re.Match[str], ref: dt.date | None) -> tuple[str | None, str]:
    group = match.lastgroup
    g = match.group
    if group == "full":
        year, month, day = to_int(g("y")), to_int(g("m")), to_int(g("d"))
        if year is None or month is None or day is None:
            return None, "date"
        return _date(year, month, day), "date"
    if group == "ym":
        year, month = to_int(g("y2")), to_int(g("m2"))
        if year is None or month is None:
            return None, "month"
        value = _month(year, month, g("part2"))
        return value, "date" if value and len(value) == 10 else "month"
    if group == "md":
        month, day = to_int(g("m3")), to_int(g("d3"))
        if month is None or day is None or ref is None:
            return None, "date"
        return _date(_infer_year(month, day, ref), month, day), "date"
    if group == "dd":
        day = to_int(g("dd"))
        if day is None or ref is None:
            return None, "date"
        return _day_in_month(day, ref), "date"
    if group == "plan":
        number = 10 + "一二三四五六七八九".index(g("plan_n")) + 1
        start = 2006 + 5 * (number - 11)  # the 11th five-year plan ran 2006–2010
        return (f"{start}/{start + 4}" if start > 1950 else None), "period"
    if group == "since":
        year = to_int(g("y4") or g("y6"))
        return (f"{year}/.." if year else None), "since"
    if group == "year":
        year = to_int(g("y5"))
        return (f"{year:04d}" if year else None), "year"
    if group == "rel_year":
        return (f"{ref.year + _REL_YEAR[g(group)]:04d}" if ref else None), "year"
    if group == "rel_month":
        if ref is None:
            return None, "month"
        text = g(group)
        shift = -1 if text.startswith("上") else 1 if text.startswith("下") else 0
        month_index = ref.year * 12 + ref.month - 1 + shift
        return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}", "month"
    if group == "rel_day":
        return ((ref + dt.timedelta(days=_REL_DAY[g(group)])).isoformat() if ref else None), "date"
    if group == "now":
        return (ref.isoformat() if ref else None), "now"
    return None, "vague"


def in_year(timex: Timex, year: int) -> str | None:
    """The ISO date of a month and day written without a year (3月30日) in ``year``, or None for any other
    expression."""
    match = _PATTERN.fullmatch(timex.text)
    if match is None or match.lastgroup != "md":
        return None
    month, day = to_int(match.group("m3")), to_int(match.group("d3"))
    return _date(year, month, day) if month is not None and day is not None else None


def find_times(text: str, ref: dt.date | None = None, offset: int = 0) -> list[Timex]:
    """Every time expression in ``text`` (offsets shifted by ``offset``), normalised against ``ref``."""
    found = []
    for match in _PATTERN.finditer(text):
        value, kind = _normalise(match, ref)
        found.append(Timex(match.start() + offset, match.end() + offset, match.group(), value, kind))
    return found
