"""Dates of documents and articles: page headers, file names and years of partial dates.

A newspaper dateline gives only month and day (``2月21日电``); its year comes from a reference date, the publication
date of the page. :func:`infer_year` picks the year that puts the date closest to the reference, so a dateline of
``12月31日`` on a page of 2 January belongs to the previous year. Expressions inside an article (``去年``,
``1月27日``) are resolved by :mod:`kg.nlp.timex`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from kg.model import Document

_FULL_DATE = re.compile(r"(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-./](\d{1,2})[-./](\d{1,2})(?!\d))")
_HEADER_CUE = re.compile(
    r"星期[一二三四五六日天]|周[一二三四五六日]|第\s*[A-Z]?\d{1,3}\s*版|[A-Z]\d{1,2}\s*版|日报|晚报|晨报|时报|商报"
)
_PAGE = re.compile(r"第\s*([A-Z]?\d{1,3})\s*版|(?<![A-Za-z])([A-Z]\d{1,2})\s*版")
_PUBLICATION = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:日报|晚报|晨报|时报|商报|青年报|法制报)")
_FILE_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
_FILE_PAGE = re.compile(r"(?:^|[_\-. ])(?:p|page|pg)(\d{1,3})(?=$|[_\-. ])", re.IGNORECASE)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def header_date(text: str) -> dt.date | None:
    """The date of a page-header line (``某某日报 2021年3月5日 星期五 第3版``); None for any other line.

    A header is short, contains a full date and a header cue (weekday, page number, a paper's name) and no sentence
    punctuation, so that a body sentence that starts with a date is never taken for one.
    """
    if len(text) > 40 or any(ch in text for ch in "，。！？；,;"):
        return None
    match = _FULL_DATE.search(text)
    if match is None or not _HEADER_CUE.search(text):
        return None
    year = int(match.group(1))
    month, day = (match.group(2), match.group(3)) if match.group(2) else (match.group(4), match.group(5))
    return _date(year, int(month), int(day))


def filename_date(path: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` or ``YYYYMMDD`` date in a file name (``inner_mongolia_daily_2021-02-22_p3.txt``)."""
    match = _FILE_DATE.search(Path(path).name)
    return _date(int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None


def filename_page(path: str) -> str | None:
    """A page number in a file name (``…_p3.txt`` → ``3``)."""
    match = _FILE_PAGE.search(Path(path).stem)
    return match.group(1) if match else None


def settle_document_metadata(
    doc: Document, settings: Any, header_lines: list[str], header_dates: list[dt.date]
) -> None:
    """Fill the date, publication and page of ``doc`` from the best source available (``settings.publication`` names
    the newspaper when the text only says 本报).

    Date: ``settings.date`` (``--date``) first, then a date the reader found (HTML metadata), then a page header, then
    the file name. ``doc.date_source`` records which one; with none of them the date stays None (never today's date).
    """
    forced = getattr(settings, "date", None)
    if forced is not None:
        doc.date, doc.date_source = forced, "settings"
    elif doc.date is not None:
        doc.date_source = doc.date_source or "metadata"
    elif header_dates:
        doc.date, doc.date_source = header_dates[0], "header"
    else:
        found = filename_date(doc.path)
        if found is not None:
            doc.date, doc.date_source = found, "filename"
    for line in header_lines:
        page = _PAGE.search(line)
        if doc.page is None and page:
            doc.page = page.group(1) or page.group(2)
        publication = _PUBLICATION.search(line)
        if doc.publication is None and publication:
            doc.publication = publication.group(0)
    # A publication named by the user (--publication) wins, as --date does.
    doc.publication = getattr(settings, "publication", None) or doc.publication
    doc.page = doc.page or filename_page(doc.path)


def infer_year(month: int, day: int, reference: dt.date | None) -> dt.date | None:
    """The date with this month and day closest to ``reference`` (same, previous or next year); None without one."""
    if reference is None:
        return None
    candidates = [
        d for year in (reference.year - 1, reference.year, reference.year + 1) if (d := _date(year, month, day))
    ]
    if not candidates:
        return None
    # Ties go to the earlier date: news reports what happened more often than what will.
    return min(candidates, key=lambda d: (abs((d - reference).days), d))
