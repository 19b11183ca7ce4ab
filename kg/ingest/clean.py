"""Clean PDF-extracted newspaper text while keeping a map from every cleaned character to the source.

Repairs, in order:

1. Characters: full-width ASCII digits and letters become half-width, ``⋯`` becomes ``…``, zero-width and control
   characters are dropped. Chinese punctuation (，。：；（）) is kept: it is the normal form in Chinese text.
2. Spaces: a space next to a CJK character is a PDF artifact (``2020 年 12  月``, letter-spaced datelines like
   ``本 报 鄂 尔 多 斯``) and is removed, except between the names of a grid (``兰玉华 李金保 陈 忠``, see
   :func:`_grid_spaces`); a single space between two Latin words or numbers is kept.
3. Doubled display type: PDF text layers of bold headlines and captions often repeat every glyph run
   (``““新闻新闻””``). A line that is entirely a sequence of repeated runs is reduced to the first copy of each run.
4. Lines: a newspaper column breaks lines wherever the column ends, so a line that does not end a sentence is joined
   to the next one without a space (see :func:`clean_text` for the exact rule). Real breaks are kept as ``\\n``; a
   break after a line that does not end a sentence (a headline, a byline) is written as a blank line ``\\n\\n`` so that
   cleaning the cleaned text again changes nothing.
5. Page furniture: section labels (``■要闻·速览``, ``城市·看点``), page headers (``某某日报 2021年3月5日 星期五``),
   page numbers and editor lines are removed; their source spans are recorded in ``Document.removed`` together with
   the dropped copies of doubled glyphs.

Every character of the cleaned text maps to the source index it came from (``Document.source_offsets``); an inserted
line break maps to a position between the characters it separates. Chinese numerals are not rewritten in the text
(that would break offsets and the tagger): :mod:`kg.ingest.numerals` converts them on demand.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from kg.ingest.dates import header_date, settle_document_metadata
from kg.model import Document, Span
from kg.registry import stage

# A paragraph that ends with one of these (optionally followed by closing quotes/brackets) ends a sentence.
TERMINATORS = "。！？!?"
CLOSERS = "”’」』）)》\"'"
# A line narrower than this share of the local column width ends its paragraph (or is a headline line). First
# lines of paragraphs lose their two-em indent in extraction, so body lines rarely fall below ~80 %.
SHORT_LINE = 0.65
# Headlines are rarely wider than this (in em); a longer paragraph with commas that stops mid-sentence is cut off.
HEADLINE_WIDTH = 24
# Longest page-furniture paragraph (see is_furniture), byline-only paragraph and photo credit, in characters.
FURNITURE_MAX = 40
BYLINE_MAX = 200
CREDIT_WINDOW = 200
# A text is not hard-wrapped, however many of its lines do not end sentences, when it holds a line wider than this many
# times the median width of those lines and than WEB_LINE_MIN em: a web page's paragraph on one line (its short lines
# are list items).
WEB_LINE_RATIO = 3.0
WEB_LINE_MIN = 60.0
# What follows a number on the next line when a line break cut the number from its multiplier or unit (8.08|亿元).
NUMBER_FOLLOWERS = "万亿元%"
# Layout markers that open a byline or a section label.
MARKERS = "■□●◆▲★◇"
# Characters, mid-line, before which a new paragraph starts: a marker followed by a byline or dateline.
_MIDLINE_START = re.compile(r"[■□◆●]\s*(?:本\s*报|新\s*华\s*社|中\s*新\s*社|记\s*者|通\s*讯\s*员)")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\f\v\x1c\x1d\x1e\x85\u2028\u2029]")
_DROP = {"\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"}
_SPACE_RUN = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u202f]+")
_SPACES = {" ", "\t", "\u00a0", "\u3000", "\u2002", "\u2003", "\u2009", "\u202f"}

# Paragraphs that open an article: datelines (matched on the cleaned, space-free text). Bylines without a layout
# marker are recognised on the source form instead (BYLINE_ONLY): "记者" also starts many ordinary body lines.
ARTICLE_START = re.compile(
    r"^(?:[■□◆●]\s*)?(?:本报(?!记者)|新华社|中新社|人民网|新华网|央视网|中国新闻网)(?:[\u4e00-\u9fff]{0,10}?)"
    r"(?:\d{1,2}月\d{1,2}日)?(?:电|讯)"
)
_NAME = r"(?!实习|通讯|摄影|报道)[\u4e00-\u9fff·]{2,8}"
_ROLE = r"(?:(?:本\s*报\s*)?(?:特\s*约\s*|见\s*习\s*)?记\s*者|实\s*习\s*生|通\s*讯\s*员|摄\s*影)"
# A paragraph that is only a byline, matched on the source form (spaces separate the names).
BYLINE_ONLY = re.compile(rf"^[■□◆●]?\s*(?:{_ROLE}\s*{_NAME}(?:\s+{_NAME})*\s*)+(?:摄\s*影\s*报\s*道|报\s*道|摄)?$")
# A photo credit closing a caption: "… 本报记者 张三 摄", "（新华社记者 X 摄）".
PHOTO_CREDIT = re.compile(
    rf"[（(]?(?:本\s*报\s*|新\s*华\s*社\s*)?(?:特\s*约\s*)?(?:记\s*者|通\s*讯\s*员)\s*{_NAME}(?:\s+{_NAME})*\s*摄(?:\s*影)?[）)]?\s*$"
)
# Page furniture (matched on the cleaned paragraph).
_SECTION_LABEL = re.compile(r"^(?:■[^。！？!?，,]{1,12}|[\u4e00-\u9fff]{2,4}·[\u4e00-\u9fff]{2,4})$")
_JUMP_LINE = re.compile(r"^[（(](?:下转|上接|转|接)第?[\dA-Z一二三四五六七八九十]{1,3}版[）)]$")
_PAGE_NUMBER = re.compile(r"^[-–—第]*\d{1,3}[-–—版页]*$")
# A page's own credits (本版编辑, 版式设计 …) are furniture; an article's editor (责任编辑：某某, 编辑：某某) is a
# credit the segmenter reads (kg.ingest.segment), so it stays in the text.
_EDITOR_LINE = re.compile(r"^(?:本版编辑|本版責編|版式设计|美术编辑|校对)[:：][^。！？!?]{1,30}$")


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is a CJK ideograph or CJK punctuation (full-width forms included)."""
    code = ord(ch)
    return (
        0x3000 <= code <= 0x303F
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x2FA1F
        or ch in "“”‘’—…⋯·■□●◆▲★◇"
    )


def is_ideograph(ch: str) -> bool:
    """Whether ``ch`` is a CJK ideograph (a Chinese character, not punctuation)."""
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF or code >= 0x20000


def to_halfwidth(ch: str) -> str:
    """Full-width ASCII letters, digits and a few symbols to their ASCII forms; other characters unchanged.

    Chinese punctuation (，。：；（）) is kept full-width: it is the normal form in Chinese text.
    """
    code = ord(ch)
    if (
        0xFF10 <= code <= 0xFF19
        or 0xFF21 <= code <= 0xFF3A
        or 0xFF41 <= code <= 0xFF5A
        or ch in "％．＋－／＝＜＞＠＃＆"
    ):
        return chr(code - 0xFEE0)
    if ch == "⋯":
        return "…"
    if ch in _SPACES:
        return " "
    return ch


def normalise_char(ch: str) -> str:
    """The cleaned form of one source character: '' when it is dropped, ' ' for any space."""
    if ch in _DROP:
        return ""
    ch = to_halfwidth(ch)
    if ch != " " and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
        return ""
    return ch


def visual_width(chars: list[str]) -> float:
    """Width of a line in em: CJK characters count 1, others (half-width digits, Latin) 0.5."""
    return sum(1.0 if is_cjk(ch) else 0.5 for ch in chars)


@dataclass
class _Line:
    chars: list[str]
    offsets: list[int]
    eol: int  # source index of the line break after the line (or the source length)
    blank_before: bool
    display: bool = False  # undoubled display type (headline, caption)
    raw_start: int = 0
    raw_end: int = 0

    @property
    def text(self) -> str:
        return "".join(self.chars)


@dataclass
class CleanResult:
    """The cleaned text with its offset map and what was removed or recognised on the way."""

    text: str
    offsets: list[int]  # one entry per character of ``text`` plus the source length
    removed: list[Span] = field(default_factory=list)  # source spans: page furniture and doubled glyph copies
    display: list[Span] = field(default_factory=list)  # cleaned-text spans of lines printed in display type
    header_dates: list[dt.date] = field(default_factory=list)  # dates read from page headers
    header_lines: list[str] = field(default_factory=list)  # the page header lines, cleaned


def _squares(seq: list[str], limit: int = 240) -> list[tuple[int, int]] | None:
    """Split ``seq`` into the fewest runs of the form ``xx`` (a run printed twice); None if impossible.

    Returns ``(start, half)`` per run. Dynamic programming over prefixes; lines longer than ``limit`` are never
    display type, so they are not tried.
    """
    n = len(seq)
    if n < 6 or n % 2 or n > limit:
        return None
    counts: dict[str, int] = {}
    for ch in seq:
        counts[ch] = counts.get(ch, 0) + 1
    if any(count % 2 for count in counts.values()):
        return None
    best: list[int | None] = [None] * (n + 1)
    back: list[int] = [0] * (n + 1)
    best[0] = 0
    for end in range(2, n + 1, 2):
        for start in range(end - 2, -1, -2):
            prev = best[start]
            if prev is None:
                continue
            half = (end - start) // 2
            if seq[start : start + half] == seq[start + half : end]:
                cost = prev + 1
                current = best[end]
                if current is None or cost < current:
                    best[end] = cost
                    back[end] = start
    if best[n] is None:
        return None
    runs = []
    end = n
    while end:
        start = back[end]
        runs.append((start, (end - start) // 2))
        end = start
    return runs[::-1]


def undouble(chars: list[str], offsets: list[int]) -> tuple[list[str], list[int], list[Span]] | None:
    """Reduce a line printed with every glyph run doubled to its first copies; None if the line is not doubled.

    ``““新闻新闻””标题文字标题文字`` → ``“新闻”标题文字``. A line counts as doubled when it is made entirely
    of repeated runs, has at least two ideographs and one run of two or more characters, and its reduced form is not
    itself doubled (so ``谢谢谢谢`` stays as it is and cleaning stays idempotent). Returns the kept characters, their
    offsets and the source spans of the dropped copies.
    """
    runs = _squares(chars)
    if runs is None or max(half for _, half in runs) < 2 or sum(1 for ch in chars if is_ideograph(ch)) < 4:
        return None
    kept_chars: list[str] = []
    kept_offsets: list[int] = []
    dropped: list[Span] = []
    for start, half in runs:
        kept_chars.extend(chars[start : start + half])
        kept_offsets.extend(offsets[start : start + half])
        dropped.append(Span(offsets[start + half], offsets[start + 2 * half - 1] + 1))
    if _squares(kept_chars) is not None:
        return None
    return kept_chars, kept_offsets, dropped


# A grid of names: three or more runs of one to four ideographs separated by spaces (兰玉华 李金保 陈 忠).
_GRID_LINE = re.compile(r"^[\u4e00-\u9fff]{1,4}(?:[ \u3000\u00a0]+[\u4e00-\u9fff]{1,4}){2,}$")


_CREDIT_WORDS = re.compile(r"记者|記者|通讯员|通訊員|实习生|實習生|摄|攝|编辑|編輯|责编|責編|报道|報道|撰稿|作者")


def _grid_spaces(source: str, start: int, end: int) -> set[int]:
    """Source indices of the spaces that separate the names of a grid line (kept: glued, the names would run into
    each other). A grid has at least two runs of two characters or more, which tells it from a letter-spaced line
    (本 报 记 者); two one-character runs in a row are one two-character name padded to the column (陈 忠)."""
    line = source[start:end].strip()
    if not _GRID_LINE.match(line) or _CREDIT_WORDS.search(line):
        return set()  # a byline or credit (记者 张三 通讯员 李四) is no grid: its spaces go as everywhere
    runs = [(m.start() + start, m.end() + start) for m in re.finditer(r"[\u4e00-\u9fff]+", source[start:end])]
    if sum(1 for low, high in runs if high - low >= 2) < 2:
        return set()
    kept: set[int] = set()
    single = False  # the run before is the first half of a padded two-character name
    for (low, high), (next_low, _next_high) in zip(runs, runs[1:], strict=False):
        if high - low == 1 and next_low - high >= 1 and not single and _next_high - next_low == 1:
            single = True  # 陈 忠: glued
            continue
        single = False
        kept.add(high)
    return kept


def _normalise_line(source: str, start: int, end: int) -> tuple[list[str], list[int]]:
    """Characters of one source line after character normalisation and artifact-space removal, with offsets."""
    chars: list[str] = []
    offsets: list[int] = []
    pending_space: int | None = None
    grid = _grid_spaces(source, start, end)
    for index in range(start, end):
        ch = normalise_char(source[index])
        if not ch:
            continue
        if ch == " ":
            if chars and pending_space is None:
                pending_space = index
            continue
        if pending_space is not None:
            # A space next to a CJK character is an artifact of PDF extraction; between two Latin words it is real.
            if (not is_cjk(chars[-1]) and not is_cjk(ch)) or pending_space in grid:
                chars.append(" ")
                offsets.append(pending_space)
            pending_space = None
        chars.append(ch)
        offsets.append(index)
    return chars, offsets


def _split_lines(source: str) -> list[tuple[int, int, int]]:
    """(start, end, eol) of every source line: ``end`` excludes the line break, ``eol`` is its index."""
    lines = []
    position = 0
    for match in _LINE_BREAK.finditer(source):
        lines.append((position, match.start(), match.start()))
        position = match.end()
    lines.append((position, len(source), len(source)))
    return lines


def _logical_lines(source: str, removed: list[Span], headers: list[str]) -> list[_Line]:
    """Non-blank source lines, normalised, undoubled and split before mid-line bylines; furniture lines removed.

    A furniture line (a page header, a section label) is dropped here, before lines are joined, so that it cannot end
    up inside a paragraph that runs across it; it counts as a blank line.
    """
    result: list[_Line] = []
    blank = False
    for start, end, eol in _split_lines(source):
        chars, offsets = _normalise_line(source, start, end)
        if not chars:
            blank = True
            continue
        pieces: list[tuple[list[str], list[int]]] = []
        text = "".join(chars)
        cut = 0
        for match in _MIDLINE_START.finditer(text):
            if match.start() > cut:
                pieces.append((chars[cut : match.start()], offsets[cut : match.start()]))
                cut = match.start()
        pieces.append((chars[cut:], offsets[cut:]))
        for index, (piece_chars, piece_offsets) in enumerate(pieces):
            # A piece cut before a mid-line byline ends where the byline starts.
            piece_eol = pieces[index + 1][1][0] if index + 1 < len(pieces) else eol
            line = _Line(piece_chars, piece_offsets, piece_eol, blank)
            doubled = undouble(piece_chars, piece_offsets)
            if doubled is not None:
                line.chars, line.offsets, dropped = doubled
                line.display = True
                removed.extend(dropped)
            line.raw_start, line.raw_end = piece_offsets[0], piece_offsets[-1] + 1
            text = "".join(line.chars)
            if is_furniture(text):
                removed.append(Span(line.raw_start, line.raw_end))
                if header_date(text) is not None:
                    headers.append(text)
                blank = True
                continue
            result.append(line)
            blank = False
    return result


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with sentence-final punctuation, possibly followed by closing quotes or brackets."""
    stripped = text.rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in TERMINATORS


def is_furniture(text: str) -> bool:
    """Whether a cleaned paragraph is page furniture: a section label, a page header or number, an editor line or a
    jump line (``（下转第2版）``)."""
    if len(text) > FURNITURE_MAX:
        return False
    return bool(
        _SECTION_LABEL.match(text)
        or _PAGE_NUMBER.match(text)
        or _EDITOR_LINE.match(text)
        or _JUMP_LINE.match(text)
        or header_date(text)
    )


def starts_article(text: str) -> bool:
    """Whether a cleaned line opens an article or a byline block (a dateline, a byline, a layout marker)."""
    return bool(text) and (text[0] in MARKERS or ARTICLE_START.match(text) is not None)


def _line_width(line: _Line, source: str) -> float:
    """Printed width of a line: its characters plus half an em per run of spaces (justified text spreads them)."""
    if line.display:
        return visual_width(line.chars)
    spaces = len(_SPACE_RUN.findall(source, line.raw_start, line.raw_end))
    return visual_width(line.chars) + 0.5 * spaces


def _column_widths(lines: list[_Line], source: str) -> tuple[bool, list[float], list[float]]:
    """Whether the text is hard-wrapped, each line's width and the local column width around it.

    A line is *interior* when it does not end a sentence and the next line follows it directly: in wrapped text most
    lines are like that and their width is the column width. The column width around a line is the median interior
    width within twelve lines of it (a run of spaces counts half an em), so that pages mixing narrow and wide columns
    are measured locally.
    """
    widths = [_line_width(line, source) for line in lines]
    interior = [
        i
        for i in range(len(lines) - 1)
        if not ends_sentence(lines[i].text) and not lines[i + 1].blank_before and not starts_article(lines[i + 1].text)
    ]
    wrapped = len(interior) >= 3 and len(interior) >= 0.25 * len(lines)
    overall = statistics.median(widths[i] for i in interior) if wrapped else 0.0
    if wrapped and max(widths) > max(WEB_LINE_RATIO * overall, WEB_LINE_MIN):
        # Lines far wider than the short ones: web text with a paragraph per line, its short lines list items or a
        # grid of names, one item per line, not a column.
        wrapped = False
    if not wrapped:
        return False, widths, [0.0] * len(lines)
    local: list[float] = []
    pointer_low = pointer_high = 0
    for i in range(len(lines)):
        while pointer_low < len(interior) and interior[pointer_low] < i - 12:
            pointer_low += 1
        while pointer_high < len(interior) and interior[pointer_high] <= i + 12:
            pointer_high += 1
        window = [widths[j] for j in interior[pointer_low:pointer_high]]
        local.append(statistics.median(window) if len(window) >= 3 else overall)
    return True, widths, local


@dataclass
class _Paragraph:
    chars: list[str]
    offsets: list[int]
    eol: int  # source index just after the paragraph's last line (where a separator after it maps to)
    display: bool


class _Summary:
    """What the break rules ask of a paragraph being joined, kept up to date as lines are added: asking them of the
    whole paragraph again at every line made a file of one-character lines quadratic
    (bench/results/design_figures.md)."""

    def __init__(self, chars: list[str]) -> None:
        self.chars = chars  # the paragraph's characters (shared, not copied)
        self.counted = 0  # characters already summarised
        self.opened = 0  # opening brackets minus closing ones
        self.width = 0.0
        self.clause = False  # holds clause punctuation
        self.last = ""  # the last character that is not a closing quote or bracket

    def update(self) -> _Summary:
        """Take in the characters added since the last update."""
        for ch in self.chars[self.counted :]:
            if ch in "（(":
                self.opened += 1
            elif ch in "）)":
                self.opened -= 1
            self.width += 1.0 if is_cjk(ch) else 0.5
            self.clause = self.clause or ch in "，、；：。"
            if ch not in CLOSERS:
                self.last = ch
        self.counted = len(self.chars)
        return self

    @property
    def ends_sentence(self) -> bool:
        """:func:`ends_sentence` of the paragraph."""
        return self.last in TERMINATORS and self.last != ""

    @property
    def unfinished(self) -> bool:
        """:func:`looks_unfinished` of the paragraph."""
        return self.opened > 0 or (self.width >= HEADLINE_WIDTH and self.clause)

    def tail(self, size: int) -> str:
        """The paragraph's last ``size`` characters."""
        return "".join(self.chars[-size:])


def _split_paragraph(paragraph: _Paragraph) -> list[_Paragraph]:
    """Cut a joined paragraph before every mid-paragraph byline marker (``…出台□本报记者 …``)."""
    text = "".join(paragraph.chars)
    cuts = [match.start() for match in _MIDLINE_START.finditer(text) if match.start() > 0]
    if not cuts:
        return [paragraph]
    pieces = []
    bounds = [0, *cuts, len(text)]
    for low, high in zip(bounds, bounds[1:], strict=False):
        eol = paragraph.offsets[high] if high < len(text) else paragraph.eol
        pieces.append(_Paragraph(paragraph.chars[low:high], paragraph.offsets[low:high], eol, paragraph.display))
    return pieces


def _keeps_break(
    source: str,
    lines: list[_Line],
    i: int,
    paragraph: _Summary,
    raw_start: int,
    wrapped: bool,
    widths: list[float],
    local: list[float],
) -> bool:
    """Whether the line break before ``lines[i]`` ends the paragraph (see :func:`clean_text`)."""
    previous, line = lines[i - 1], lines[i]
    if paragraph.ends_sentence or starts_article(line.text) or ends_with_credit(paragraph.tail(CREDIT_WINDOW)):
        return True
    # Judged on the paragraph only, before anything the cleaned text no longer shows (display type, line widths).
    if paragraph.unfinished or _cuts_number(paragraph.chars[-1], line.chars[0]):
        return False
    if previous.display or line.display or BYLINE_ONLY.match(source[line.raw_start : line.raw_end]):
        return True
    if paragraph.chars[-1] in MARKERS or (
        len(paragraph.chars) <= FURNITURE_MAX and is_furniture(paragraph.tail(FURNITURE_MAX))
    ):
        return True
    if previous.raw_end - raw_start <= BYLINE_MAX and BYLINE_ONLY.match(source[raw_start : previous.raw_end]):
        return True
    return not wrapped or widths[i - 1] < SHORT_LINE * local[i - 1]


def _cuts_number(last: str, first: str) -> bool:
    """Whether a line break falls between a number and its multiplier or unit (``8.08`` | ``亿元``), as PDF text
    often has it: never a paragraph break."""
    return last.isascii() and last.isdigit() and first in NUMBER_FOLLOWERS


def ends_with_credit(text: str) -> bool:
    """Whether ``text`` ends with a photo credit (``本报记者 张三 摄``); only its last CREDIT_WINDOW characters are
    looked at (a credit is far shorter), so that asking at every line stays cheap."""
    end = text.rstrip()
    if end[-1:] in ("）", ")"):
        end = end[:-1]
    # Every credit ends with 摄 or 摄影: the pattern is only tried on text that does.
    return end.endswith(("摄", "影")) and PHOTO_CREDIT.search(text[-CREDIT_WINDOW:]) is not None


def looks_unfinished(paragraph: str) -> bool:
    """Whether a paragraph that does not end a sentence is clearly cut off rather than a headline or a byline.

    It is when a bracket is still open (a dateline credit broken over lines) or when it is longer than a headline
    and already contains clause punctuation (a sentence broken in the middle). Judged on the whole paragraph, so
    that the cleaned text, read again, gets the same answer.
    """
    if paragraph.count("（") + paragraph.count("(") > paragraph.count("）") + paragraph.count(")"):
        return True
    return visual_width(list(paragraph)) >= HEADLINE_WIDTH and any(ch in paragraph for ch in "，、；：。")


def _paragraphs(source: str, lines: list[_Line], removed: list[Span]) -> list[_Paragraph]:
    """Join lines into paragraphs, then split them before mid-paragraph bylines and undouble doubled ones."""
    wrapped, widths, local = _column_widths(lines, source)
    joined: list[_Paragraph] = []
    summary: _Summary | None = None
    raw_start = 0
    for i, line in enumerate(lines):
        current = joined[-1] if joined and i > 0 else None
        if (
            current is not None
            and summary is not None
            and not _keeps_break(source, lines, i, summary.update(), raw_start, wrapped, widths, local)
        ):
            if (
                current.chars[-1].isascii()
                and current.chars[-1].isalpha()
                and line.chars[0].isascii()
                and line.chars[0].isalpha()
            ):
                current.chars.append(" ")
                current.offsets.append(lines[i - 1].eol)
            current.chars.extend(line.chars)
            current.offsets.extend(line.offsets)
            current.eol = line.eol
            continue
        joined.append(_Paragraph(list(line.chars), list(line.offsets), line.eol, line.display))
        summary = _Summary(joined[-1].chars)
        raw_start = line.raw_start
    paragraphs: list[_Paragraph] = []
    for paragraph in joined:
        for piece in _split_paragraph(paragraph):
            if not piece.display:
                # A headline doubled glyph by glyph may be broken over two lines: undouble the joined paragraph too.
                doubled = undouble(piece.chars, piece.offsets)
                if doubled is not None:
                    piece.chars, piece.offsets, dropped = doubled
                    piece.display = True
                    removed.extend(dropped)
            paragraphs.append(piece)
    return paragraphs


def _joins(before: _Summary, after: str) -> bool:
    """Whether two paragraphs that ended up next to each other are halves of one (see :func:`clean_text`)."""
    if before.ends_sentence or starts_article(after) or ends_with_credit(before.tail(CREDIT_WINDOW)):
        return False
    return before.unfinished


def _drop_furniture(paragraphs: list[_Paragraph], removed: list[Span], header_lines: list[str]) -> list[_Paragraph]:
    """Remove furniture paragraphs; rejoin a cut-off paragraph whose two halves the furniture had separated."""
    kept: list[_Paragraph] = []
    summary: _Summary | None = None
    for paragraph in paragraphs:
        text = "".join(paragraph.chars)
        if is_furniture(text):
            removed.append(Span(paragraph.offsets[0], paragraph.offsets[-1] + 1))
            if header_date(text) is not None:
                header_lines.append(text)
            continue
        if kept and summary is not None and _joins(summary.update(), text):
            before = kept.pop()
            latin = (
                before.chars[-1].isascii() and before.chars[-1].isalpha() and text[0].isascii() and text[0].isalpha()
            )
            glue = [" "] if latin else []
            # Extended in place, so that a chain of halves costs its length once, not once per half.
            before.chars.extend(glue + paragraph.chars)
            before.offsets.extend([before.eol] * len(glue) + paragraph.offsets)
            paragraph = _Paragraph(before.chars, before.offsets, paragraph.eol, False)
            doubled = undouble(paragraph.chars, paragraph.offsets)
            if doubled is not None:
                paragraph.chars, paragraph.offsets, dropped = doubled
                paragraph.display = True
                removed.extend(dropped)
            if len(paragraph.chars) <= FURNITURE_MAX and is_furniture("".join(paragraph.chars)):
                removed.append(Span(paragraph.offsets[0], paragraph.offsets[-1] + 1))
                summary = None
                continue
            if paragraph.chars is not before.chars:
                summary = None
        kept.append(paragraph)
        if summary is None or summary.chars is not paragraph.chars:
            summary = _Summary(paragraph.chars)
    return kept


def clean_text(source: str) -> CleanResult:
    """Clean ``source`` and map every cleaned character back to the source.

    A line L is joined to the next non-blank line N (without a space, or with one between two Latin letters) unless: L's
    paragraph ends a sentence or with a photo credit, or N opens an article (dateline, layout marker). Then a paragraph
    that is clearly cut off (:func:`looks_unfinished`) is joined. Otherwise the break is kept when L or N is in display
    type, N is a byline, the paragraph so far is a complete byline, ends with a layout marker, or is page furniture,
    when the text is not hard-wrapped at all (most lines end sentences, as in web text), or when L is short
    (under 65 % of the local column width), which marks the end of a paragraph or a headline line. Blank lines are not
    paragraph breaks by themselves: PDF text puts them at column breaks in mid-sentence.

    Kept paragraphs are separated by ``\n`` after a sentence end or before an article start and by ``\n\n``
    otherwise, so that cleaning the result again joins nothing and returns it unchanged. One linear pass over the
    lines keeps cleaning fast.
    """
    removed: list[Span] = []
    header_lines: list[str] = []
    lines = _logical_lines(source, removed, header_lines)
    paragraphs = _paragraphs(source, lines, removed)
    out_chars: list[str] = []
    out_offsets: list[int] = []
    display: list[Span] = []
    previous: _Paragraph | None = None
    for paragraph in _drop_furniture(paragraphs, removed, header_lines):
        text = "".join(paragraph.chars)
        if previous is not None:
            separator = "\n" if ends_sentence("".join(previous.chars)) or starts_article(text) else "\n\n"
            out_chars.extend(separator)
            out_offsets.extend([previous.eol] * len(separator))
        start = len(out_chars)
        out_chars.extend(paragraph.chars)
        out_offsets.extend(paragraph.offsets)
        if paragraph.display:
            display.append(Span(start, len(out_chars)))
        previous = paragraph
    out_offsets.append(len(source))
    removed.sort()
    header_dates = [found for line in header_lines if (found := header_date(line)) is not None]
    return CleanResult("".join(out_chars), out_offsets, removed, display, header_dates, header_lines)


@stage("ingest.clean.newspaper")
def clean(doc: Document, settings: Any = None) -> Document:
    """Clean a document's source text, record the offset map and removed furniture, and settle its date.

    The date is taken, in this order, from ``settings.date`` (``--date``), from what the reader found in the input
    (HTML metadata), from a page header line, or from a ``YYYY-MM-DD``/``YYYYMMDD`` in the file name; if none is
    found it stays None and partial dates in the articles (``2月21日``) get no year. Today's date is never used.
    """
    result = clean_text(doc.source)
    doc.clean, doc.source_offsets = result.text, result.offsets
    doc.removed = result.removed
    doc.display = result.display
    settle_document_metadata(doc, settings, result.header_lines, result.header_dates)
    return doc
